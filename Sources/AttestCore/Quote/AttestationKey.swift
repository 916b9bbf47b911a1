import Crypto
import Foundation

/// The public key of an attestation key (AK), ready to verify signatures: given as a TPM public area
/// (TPM2B_PUBLIC from `tpm2_createak -u`, or TPMT_PUBLIC) or as a PEM SubjectPublicKeyInfo
/// (`tpm2_createak -f pem`). Parsing and key setup happen once, here.
public struct AttestationKey: Sendable {
    enum Verifier: @unchecked Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
        case rsa(OpenSSLRSAPublicKey)
    }

    let verifier: Verifier
    /// The TPM public area, when the key was given as one (then its name and attributes are known).
    public let publicArea: TPMTPublic?

    /// "ECC NIST P-256", "RSA 2048", …
    public var algorithmDescription: String {
        switch verifier {
        case .p256: return "ECC NIST P-256"
        case .p384: return "ECC NIST P-384"
        case .p521: return "ECC NIST P-521"
        case .rsa(let k): return "RSA \(k.bits)"
        }
    }

    /// The TPM name of the key (nameAlg ‖ H(TPMT_PUBLIC)), when given as a TPM public area.
    public var name: [UInt8]? { publicArea?.name }

    public init(publicArea: TPMTPublic) throws {
        self.publicArea = publicArea
        switch publicArea.key {
        case .rsa(let parms, let modulus):
            guard !modulus.isEmpty else { throw ParseError("TPMT_PUBLIC", "unique.rsa (the modulus) is empty", code: .parseMalformed) }
            do {
                verifier = .rsa(try OpenSSLRSAPublicKey(modulus: modulus, exponent: parms.effectiveExponent))
            } catch {
                throw ParseError("TPMT_PUBLIC", "RSA key rejected: \(error)", code: .parseBadKey)
            }
        case .ecc(let parms, let point):
            func raw(_ size: Int) throws -> [UInt8] {
                func pad(_ c: [UInt8]) throws -> [UInt8] {
                    let t = Array(c.drop { $0 == 0 })
                    guard t.count <= size else { throw ParseError("TPMT_PUBLIC", "ECC coordinate longer than \(size) bytes", code: .parseBadKey) }
                    return [UInt8](repeating: 0, count: size - t.count) + t
                }
                return try pad(point.x) + pad(point.y)
            }
            do {
                switch parms.curveID {
                case TPMECCCurve.nistP256: verifier = .p256(try P256.Signing.PublicKey(rawRepresentation: try raw(32)))
                case TPMECCCurve.nistP384: verifier = .p384(try P384.Signing.PublicKey(rawRepresentation: try raw(48)))
                case TPMECCCurve.nistP521: verifier = .p521(try P521.Signing.PublicKey(rawRepresentation: try raw(66)))
                default:
                    throw ParseError("TPMT_PUBLIC", "ECC curve 0x\(String(parms.curveID, radix: 16)) is not supported", code: .parseUnknownAlgorithm)
                }
            } catch let e as ParseError {
                throw e
            } catch {
                throw ParseError("TPMT_PUBLIC", "the ECC point is not on its curve: \(error)", code: .parseBadKey)
            }
        }
    }

    /// A PEM SubjectPublicKeyInfo: EC (P-256, P-384, P-521) or RSA.
    public init(pemEncoded pem: String) throws {
        publicArea = nil
        if let k = try? P256.Signing.PublicKey(pemRepresentation: pem) { verifier = .p256(k); return }
        if let k = try? P384.Signing.PublicKey(pemRepresentation: pem) { verifier = .p384(k); return }
        if let k = try? P521.Signing.PublicKey(pemRepresentation: pem) { verifier = .p521(k); return }
        do {
            verifier = .rsa(try OpenSSLRSAPublicKey(pem: pem))
        } catch {
            throw ParseError("PEM public key", "not an EC (P-256/P-384/P-521) or RSA public key: \(error)", code: .parseBadKey)
        }
    }

    /// Detects the form: PEM text, TPM2B_PUBLIC or TPMT_PUBLIC.
    public init(bytes: [UInt8]) throws {
        if bytes.starts(with: Array("-----BEGIN".utf8)) || bytes.prefix(64).contains(Array("-----BEGIN".utf8)) {
            try self.init(pemEncoded: String(decoding: bytes, as: UTF8.self))
            return
        }
        if bytes.count >= 2, Int(bytes[0]) << 8 | Int(bytes[1]) == bytes.count - 2 {
            try self.init(publicArea: try TPM2BPublic(bytes: bytes).publicArea)
        } else {
            try self.init(publicArea: try TPMTPublic(bytes: bytes))
        }
    }

    /// Checks `signature` over `message`, hashing with the signature's hash algorithm.
    /// Returns nil when valid, else why not.
    func signatureProblem(_ signature: TPMTSignature, over message: [UInt8]) -> String? {
        func fixed(_ r: [UInt8], _ s: [UInt8], _ size: Int) -> [UInt8]? {
            let tr = r.drop { $0 == 0 }, ts = s.drop { $0 == 0 }
            guard tr.count <= size, ts.count <= size else { return nil }
            var out = [UInt8](repeating: 0, count: 2 * size)
            out.replaceSubrange((size - tr.count)..<size, with: tr)
            out.replaceSubrange((2 * size - ts.count)..<(2 * size), with: ts)
            return out
        }
        switch (verifier, signature.signature) {
        case (.p256(let key), .ecdsa(let hash, let r, let s)):
            return Self.ecdsaProblem(key, hash: hash, r: r, s: s, message: message, curve: "P-256", fixed: fixed)
        case (.p384(let key), .ecdsa(let hash, let r, let s)):
            return Self.ecdsaProblem(key, hash: hash, r: r, s: s, message: message, curve: "P-384", fixed: fixed)
        case (.p521(let key), .ecdsa(let hash, let r, let s)):
            return Self.ecdsaProblem(key, hash: hash, r: r, s: s, message: message, curve: "P-521", fixed: fixed)
        case (.rsa(let key), .rsassa(let hash, let sig)):
            return key.isValidSignature(sig, digest: hash.hash(message), hash: hash, pss: false) ? nil : "the RSASSA signature does not verify with the attestation key"
        case (.rsa(let key), .rsapss(let hash, let sig)):
            return key.isValidSignature(sig, digest: hash.hash(message), hash: hash, pss: true) ? nil : "the RSAPSS signature does not verify with the attestation key"
        default:
            return "a \(signature.sigAlg) signature cannot come from the \(algorithmDescription) attestation key"
        }
    }

    /// Reads a signature in tpm2-tools' `plain` format (`tpm2_quote -f plain`): a DER ECDSA-Sig-Value for
    /// an EC key, the raw signature for RSA (RSASSA unless the AK's public area names RSAPSS). `plain`
    /// carries no hash algorithm, so the caller supplies it.
    public func signature(plain bytes: [UInt8], hash: DigestAlgorithm) throws -> TPMTSignature {
        func split(_ raw: some DataProtocol, _ size: Int) -> TPMTSignature {
            let r = Array(raw)
            return TPMTSignature(.ecdsa(hash: hash, r: Array(r[0..<size]), s: Array(r[size...])))
        }
        do {
            switch verifier {
            case .p256: return split(try P256.Signing.ECDSASignature(derRepresentation: bytes).rawRepresentation, 32)
            case .p384: return split(try P384.Signing.ECDSASignature(derRepresentation: bytes).rawRepresentation, 48)
            case .p521: return split(try P521.Signing.ECDSASignature(derRepresentation: bytes).rawRepresentation, 66)
            case .rsa(let key):
                guard bytes.count == (key.bits + 7) / 8 else {
                    throw ParseError("plain signature", "\(bytes.count) bytes, an RSA \(key.bits) signature has \((key.bits + 7) / 8)", code: .parseLength)
                }
                if publicArea?.scheme.scheme == .rsapss { return TPMTSignature(.rsapss(hash: hash, sig: bytes)) }
                return TPMTSignature(.rsassa(hash: hash, sig: bytes))
            }
        } catch let e as ParseError {
            throw e
        } catch {
            throw ParseError("plain signature", "not a DER ECDSA signature: \(error)", code: .parseMalformed)
        }
    }

    /// The hash the AK's public area fixes for its signatures, if any.
    public var schemeHash: DigestAlgorithm? { publicArea?.scheme.hashAlg }

    /// Fuzz entry point: parses arbitrary bytes as a key, never traps.
    public static func fuzz(_ data: [UInt8]) {
        _ = try? AttestationKey(bytes: data)
    }
}

