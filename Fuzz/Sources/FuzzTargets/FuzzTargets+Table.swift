import AttestCore

/// Every libFuzzer target, one line each. To add a parser: give it a `static func fuzz(_: [UInt8])`
/// in AttestCore (or a wrapper in `ExtraEntryPoints.swift`), then add one line here naming its
/// dictionary and seed folders. `Scripts/fuzz.sh` reads this table through `FuzzTargets --list`.
enum FuzzTargetTable {
    static let all: [FuzzTarget] = [
        // Boot chain: PE images, Authenticode, deny lists.
        FuzzTarget("PEImage", dictionary: "pe", seeds: ["Tests/Fixtures/pe", "Images/demo-host/bootx64.efi", "Images/demo-host/kernel.efi", "Images/demo-host/build"], PEImage.fuzz),
        FuzzTarget("AuthenticodeSignature", dictionary: "der", generated: GeneratedSeeds.authenticodeSignatures, AuthenticodeSignature.fuzz),
        FuzzTarget("SignatureDatabase", dictionary: "efisiglist", seeds: ["Tests/Fixtures/efi-signature-lists"], SignatureDatabase.fuzz),
        FuzzTarget("DenyList", dictionary: "efisiglist", seeds: ["Tests/Fixtures/efi-signature-lists", "Keys/demo/platform-root.crt.pem"], generated: GeneratedSeeds.denyListText, DenyList.fuzz),
        FuzzTarget("X509Certificate", dictionary: "pem", seeds: ["Keys/demo/platform-root.crt.pem", "Keys/demo/vib-certified-signer.crt.pem", "Tests/Fixtures/pe/go-uefi/db.pem"], ExtraEntryPoints.x509Certificate),
        FuzzTarget("SigningKey", dictionary: "pem", seeds: ["Keys/demo/kernel-signer.key.pem"], ExtraEntryPoints.signingKey),
        FuzzTarget("TrustFile", dictionary: "json", seeds: ["Keys/demo/trust.json"], ExtraEntryPoints.trustFile),
        // VIBs and image profiles.
        FuzzTarget("ArArchive", dictionary: "vib", seeds: ["Images/demo-host/vibs"], ArArchive.fuzz),
        FuzzTarget("VIBDescriptor", dictionary: "xml", seeds: ["Images/src/vibs"], VIBDescriptor.fuzz),
        FuzzTarget("VIB", dictionary: "vib", seeds: ["Images/demo-host/vibs"], VIB.fuzz),
        FuzzTarget("VIBDeep", dictionary: "vib", seeds: ["Images/demo-host/vibs"], ExtraEntryPoints.vibDeep),
        FuzzTarget("Gzip", generated: GeneratedSeeds.gzipStreams, ExtraEntryPoints.gzip),
        FuzzTarget("DetachedCMSSignature", dictionary: "der", seeds: ["Manifests/demo-host.profile.json.p7s"], ExtraEntryPoints.detachedCMS),
        FuzzTarget("BootConfig", dictionary: "bootcfg", seeds: ["Images/demo-host/boot.cfg", "Images/src/boot.cfg"], BootConfig.fuzz),
        FuzzTarget("ImageProfile", dictionary: "json", seeds: ["Manifests/demo-host.profile.json"], ImageProfile.fuzz),
        // Evidence: event logs and TPM 2.0 structures.
        FuzzTarget("EventLog", dictionary: "eventlog", seeds: ["Tests/Fixtures/eventlogs"], EventLog.fuzz),
        FuzzTarget("TPMSAttest", dictionary: "tpm", generated: GeneratedSeeds.attest, TPMSAttest.fuzz),
        FuzzTarget("TPMTPublic", dictionary: "tpm", generated: GeneratedSeeds.publicAreas, TPMTPublic.fuzz),
        FuzzTarget("TPMTSignature", dictionary: "tpm", generated: GeneratedSeeds.signatures, TPMTSignature.fuzz),
        FuzzTarget("TPMLPCRSelection", dictionary: "tpm", generated: GeneratedSeeds.pcrSelections, TPMLPCRSelection.fuzz),
        FuzzTarget("TPMLDigest", dictionary: "tpm", generated: GeneratedSeeds.digestLists, TPMLDigest.fuzz),
        FuzzTarget("TPM2BIDObject", dictionary: "tpm", generated: GeneratedSeeds.idObjects, TPM2BIDObject.fuzz),
        FuzzTarget("TPM2BEncryptedSecret", dictionary: "tpm", generated: GeneratedSeeds.encryptedSecrets, TPM2BEncryptedSecret.fuzz),
        FuzzTarget("PCRValues", dictionary: "tpm", generated: GeneratedSeeds.pcrFiles, PCRValues.fuzz),
        FuzzTarget("AttestationKey", dictionary: "tpm", seeds: ["Tests/Fixtures/pe/authenticode-rs/test_key_public.pem"], generated: GeneratedSeeds.publicAreas, AttestationKey.fuzz),
        FuzzTarget("CredentialBlob", dictionary: "tpm", generated: GeneratedSeeds.credentialBlobs, CredentialBlob.fuzz),
        // Attestation server: baselines, request bodies, measured-boot records, EK certificates.
        FuzzTarget("Baseline", dictionary: "json", seeds: ["Fuzz/seeds/Baseline"], Baseline.fuzz),
        FuzzTarget("ServerRequest", dictionary: "json", seeds: ["Fuzz/seeds/ServerRequest"], ServerEntryPoints.requestBody),
        FuzzTarget("MeasurementRecord", dictionary: "json", seeds: ["Fuzz/seeds/MeasurementRecord"], ServerEntryPoints.measurementRecord),
        FuzzTarget("EKCertificate", dictionary: "der", seeds: ["Fuzz/seeds/EKCertificate"], ServerEntryPoints.ekCertificate),
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}
