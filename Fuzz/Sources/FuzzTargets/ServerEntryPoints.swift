import AttestCore
import AttestWire
import Foundation

/// The attestation server's request bodies, read as the server reads them: JSON into the wire type,
/// base64 fields decoded, then each binary field through the AttestCore parser the server hands it to.
enum ServerEntryPoints {
    static let decoder = JSONDecoder()

    static func base64(_ text: String?) -> [UInt8]? { text.flatMap { Data(base64Encoded: $0) }.map(Array.init) }

    @Sendable static func requestBody(_ data: [UInt8]) {
        let body = Data(data)
        if let r = try? decoder.decode(EnrollRequest.self, from: body) {
            if let ek = base64(r.ekPublic) { _ = try? TPMTPublic(bytes: ek) }
            if let ak = base64(r.akPublic) { _ = try? TPMTPublic(bytes: ak) }
            if let cert = base64(r.ekCertificate) { _ = try? EKCertificate.parse(cert) }
        }
        if let r = try? decoder.decode(AttestationRequest.self, from: body) {
            if let q = base64(r.quote) { _ = try? TPMSAttest(bytes: q) }
            if let s = base64(r.signature) { _ = try? TPMTSignature(bytes: s) }
            if let p = base64(r.pcrs) { _ = try? PCRValues(tpm2ToolsSerialized: p) }
            if let l = base64(r.eventLog), let log = try? EventLog(bytes: l) { _ = log.replay() }
        }
        _ = try? decoder.decode(ActivateRequest.self, from: body)
        _ = try? decoder.decode(GroupAssignment.self, from: body)
        if let u = try? decoder.decode(BaselineUpload.self, from: body) { _ = u }
    }

    /// The covered record of a hostattest measured-boot event (what the appraiser names components from).
    @Sendable static func measurementRecord(_ data: [UInt8]) {
        _ = MeasurementRecord(coveredData: data)?.displayName
    }

    /// An EK certificate as TPMs ship it (trailing padding tolerated, signature never skipped).
    @Sendable static func ekCertificate(_ data: [UInt8]) {
        _ = try? EKCertificate.parse(data)
    }
}
