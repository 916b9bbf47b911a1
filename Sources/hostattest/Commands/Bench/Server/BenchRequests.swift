import AttestWire
import NIOCore

/// One simulated host's requests for the measured loop, as bytes: the heads are built once at
/// enrollment; each attestation is written as one buffer (head with its Content-Length, then the
/// body), so the connection sends it with one write and one flush.
struct BenchRequests: Sendable {
    let attestationPath: String
    let challengePath: String
    /// `POST …/attestations HTTP/1.1` … `Content-Length: ` (the length and the blank line follow).
    private let attestationHead: [UInt8]
    /// The whole `POST …/challenge` request (no body).
    let challenge: ByteBuffer

    init(endpoint: BenchEndpoint, hostId: String) {
        attestationPath = endpoint.pathPrefix + "/v1/hosts/\(hostId)/attestations"
        challengePath = endpoint.pathPrefix + "/v1/hosts/\(hostId)/challenge"
        func head(_ path: String) -> String {
            "POST \(path) HTTP/1.1\r\nHost: \(endpoint.authority)\r\nContent-Type: application/json\r\nContent-Length: "
        }
        attestationHead = Array(head(attestationPath).utf8)
        challenge = ByteBuffer(string: head(challengePath) + "0\r\n\r\n")
    }

    private static let nonceOpen: StaticString = "{\"nonce\":\""
    private static let quoteOpen: StaticString = "\",\"quote\":\""
    private static let signatureOpen: StaticString = "\",\"signature\":\""
    private static let pcrsOpen: StaticString = "\",\"pcrs\":\""

    /// The attestation request: an ``AttestationRequest`` body assembled directly. The event log's
    /// field (`","eventLog":"<base64>"}`, the same in every round) is `logField`, serialized once; the
    /// nonce is the server's base64 (checked by the caller), and base64 needs no JSON escaping.
    func attestation(nonce: String, quote: [UInt8], signature: [UInt8], pcrs: [UInt8], logField: [UInt8]) -> ByteBuffer {
        let length = Self.nonceOpen.utf8CodeUnitCount + nonce.utf8.count + Self.quoteOpen.utf8CodeUnitCount + Base64.length(quote.count)
            + Self.signatureOpen.utf8CodeUnitCount + Base64.length(signature.count) + Self.pcrsOpen.utf8CodeUnitCount
            + Base64.length(pcrs.count) + logField.count
        let digits = String(length)
        var b = ByteBuffer()
        b.reserveCapacity(attestationHead.count + digits.utf8.count + 4 + length)
        b.writeBytes(attestationHead)
        b.writeString(digits)
        b.writeStaticString("\r\n\r\n")
        let bodyStart = b.writerIndex
        b.writeStaticString(Self.nonceOpen)
        b.writeString(nonce)
        b.writeStaticString(Self.quoteOpen)
        Base64.write(quote, to: &b)
        b.writeStaticString(Self.signatureOpen)
        Base64.write(signature, to: &b)
        b.writeStaticString(Self.pcrsOpen)
        Base64.write(pcrs, to: &b)
        b.writeBytes(logField)
        precondition(b.writerIndex - bodyStart == length, "bench: the attestation body's length was miscounted")
        return b
    }
}

/// The parts of a ``Verdict`` a round needs (status, the first finding for the problem text, the
/// verdict's time and the next challenge); the rest (token, notes, ids) is not decoded into values.
struct BenchVerdict: Decodable {
    struct Finding: Decodable {
        var code: String
        var message: String
    }

    var status: Verdict.Status
    var at: String
    var findings: [Finding]
    var nextChallenge: ChallengeResponse?

    /// "code: message" of the first finding.
    var problem: String? { findings.first.map { "\($0.code): \($0.message)" } }
}

/// Standard base64 (RFC 4648, section 4, with padding) written straight into a ByteBuffer.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func length(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    static func write(_ bytes: [UInt8], to buffer: inout ByteBuffer) {
        let n = length(bytes.count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: n) { out in
            alphabet.withUnsafeBufferPointer { a in
                bytes.withUnsafeBufferPointer { src in
                    var i = 0, o = 0
                    while i + 2 < src.count {
                        let v = UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
                        out[o] = a[Int(v >> 18)]; out[o + 1] = a[Int(v >> 12 & 63)]
                        out[o + 2] = a[Int(v >> 6 & 63)]; out[o + 3] = a[Int(v & 63)]
                        i += 3; o += 4
                    }
                    let left = src.count - i
                    if left > 0 {
                        let v = UInt32(src[i]) << 16 | (left == 2 ? UInt32(src[i + 1]) << 8 : 0)
                        out[o] = a[Int(v >> 18)]; out[o + 1] = a[Int(v >> 12 & 63)]
                        out[o + 2] = left == 2 ? a[Int(v >> 6 & 63)] : 61
                        out[o + 3] = 61
                    }
                }
            }
            return n
        }
    }
}
