internal import CTSS2
import AttestCore
import Foundation

extension TSSDevice {
    public func quote(nonce: [UInt8], selection: TPMLPCRSelection, key type: AttestationKeyType) throws -> TPMQuote {
        try run("quoting") { ctx in
            try QuoteCheck.validate(nonce: nonce, selection: selection, banks: try self.activeBanks(ctx), tpm: "TPM \(self.tcti)")
            return try self.withPrimary(ctx, KeyTemplates.attestationKey(type)) { ak, akArea in
                // The PCRs may change between the quote and the read (another process extending): read,
                // and try again when the values do not hash to the quoted pcrDigest.
                var lastError: TPMError?
                for _ in 0..<3 {
                    let (attest, signature) = try self.quoteOnce(ctx, ak, nonce: nonce, selection: selection)
                    var digests: [[UInt8]] = []
                    for s in selection.selections {
                        let all = try stride(from: 0, to: PCRBank.pcrCount, by: 8).flatMap { chunk in
                            try self.readPCRs(ctx, TPMSPCRSelection(hash: s.hash, indices: Array(chunk..<(chunk + 8))))
                        }
                        digests += s.indices.map { all[$0] }
                    }
                    let parsed = try TPMSAttest(bytes: attest)
                    let hash = signature.hashAlg
                    if let info = parsed.quoteInfo, info.pcrDigest == hash.hash(digests.flatMap { $0 }) {
                        return TPMQuote(attest: attest, signature: signature,
                                        pcrs: try PCRValues(selection: selection, digests: digests), attestationKey: akArea)
                    }
                    lastError = TPMError(TPMError.commandFailed, "TPM \(self.tcti): the PCRs changed while quoting (three times)")
                }
                throw lastError!
            }
        }
    }

    private func quoteOnce(_ ctx: OpaquePointer, _ ak: ESYS_TR, nonce: [UInt8], selection: TPMLPCRSelection) throws -> ([UInt8], TPMTSignature) {
        var data = TPM2B_DATA()
        var w = TPMWriter()
        w.tpm2b(nonce)
        try call.unmarshal(w.bytes, into: &data, "Tss2_MU_TPM2B_DATA_Unmarshal", Tss2_MU_TPM2B_DATA_Unmarshal)
        var sel = TPML_PCR_SELECTION()
        try call.unmarshal(selection.marshalled(), into: &sel, "Tss2_MU_TPML_PCR_SELECTION_Unmarshal", Tss2_MU_TPML_PCR_SELECTION_Unmarshal)
        var scheme = TPMT_SIG_SCHEME()
        scheme.scheme = 0x0010 // TPM2_ALG_NULL: the key's own scheme
        var quoted: UnsafeMutablePointer<TPM2B_ATTEST>?
        var signature: UnsafeMutablePointer<TPMT_SIGNATURE>?
        try call.check(Esys_Quote(ctx, ak, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &data, &scheme, &sel, &quoted, &signature), "Esys_Quote")
        defer { Esys_Free(quoted); Esys_Free(signature) }
        guard let quoted, let signature else { throw TPMError(TPMError.commandFailed, "TPM \(tcti): Esys_Quote returned nothing") }
        let attest2B = try call.marshal(quoted, "Tss2_MU_TPM2B_ATTEST_Marshal", Tss2_MU_TPM2B_ATTEST_Marshal)
        let sig = try TPMTSignature(bytes: try call.marshal(signature, "Tss2_MU_TPMT_SIGNATURE_Marshal", Tss2_MU_TPMT_SIGNATURE_Marshal))
        return (Array(attest2B.dropFirst(2)), sig)
    }

    public func activateCredential(_ blob: CredentialBlob, ek ekType: EndorsementKeyType, key keyType: AttestationKeyType) throws -> [UInt8] {
        try run("activating a credential") { ctx in
            var idObject = TPM2B_ID_OBJECT()
            try self.call.unmarshal(blob.idObject.marshalled(), into: &idObject, "Tss2_MU_TPM2B_ID_OBJECT_Unmarshal", Tss2_MU_TPM2B_ID_OBJECT_Unmarshal)
            var secret = TPM2B_ENCRYPTED_SECRET()
            try self.call.unmarshal(blob.encryptedSecret.marshalled(), into: &secret, "Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal", Tss2_MU_TPM2B_ENCRYPTED_SECRET_Unmarshal)
            return try self.withPrimary(ctx, KeyTemplates.endorsementKey(ekType)) { ek, _ in
                try self.withPrimary(ctx, KeyTemplates.attestationKey(keyType)) { ak, _ in
                    // The EK's policy is PolicySecret(TPM_RH_ENDORSEMENT): satisfy it in a policy session.
                    var session: ESYS_TR = ESYS_TR_NONE
                    var symmetric = TPMT_SYM_DEF()
                    symmetric.algorithm = 0x0010 // TPM2_ALG_NULL
                    try self.call.check(Esys_StartAuthSession(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                                              nil, 0x01 /* TPM2_SE_POLICY */, &symmetric, 0x000B /* SHA-256 */, &session),
                                        "Esys_StartAuthSession")
                    defer { _ = Esys_FlushContext(ctx, session) }
                    var timeout: UnsafeMutablePointer<TPM2B_TIMEOUT>?
                    var ticket: UnsafeMutablePointer<TPMT_TK_AUTH>?
                    try self.call.check(Esys_PolicySecret(ctx, ESYS_TR_RH_ENDORSEMENT, session, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                                                          nil, nil, nil, 0, &timeout, &ticket), "Esys_PolicySecret")
                    Esys_Free(timeout)
                    Esys_Free(ticket)
                    var certInfo: UnsafeMutablePointer<TPM2B_DIGEST>?
                    let rc = Esys_ActivateCredential(ctx, ak, ek, ESYS_TR_PASSWORD, session, ESYS_TR_NONE, &idObject, &secret, &certInfo)
                    defer { Esys_Free(certInfo) }
                    guard rc == 0 else {
                        // TPM_RC_INTEGRITY / TPM_RC_VALUE / TPM_RC_ECC_POINT …: the blob is not for this EK and AK.
                        let e = self.call.error(rc, "Esys_ActivateCredential")
                        let tpmLayer = (rc >> 16) & 0xFF == 0
                        throw tpmLayer ? TPMError(TPMError.credentialInvalid, e.message + " (the credential was not made for this EK and AK)") : e
                    }
                    guard let certInfo else { throw TPMError(TPMError.commandFailed, "TPM \(self.tcti): Esys_ActivateCredential returned nothing") }
                    return withUnsafeBytes(of: certInfo.pointee.buffer) { Array($0.prefix(Int(certInfo.pointee.size))) }
                }
            }
        }
    }
}
