import AttestCore

/// Checks of what callers hand a TPM, shared by both backends so that they refuse the same inputs
/// with the same codes before any command reaches a TPM.
enum ExtendCheck {
    /// One digest per active bank, each of its size, for a PCR in 0–23; nothing else.
    static func validate(pcr: Int, digests: [DigestAlgorithm: [UInt8]], banks: [DigestAlgorithm], tpm: String) throws {
        guard (0..<PCRBank.pcrCount).contains(pcr) else {
            throw TPMError(TPMError.badPCRIndex, "\(tpm): PCR index \(pcr) is outside 0–23")
        }
        for b in banks {
            guard let d = digests[b] else {
                throw TPMError(TPMError.badDigest, "\(tpm): no \(b) digest to extend into PCR \(pcr) (every active bank needs one: \(banks.map(\.rawValue).joined(separator: ", ")))")
            }
            guard d.count == b.digestSize else {
                throw TPMError(TPMError.badDigest, "\(tpm): the \(b) digest for PCR \(pcr) has \(d.count) bytes, not \(b.digestSize)")
            }
        }
        for b in digests.keys where !banks.contains(b) {
            throw TPMError(TPMError.badDigest, "\(tpm): a \(b) digest was given but the TPM has no active \(b) bank")
        }
    }
}

enum QuoteCheck {
    /// A nonce of 1–64 bytes (TPM2B_DATA), a non-empty selection of active banks, each bank once, PCRs 0–23.
    static func validate(nonce: [UInt8], selection: TPMLPCRSelection, banks: [DigestAlgorithm], tpm: String) throws {
        guard !nonce.isEmpty, nonce.count <= 64 else {
            throw TPMError(TPMError.badNonce, "\(tpm): the nonce has \(nonce.count) bytes; it must have 1–64")
        }
        guard selection.pcrCount > 0 else { throw TPMError(TPMError.badSelection, "\(tpm): the PCR selection is empty") }
        var seen: Set<DigestAlgorithm> = []
        for s in selection.selections {
            guard banks.contains(s.hash) else {
                throw TPMError(TPMError.badSelection, "\(tpm): no active \(s.hash) PCR bank (active: \(banks.map(\.rawValue).joined(separator: ", ")))")
            }
            guard seen.insert(s.hash).inserted else { throw TPMError(TPMError.badSelection, "\(tpm): bank \(s.hash) is selected twice") }
            guard s.indices.allSatisfy({ $0 < PCRBank.pcrCount }) else {
                throw TPMError(TPMError.badSelection, "\(tpm): PCR selection \(s.hash) names a PCR outside 0–23")
            }
        }
    }
}

/// Parses the tpm2-tools PCR selection notation: `sha256:0,4,7` or `sha1:0,1+sha256:all`.
public enum PCRSelectionParser {
    public static func parse(_ text: String) throws -> TPMLPCRSelection {
        func bad(_ why: String) -> TPMError { TPMError(TPMError.badSelection, "PCR selection \"\(text)\": \(why)") }
        guard text.utf8.count <= 1024 else { throw bad("longer than 1024 characters") }
        var list: [TPMSPCRSelection] = []
        for part in text.split(separator: "+", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw bad("expected BANK:PCR,PCR,… (e.g. sha256:0,4,7)") }
            guard let hash = DigestAlgorithm(name: String(pieces[0])) else { throw bad("unknown bank \"\(pieces[0])\"") }
            guard !list.contains(where: { $0.hash == hash }) else { throw bad("bank \(hash) appears twice") }
            var indices: [Int] = []
            if pieces[1] == "all" {
                indices = Array(0..<PCRBank.pcrCount)
            } else {
                for n in pieces[1].split(separator: ",", omittingEmptySubsequences: false) {
                    guard let i = Int(n), (0..<PCRBank.pcrCount).contains(i) else { throw bad("\"\(n)\" is not a PCR index 0–23") }
                    guard !indices.contains(i) else { throw bad("PCR \(i) appears twice in bank \(hash)") }
                    indices.append(i)
                }
            }
            list.append(TPMSPCRSelection(hash: hash, indices: indices))
        }
        return TPMLPCRSelection(list)
    }
}