extension AttestationKey {
    /// One ECDSA check for every curve: r and s padded to the curve's coordinate size, the message
    /// hashed with the signature's hash.
    static func ecdsaProblem<Key: ECDSAPublicKey>(_ key: Key, hash: DigestAlgorithm, r: [UInt8], s: [UInt8], message: [UInt8],
                                                  curve: String, fixed: ([UInt8], [UInt8], Int) -> [UInt8]?) -> String? {
        guard let raw = fixed(r, s, Key.coordinateSize), let sig = try? Key.Signature(rawRepresentation: raw) else {
            return "the ECDSA signature's r or s is out of range"
        }
        let ok: Bool
        switch hash {
        case .sha256: ok = key.isValidSignature(sig, for: SHA256.hash(data: message))
        case .sha384: ok = key.isValidSignature(sig, for: SHA384.hash(data: message))
        case .sha512: ok = key.isValidSignature(sig, for: SHA512.hash(data: message))
        case .sha1: ok = key.isValidSignature(sig, for: Insecure.SHA1.hash(data: message))
        }
        return ok ? nil : "the ECDSA \(curve) signature does not verify with the attestation key"
    }
}

/// The swift-crypto ECDSA public keys, behind one interface so the quote check is written once.
protocol ECDSAPublicKey {
    associatedtype Signature: ECDSARawSignature
    /// Bytes in one coordinate (r or s) of a signature on this curve.
    static var coordinateSize: Int { get }
    func isValidSignature<D: Digest>(_ signature: Signature, for digest: D) -> Bool
}

protocol ECDSARawSignature {
    init<D: DataProtocol>(rawRepresentation: D) throws
}

extension P256.Signing.ECDSASignature: ECDSARawSignature {}
extension P384.Signing.ECDSASignature: ECDSARawSignature {}
extension P521.Signing.ECDSASignature: ECDSARawSignature {}
extension P256.Signing.PublicKey: ECDSAPublicKey { static var coordinateSize: Int { 32 } }
extension P384.Signing.PublicKey: ECDSAPublicKey { static var coordinateSize: Int { 48 } }
extension P521.Signing.PublicKey: ECDSAPublicKey { static var coordinateSize: Int { 66 } }
