// The registry of codes: add a case here (with its meaning, outcome and area) and a row to the
// README's "Verification codes" table; `VerificationCodeRegistryTests` checks that the two agree.

/// Every stable, machine-readable code hostattest reports: the `code` of a ``Finding`` (a failed
/// check, exit 1) and of a ``ParseError`` (malformed input, exit 2).
///
/// The raw value is the code as printed (`[vib.unsigned]`) and as carried by `--json`; it never
/// changes once released. `description` is the raw value, so string interpolation prints the code.
/// Each case's meaning is in ``meaning``; its exit class in ``outcome``.
public enum VerificationCode: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case adminDisabled = "admin.disabled"
    case adminUnauthorized = "admin.unauthorized"
    case agentResponseInvalid = "agent.response-invalid"
    case agentServerProblem = "agent.server-problem"
    case agentServerUnreachable = "agent.server-unreachable"
    case agentStateInvalid = "agent.state-invalid"
    case akAttributesUnchecked = "ak.attributes-unchecked"
    case akDecryptSet = "ak.decrypt-set"
    case akNotFixedParent = "ak.not-fixed-parent"
    case akNotFixedTpm = "ak.not-fixed-tpm"
    case akNotRestricted = "ak.not-restricted"
    case akNotSensitiveDataOrigin = "ak.not-sensitive-data-origin"
    case akNotSigning = "ak.not-signing"
    case akUnsupported = "ak.unsupported"
    case akUnusable = "ak.unusable"
    case akWeakKey = "ak.weak-key"
    case appraisalBankMissing = "appraisal.bank-missing"
    case appraisalComponentMismatch = "appraisal.component-mismatch"
    case appraisalEventMismatch = "appraisal.event-mismatch"
    case appraisalEventMissing = "appraisal.event-missing"
    case appraisalEventUnexpected = "appraisal.event-unexpected"
    case appraisalLogNotReplayed = "appraisal.log-not-replayed"
    case appraisalNoBaseline = "appraisal.no-baseline"
    case appraisalPcrNotQuoted = "appraisal.pcr-not-quoted"
    case arBadName = "ar.bad-name"
    case arTooLarge = "ar.too-large"
    case authenticodeDigestMismatch = "authenticode.digest-mismatch"
    case authenticodeKeyMismatch = "authenticode.key-mismatch"
    case authenticodeMalformed = "authenticode.malformed"
    case authenticodeSignatureInvalid = "authenticode.signature-invalid"
    case authenticodeSignerMissing = "authenticode.signer-missing"
    case authenticodeTooManyCertificates = "authenticode.too-many-certificates"
    case authenticodeUnknownAlgorithm = "authenticode.unknown-algorithm"
    case authenticodeUnsigned = "authenticode.unsigned"
    case authenticodeUnsupportedKey = "authenticode.unsupported-key"
    case authenticodeUnsupportedType = "authenticode.unsupported-type"
    case authenticodeWeakDigest = "authenticode.weak-digest"
    case authenticodeWeakSignerDigest = "authenticode.weak-signer-digest"
    case baselineBankMissing = "baseline.bank-missing"
    case baselineEmpty = "baseline.empty"
    case baselineFormat = "baseline.format"
    case baselineImageNotVerified = "baseline.image-not-verified"
    case baselineMalformed = "baseline.malformed"
    case baselineSignatureInvalid = "baseline.signature-invalid"
    case baselineTooLarge = "baseline.too-large"
    case baselineUnknown = "baseline.unknown"
    case baselineUnsigned = "baseline.unsigned"
    case bootBankUnsupported = "boot.bank-unsupported"
    case bootChainBroken = "boot.chain-broken"
    case bootImageChanged = "boot.image-changed"
    case bootTpmNotReset = "boot.tpm-not-reset"
    case bootTpmPcrMismatch = "boot.tpm-pcr-mismatch"
    case bootVendorCertMalformed = "boot.vendor-cert-malformed"
    case bootVendorCertMissing = "boot.vendor-cert-missing"
    case bootVendorCertUntrusted = "boot.vendor-cert-untrusted"
    case bootVerdictMissing = "boot.verdict-missing"
    case bootVerifierUnavailable = "boot.verifier-unavailable"
    case bootcfgDuplicateKey = "bootcfg.duplicate-key"
    case bootcfgDuplicateModule = "bootcfg.duplicate-module"
    case bootcfgKernelMissing = "bootcfg.kernel-missing"
    case bootcfgMalformed = "bootcfg.malformed"
    case bootcfgModuleArguments = "bootcfg.module-arguments"
    case bootcfgPathUnsafe = "bootcfg.path-unsafe"
    case bootcfgTooLarge = "bootcfg.too-large"
    case bootcfgTooManyModules = "bootcfg.too-many-modules"
    case bootcfgUnknownKey = "bootcfg.unknown-key"
    case certMalformed = "cert.malformed"
    case chainEkuMissing = "chain.eku-missing"
    case chainExpired = "chain.expired"
    case chainInternalError = "chain.internal-error"
    case chainInvalid = "chain.invalid"
    case chainInvalidCa = "chain.invalid-ca"
    case chainKeyUsageMissing = "chain.key-usage-missing"
    case chainNotCodeSigning = "chain.not-code-signing"
    case chainNotDigitalSignature = "chain.not-digital-signature"
    case chainNotProfileSigning = "chain.not-profile-signing"
    case chainNotYetValid = "chain.not-yet-valid"
    case chainSignatureInvalid = "chain.signature-invalid"
    case chainSignerIsCa = "chain.signer-is-ca"
    case chainTooManyCertificates = "chain.too-many-certificates"
    case chainUntrusted = "chain.untrusted"
    case chainUsageUnreadable = "chain.usage-unreadable"
    case counterClockBackwards = "counter.clock-backwards"
    case counterResetBackwards = "counter.reset-backwards"
    case counterRestartBackwards = "counter.restart-backwards"
    case dbxBadEntry = "dbx.bad-entry"
    case dbxCertificateRevoked = "dbx.certificate-revoked"
    case dbxDigestRevoked = "dbx.digest-revoked"
    case ekCertificateKeyMismatch = "ek.certificate-key-mismatch"
    case ekCertificateMalformed = "ek.certificate-malformed"
    case ekNoCertificate = "ek.no-certificate"
    case ekNotStorageKey = "ek.not-storage-key"
    case ekRevoked = "ek.revoked"
    case ekSoftwareTpm = "ek.software-tpm"
    case ekUnsupported = "ek.unsupported"
    case ekUntrusted = "ek.untrusted"
    case enrollSecretMismatch = "enroll.secret-mismatch"
    case eventlogDigestCount = "eventlog.digest-count"
    case eventlogDuplicateDigest = "eventlog.duplicate-digest"
    case eventlogPcrIndex = "eventlog.pcr-index"
    case eventlogSpecidDigestSize = "eventlog.specid-digest-size"
    case eventlogSpecidMalformed = "eventlog.specid-malformed"
    case eventlogSpecidSignature = "eventlog.specid-signature"
    case eventlogSpecidTooManyAlgorithms = "eventlog.specid-too-many-algorithms"
    case eventlogSpecidVendorinfo = "eventlog.specid-vendorinfo"
    case eventlogSpecidVersion = "eventlog.specid-version"
    case eventlogStartupLocality = "eventlog.startup-locality"
    case eventlogUnknownAlgorithm = "eventlog.unknown-algorithm"
    case eventlogWriterDigest = "eventlog.writer-digest"
    case eventlogWriterPcr = "eventlog.writer-pcr"
    case evidenceMalformed = "evidence.malformed"
    case gzipCorrupt = "gzip.corrupt"
    case gzipTooLarge = "gzip.too-large"
    case gzipTruncated = "gzip.truncated"
    case gzipZlib = "gzip.zlib"
    case hostAlreadyEnrolled = "host.already-enrolled"
    case hostChanged = "host.changed"
    case hostEkMismatch = "host.ek-mismatch"
    case hostNotActivated = "host.not-activated"
    case hostNotPending = "host.not-pending"
    case hostRevoked = "host.revoked"
    case hostUnknown = "host.unknown"
    case imageAuthenticodeMismatch = "image.authenticode-mismatch"
    case imageBootConfigMismatch = "image.boot-config-mismatch"
    case imageDigestMismatch = "image.digest-mismatch"
    case imageFileMissing = "image.file-missing"
    case imageFileTooLarge = "image.file-too-large"
    case imageFileUnreferenced = "image.file-unreferenced"
    case imageKernelMissing = "image.kernel-missing"
    case imageKernelPathMismatch = "image.kernel-path-mismatch"
    case imageModuleDigestMismatch = "image.module-digest-mismatch"
    case imageModuleMissing = "image.module-missing"
    case imageModuleNotLoaded = "image.module-not-loaded"
    case imageModulePathMismatch = "image.module-path-mismatch"
    case imageModuleUnexpected = "image.module-unexpected"
    case imageNotADirectory = "image.not-a-directory"
    case imageNotRegularFile = "image.not-regular-file"
    case imagePathCaseCollision = "image.path-case-collision"
    case imagePathDirectory = "image.path-directory"
    case imagePathMismatch = "image.path-mismatch"
    case imagePathNotDirectory = "image.path-not-directory"
    case imagePathSymlink = "image.path-symlink"
    case imagePathUnreferenced = "image.path-unreferenced"
    case imagePathUnsafe = "image.path-unsafe"
    case imageTooManyFiles = "image.too-many-files"
    case imageUnreadable = "image.unreadable"
    case imageVibDescriptorMismatch = "image.vib-descriptor-mismatch"
    case imageVibDuplicate = "image.vib-duplicate"
    case imageVibMetadataMismatch = "image.vib-metadata-mismatch"
    case imageVibMisplaced = "image.vib-misplaced"
    case imageVibNameMismatch = "image.vib-name-mismatch"
    case imageVibVersionMismatch = "image.vib-version-mismatch"
    case keyMalformed = "key.malformed"
    case nonceEmpty = "nonce.empty"
    case nonceExpired = "nonce.expired"
    case nonceMismatch = "nonce.mismatch"
    case nonceOtherHost = "nonce.other-host"
    case nonceReused = "nonce.reused"
    case nonceUnknown = "nonce.unknown"
    case parseBadKey = "parse.bad-key"
    case parseBadMagic = "parse.bad-magic"
    case parseCount = "parse.count"
    case parseLength = "parse.length"
    case parseMalformed = "parse.malformed"
    case parseTooMany = "parse.too-many"
    case parseTrailingData = "parse.trailing-data"
    case parseTruncated = "parse.truncated"
    case parseUnknownAlgorithm = "parse.unknown-algorithm"
    case parseUnsupported = "parse.unsupported"
    case parseUnsupportedVersion = "parse.unsupported-version"
    case parseWrongType = "parse.wrong-type"
    case pcrBankMissing = "pcr.bank-missing"
    case pcrBankUnsupported = "pcr.bank-unsupported"
    case pcrIndexInvalid = "pcr.index-invalid"
    case pcrReplayIncomplete = "pcr.replay-incomplete"
    case pcrReplayMismatch = "pcr.replay-mismatch"
    case peBadVendorCert = "pe.bad-vendor-cert"
    case peBadWinCertificate = "pe.bad-win-certificate"
    case peCertBadRevision = "pe.cert-bad-revision"
    case peCertPaddingNonzero = "pe.cert-padding-nonzero"
    case peCertTableNotLast = "pe.cert-table-not-last"
    case peCertTableOutOfBounds = "pe.cert-table-out-of-bounds"
    case peCertTableSlack = "pe.cert-table-slack"
    case peCertTrailingData = "pe.cert-trailing-data"
    case peCertUnparsable = "pe.cert-unparsable"
    case peCertUnsupportedType = "pe.cert-unsupported-type"
    case peMalformed = "pe.malformed"
    case peNoCertDirectory = "pe.no-cert-directory"
    case peNotPe = "pe.not-pe"
    case peOverlappingSections = "pe.overlapping-sections"
    case peTooLarge = "pe.too-large"
    case peTooManyCertificateEntries = "pe.too-many-certificate-entries"
    case peTooManySections = "pe.too-many-sections"
    case peTruncated = "pe.truncated"
    case pemMalformed = "pem.malformed"
    case profileDuplicateVib = "profile.duplicate-vib"
    case profileFormat = "profile.format"
    case profileFormatOutdated = "profile.format-outdated"
    case profileMalformed = "profile.malformed"
    case profileModuleKind = "profile.module-kind"
    case profileNoTrustForProfiles = "profile.no-trust-for-profiles"
    case profilePathUnsafe = "profile.path-unsafe"
    case profileSignatureInvalid = "profile.signature-invalid"
    case profileSignerNotProfileRole = "profile.signer-not-profile-role"
    case profileSignerRevoked = "profile.signer-revoked"
    case profileSignerUntrusted = "profile.signer-untrusted"
    case profileSignerWrongRole = "profile.signer-wrong-role"
    case profileTooLarge = "profile.too-large"
    case profileUnsigned = "profile.unsigned"
    case quoteBadMagic = "quote.bad-magic"
    case quoteMalformed = "quote.malformed"
    case quotePcrDigestMismatch = "quote.pcr-digest-mismatch"
    case quotePcrSelectionMismatch = "quote.pcr-selection-mismatch"
    case quoteSignatureInvalid = "quote.signature-invalid"
    case quoteSignatureSchemeMismatch = "quote.signature-scheme-mismatch"
    case quoteWeakHash = "quote.weak-hash"
    case quoteWrongType = "quote.wrong-type"
    case requestInvalid = "request.invalid"
    case requestInvalidGroup = "request.invalid-group"
    case requestInvalidName = "request.invalid-name"
    case requestMalformedBase64 = "request.malformed-base64"
    case requestMalformedJson = "request.malformed-json"
    case requestMalformedTpmPublic = "request.malformed-tpm-public"
    case requestMethodNotAllowed = "request.method-not-allowed"
    case requestNotFound = "request.not-found"
    case requestTooLarge = "request.too-large"
    case requestUnsupportedMediaType = "request.unsupported-media-type"
    case serverInternalError = "server.internal-error"
    case signatureContentTooLarge = "signature.content-too-large"
    case signatureDigestMismatch = "signature.digest-mismatch"
    case signatureInvalid = "signature.invalid"
    case signatureMalformed = "signature.malformed"
    case signatureNoSignerCertificate = "signature.no-signer-certificate"
    case signatureNoSigningTime = "signature.no-signing-time"
    case signatureNotDetached = "signature.not-detached"
    case signatureSignerCount = "signature.signer-count"
    case signatureTooManyCertificates = "signature.too-many-certificates"
    case signatureWeakDigest = "signature.weak-digest"
    case tokenExpired = "token.expired"
    case tokenJwksMalformed = "token.jwks-malformed"
    case tokenNotAffirming = "token.not-affirming"
    case tokenNotYetValid = "token.not-yet-valid"
    case tokenSignatureInvalid = "token.signature-invalid"
    case tokenWrongAudience = "token.wrong-audience"
    case tokenWrongProfile = "token.wrong-profile"
    case tpmBadDigest = "tpm.bad-digest"
    case tpmBadNonce = "tpm.bad-nonce"
    case tpmBadPcrIndex = "tpm.bad-pcr-index"
    case tpmBadSelection = "tpm.bad-selection"
    case tpmBadSpec = "tpm.bad-spec"
    case tpmCommandFailed = "tpm.command-failed"
    case tpmCredentialInvalid = "tpm.credential-invalid"
    case tpmStateCorrupt = "tpm.state-corrupt"
    case tpmStatePermissions = "tpm.state-permissions"
    case tpmStateWrite = "tpm.state-write"
    case tpmTimeout = "tpm.timeout"
    case tpmUnreachable = "tpm.unreachable"
    case tpmUnsupported = "tpm.unsupported"
    case trustMalformed = "trust.malformed"
    case vibAcceptanceBelowHost = "vib.acceptance-below-host"
    case vibBuild = "vib.build"
    case vibChecksumMismatch = "vib.checksum-mismatch"
    case vibChecksumMissing = "vib.checksum-missing"
    case vibDescriptor = "vib.descriptor"
    case vibDowngrade = "vib.downgrade"
    case vibGunzipChecksumMismatch = "vib.gunzip-checksum-mismatch"
    case vibGunzipSizeMismatch = "vib.gunzip-size-mismatch"
    case vibNoTrustForLevel = "vib.no-trust-for-level"
    case vibPayloadCorrupt = "vib.payload-corrupt"
    case vibPayloadMissing = "vib.payload-missing"
    case vibPayloadOrder = "vib.payload-order"
    case vibPayloadSizeMismatch = "vib.payload-size-mismatch"
    case vibPayloadTooLarge = "vib.payload-too-large"
    case vibPayloadUnexpected = "vib.payload-unexpected"
    case vibRevokedDigest = "vib.revoked-digest"
    case vibSignerLevel = "vib.signer-level"
    case vibSignerNotVibSigner = "vib.signer-not-vib-signer"
    case vibSignerRevoked = "vib.signer-revoked"
    case vibSignerUntrusted = "vib.signer-untrusted"
    case vibStructure = "vib.structure"
    case vibTooManyMembers = "vib.too-many-members"
    case vibTooManyPayloads = "vib.too-many-payloads"
    case vibUnsigned = "vib.unsigned"
    case xmlDoctype = "xml.doctype"
    case xmlEncoding = "xml.encoding"
    case xmlMalformed = "xml.malformed"
    case xmlTooLarge = "xml.too-large"

    /// What reporting a code means for the verdict and the exit status.
    public enum Outcome: String, CaseIterable, Sendable, Codable {
        /// A check failed: the input is rejected (exit 1).
        case rejected
        /// The input is malformed and was not verified, reported as a ``ParseError`` (exit 2).
        case badInput
        /// An informational finding that does not fail the verification (exit 0).
        case note

        /// The process exit status this outcome leads to: 1, 2 or 0.
        public var exitCode: Int32 {
            switch self {
            case .rejected: return 1
            case .badInput: return 2
            case .note: return 0
            }
        }
    }

    /// One sentence: what was found wrong when this code is reported.
    public var meaning: String {
        switch self {
        case .agentResponseInvalid: return "The attestation server answered with something that is not the expected JSON, so the agent cannot act on it."
        case .agentServerProblem: return "The attestation server refused a request with a problem document; its own code and detail are printed."
        case .agentServerUnreachable: return "The attestation server cannot be reached (bad URL, connection refused, timeout); with --interval the agent retries with backoff."
        case .agentStateInvalid: return "The agent state directory or its state file cannot be read, written or parsed, or is not private (0700/0600)."
        case .adminDisabled: return "The admin API is not configured on this server (HTTP 403)."
        case .adminUnauthorized: return "The admin bearer token is missing or wrong (HTTP 401)."
        case .akAttributesUnchecked: return "The attestation key's TPM attributes could not be checked (a bare PEM key, or the check was turned off), so nothing shows a TPM made the quote; a failure when the attributes are required."
        case .akDecryptSet: return "The attestation key also has the decrypt attribute set, so it is a decryption key as well as a signing key."
        case .akNotFixedParent: return "The attestation key lacks the fixedParent attribute, so it could be duplicated to another parent."
        case .akNotFixedTpm: return "The attestation key lacks the fixedTPM attribute, so it is not bound to one TPM."
        case .akNotRestricted: return "The attestation key lacks the restricted attribute, so TPM_GENERATED_VALUE in what it signs proves nothing."
        case .akNotSensitiveDataOrigin: return "The attestation key lacks the sensitiveDataOrigin attribute, so it may not have been generated inside the TPM."
        case .akNotSigning: return "The attestation key lacks the sign attribute, so it is not a signing key."
        case .akUnsupported: return "The attestation key's algorithm or scheme cannot verify quotes here (enrollment is refused)."
        case .akUnusable: return "The attestation key stored for the host cannot be loaded to verify its quote."
        case .akWeakKey: return "The attestation key is RSA below the 2048-bit minimum (without --allow-weak-algorithms)."
        case .appraisalBankMissing: return "The quote or the replayed log lacks the PCR bank a baseline governs."
        case .appraisalComponentMismatch: return "An event stands for the same component as the baseline expects but with another digest; both versions are named."
        case .appraisalEventMismatch: return "An event in a governed PCR differs from the event the baseline expects at that position."
        case .appraisalEventMissing: return "An event the baseline expects in a governed PCR is not in the log."
        case .appraisalEventUnexpected: return "The log has an event in a governed PCR that the baseline does not expect."
        case .appraisalLogNotReplayed: return "The event log did not replay to the quoted PCRs, so none of its events are appraised."
        case .appraisalNoBaseline: return "The host's group has no active baseline, so nothing can admit it (fail closed)."
        case .appraisalPcrNotQuoted: return "A PCR the baseline governs is not covered by the quote, so its events cannot count."
        case .arBadName: return "An ar member name to be written is not 1-16 printable ASCII characters without '/' or spaces."
        case .arTooLarge: return "An ar member to be written is too large for the 10-digit ar_size field."
        case .authenticodeDigestMismatch: return "The image's Authenticode digest does not match the digest in the signature's SpcIndirectDataContent (the image was altered)."
        case .authenticodeKeyMismatch: return "When signing, the certificate's public key does not match the private key."
        case .authenticodeMalformed: return "An Authenticode signature (PKCS#7 SignedData / SpcIndirectDataContent / SignerInfo) cannot be parsed, or the file is not a PE image."
        case .authenticodeSignatureInvalid: return "The SignerInfo signature or its signed attributes do not verify, or its digest algorithm is not supported."
        case .authenticodeSignerMissing: return "The signature does not carry the certificate of its signer."
        case .authenticodeTooManyCertificates: return "An Authenticode signature carries more than 64 certificates; it is refused before any chain is built."
        case .authenticodeUnknownAlgorithm: return "The signature's DigestInfo names a digest algorithm that is not known."
        case .authenticodeUnsigned: return "The image has no certificate table, so it carries no Authenticode signature."
        case .authenticodeUnsupportedKey: return "When signing, the private key is neither RSA nor EC."
        case .authenticodeUnsupportedType: return "A WIN_CERTIFICATE entry is not of type WIN_CERT_TYPE_PKCS_SIGNED_DATA."
        case .authenticodeWeakDigest: return "The signature's Authenticode digest of the image is SHA-1 (without --allow-weak-algorithms)."
        case .authenticodeWeakSignerDigest: return "The SignerInfo signs a SHA-1 digest of its attributes (without --allow-weak-algorithms)."
        case .baselineBankMissing: return "The event log a baseline is captured from lacks the requested PCR bank."
        case .baselineEmpty: return "The baseline governs no PCRs (an empty policy is never accept-all)."
        case .baselineImageNotVerified: return "A baseline is predicted only from an image that verifies: a component failed, so no good boot exists to predict."
        case .baselineFormat: return "The baseline's format identifier is not hostattest-baseline/1."
        case .baselineMalformed: return "The baseline is not valid JSON of the expected shape (digests, PCR indices, banks, component fields)."
        case .baselineSignatureInvalid: return "The baseline's signature does not verify or does not chain to a baseline anchor."
        case .baselineTooLarge: return "The baseline exceeds the size or event-count limit."
        case .baselineUnknown: return "No baseline with that id exists (HTTP 404)."
        case .baselineUnsigned: return "The baseline has no signature."
        case .bootBankUnsupported: return "Measured boot has no digest of this bank for an event whose digest the component gives (an Authenticode digest in an unsupported bank)."
        case .bootChainBroken: return "The bootloader did not verify, so its vendor certificate cannot be trusted to verify the kernel."
        case .bootImageChanged: return "The bootloader or kernel bytes differ from those the verifier read, so nothing is measured."
        case .bootTpmNotReset: return "The TPM (not a software TPM) has PCRs that are not at their reset values, so a boot cannot start on it; the message names the banks and PCRs."
        case .bootTpmPcrMismatch: return "The PCRs read back after the boot differ from the values the measured events produce (something else extended them meanwhile)."
        case .bootVendorCertMalformed: return "The bootloader's .vendor_cert section is malformed."
        case .bootVendorCertMissing: return "The bootloader carries no vendor certificate to verify the kernel with."
        case .bootVendorCertUntrusted: return "The bootloader's vendor certificate is not a configured boot vendor."
        case .bootVerdictMissing: return "A module has no verdict from the image verification (an internal guard); it is measured as failed."
        case .bootVerifierUnavailable: return "PE/Authenticode verification is not available in this build, so a boot component cannot be verified."
        case .bootcfgDuplicateKey: return "A boot.cfg key is given twice, so which one the loader uses is ambiguous."
        case .bootcfgDuplicateModule: return "boot.cfg loads the same path more than once (as the kernel or an earlier module)."
        case .bootcfgKernelMissing: return "boot.cfg has no kernel= line."
        case .bootcfgMalformed: return "boot.cfg is not UTF-8 text, a line is not key=value, a key is bad, or a module entry is empty."
        case .bootcfgModuleArguments: return "A boot.cfg module entry has arguments, which are not supported."
        case .bootcfgPathUnsafe: return "A path boot.cfg loads (prefix plus entry) is not a safe relative image path."
        case .bootcfgTooLarge: return "boot.cfg is larger than the size limit."
        case .bootcfgTooManyModules: return "boot.cfg lists more modules than the limit."
        case .bootcfgUnknownKey: return "boot.cfg has a key the verifier does not know, which could change what the bootloader loads."
        case .certMalformed: return "A certificate is empty, oversized, not DER X.509, has trailing bytes, or a PEM file holds no CERTIFICATE block."
        case .chainEkuMissing: return "The signer has no extended key usage extension where codeSigning is required."
        case .chainExpired: return "A certificate in the signer's chain has expired at the verification time."
        case .chainInternalError: return "OpenSSL could not allocate or initialise chain verification."
        case .chainInvalid: return "Chain verification failed for a reason other than expiry, validity, signature, trust or CA constraints."
        case .chainInvalidCa: return "An issuer in the chain is not a valid CA for it (not a CA, path length exceeded or wrong purpose)."
        case .chainKeyUsageMissing: return "The signer has no key usage extension; digitalSignature is required."
        case .chainNotCodeSigning: return "The signer's extended key usage does not allow code signing."
        case .chainNotDigitalSignature: return "The signer's key usage does not allow digital signatures."
        case .chainNotProfileSigning: return "The signer lacks the image-profile-signing extended key usage, so it may not sign image profiles."
        case .chainNotYetValid: return "A certificate in the signer's chain is not yet valid at the verification time."
        case .chainSignatureInvalid: return "A certificate signature in the chain does not verify."
        case .chainSignerIsCa: return "The signer is a CA certificate; only end-entity (CA:FALSE) certificates may sign."
        case .chainTooManyCertificates: return "A signature offers more than 64 distinct untrusted certificates to chain building."
        case .chainUntrusted: return "The signer does not chain to any given trust anchor (or no anchors were given)."
        case .chainUsageUnreadable: return "The signer's certificate extensions cannot be decoded."
        case .counterClockBackwards: return "The TPM clock in the quote is behind the clock of the host's last verified quote in the same boot."
        case .counterResetBackwards: return "The TPM reset count in the quote is lower than in the host's last verified quote."
        case .counterRestartBackwards: return "The TPM restart count went back within the same boot."
        case .dbxBadEntry: return "A deny-list line is neither a hex SHA-1/256/384/512 digest nor a valid PEM certificate block."
        case .dbxCertificateRevoked: return "A certificate in the chain of an Authenticode signature is in the deny list."
        case .dbxDigestRevoked: return "The image's Authenticode digest is in the deny list."
        case .ekCertificateKeyMismatch: return "The EK certificate certifies another key than the EK presented."
        case .ekCertificateMalformed: return "The EK certificate cannot be parsed, even allowing the padding real TPMs add."
        case .ekNoCertificate: return "The EK has no certificate and is not on the allowlist."
        case .ekNotStorageKey: return "The EK public area is not a restricted decryption (storage) key as the EK templates require."
        case .ekRevoked: return "The EK (or its certificate) is on the revocation list."
        case .ekSoftwareTpm: return "The EK belongs to a software TPM and the server was not started to allow software TPMs."
        case .ekUnsupported: return "No credential can be made for this EK's algorithm."
        case .ekUntrusted: return "The EK certificate does not chain to a configured TPM manufacturer CA."
        case .enrollSecretMismatch: return "The activation secret is not the one the credential protected, so the AK is not proven to be in the EK's TPM."
        case .eventlogDigestCount: return "An event record carries more digests than the Spec ID event declares algorithms."
        case .eventlogDuplicateDigest: return "A TCG_PCR_EVENT2 lists the same digest algorithm twice."
        case .eventlogPcrIndex: return "An event's PCRIndex is not a valid PCR number."
        case .eventlogSpecidDigestSize: return "The Spec ID event declares a digest size above 64 bytes."
        case .eventlogSpecidMalformed: return "The Spec ID event is malformed (wrong event type or PCR, bad uintnSize, no or duplicate algorithms, wrong digest sizes)."
        case .eventlogSpecidSignature: return "The Spec ID event's signature is not \"Spec ID Event03\"."
        case .eventlogSpecidTooManyAlgorithms: return "The Spec ID event lists more than 16 digest algorithms."
        case .eventlogSpecidVendorinfo: return "The Spec ID event's vendorInfoSize runs past the end of the event."
        case .eventlogSpecidVersion: return "The Spec ID event's specVersionMajor is not 2."
        case .eventlogStartupLocality: return "A StartupLocality event has the wrong size, an invalid locality, is repeated, or comes after PCR 0 was extended."
        case .eventlogUnknownAlgorithm: return "An event carries a digest for an algorithm that the Spec ID event does not list."
        case .eventlogWriterDigest: return "The event-log writer was given no digest of the right size for a bank of the log."
        case .eventlogWriterPcr: return "The event-log writer was asked to extend a PCR outside 0–23."
        case .evidenceMalformed: return "The attestation evidence (quote, signature, PCR values or event log) does not parse."
        case .gzipCorrupt: return "The gzip data is corrupt and does not decompress."
        case .gzipTooLarge: return "The decompressed size exceeds the limit."
        case .gzipTruncated: return "The gzip input is empty or a gzip member does not end."
        case .gzipZlib: return "A zlib init, reset or deflate call failed."
        case .hostAlreadyEnrolled: return "The host is already enrolled with this EK (HTTP 409)."
        case .hostChanged: return "An admin changed the host's group or AK while its attestation was verified; the verdict on the stale record is not admitted."
        case .hostEkMismatch: return "The host is enrolled with another EK; an EK never changes until an admin deletes the host."
        case .hostNotActivated: return "The host has not activated its credential, so it cannot be challenged or attest yet (HTTP 409)."
        case .hostNotPending: return "The host has no pending credential activation (HTTP 409)."
        case .hostRevoked: return "An admin revoked the host; it is not admitted."
        case .hostUnknown: return "No host with that id exists (HTTP 404)."
        case .imageAuthenticodeMismatch: return "A boot component's Authenticode SHA-256 differs from the one in the profile."
        case .imageBootConfigMismatch: return "boot.cfg's prefix, kernel, kernel options or module list differ from the profile's."
        case .imageDigestMismatch: return "A file's SHA-256 differs from the one in the profile."
        case .imageFileMissing: return "A file the image must have or that boot.cfg loads is not in the image directory (or the directory does not exist)."
        case .imageFileTooLarge: return "A file is larger than any file the profile binds, so it is refused unread."
        case .imageFileUnreferenced: return "A file in the image is loaded by nothing, so it is not verified."
        case .imageKernelMissing: return "The kernel boot.cfg loads is not in the image."
        case .imageKernelPathMismatch: return "The bootloader loads the kernel from a path other than the one the profile binds."
        case .imageModuleDigestMismatch: return "A module's SHA-256 differs from the one the profile binds."
        case .imageModuleMissing: return "boot.cfg loads a module that is not in the image."
        case .imageModuleNotLoaded: return "The profile binds a module at a position that boot.cfg does not load."
        case .imageModulePathMismatch: return "A module is loaded from a path other than the one the profile binds at that position."
        case .imageModuleUnexpected: return "boot.cfg loads a module at a position where the profile binds none."
        case .imageNotADirectory: return "The image path is not a directory."
        case .imageNotRegularFile: return "An image file is not a regular file (a device, FIFO, socket, …)."
        case .imagePathCaseCollision: return "Two image paths differ only in case, so on the case-insensitive boot volume one would replace the other."
        case .imagePathDirectory: return "An image path names a directory where a file is expected."
        case .imagePathMismatch: return "The bootloader loads a component from a path other than the one the profile binds."
        case .imagePathNotDirectory: return "A component of an image path is not a directory."
        case .imagePathSymlink: return "An image path is or passes through a symbolic link."
        case .imagePathUnreferenced: return "A file was requested that boot.cfg does not make the bootloader load."
        case .imagePathUnsafe: return "An image path is not a safe relative path."
        case .imageTooManyFiles: return "The image directory has more entries than the limit."
        case .imageUnreadable: return "An image file or directory cannot be opened, listed, stat'ed or mapped."
        case .imageVibDescriptorMismatch: return "A VIB's descriptor.xml SHA-256 differs from the one in the profile."
        case .imageVibDuplicate: return "The same VIB name appears more than once in the image."
        case .imageVibMetadataMismatch: return "A VIB's vendor or acceptance level differs from the profile's."
        case .imageVibMisplaced: return "A module holds a VIB that the profile binds to another module position."
        case .imageVibNameMismatch: return "A module holds a different VIB from the one the profile binds there."
        case .imageVibVersionMismatch: return "A VIB's version differs from the profile's without being lower (a lower version is vib.downgrade)."
        case .keyMalformed: return "A private key file is empty, larger than 1 MiB, or not an unencrypted PEM private key."
        case .nonceEmpty: return "No nonce was given, so the quote's freshness cannot be checked."
        case .nonceExpired: return "The nonce the quote carries has expired."
        case .nonceMismatch: return "The quote's extraData differs from the expected nonce."
        case .nonceOtherHost: return "The nonce was issued to another host."
        case .nonceReused: return "The nonce was already used by an attestation."
        case .nonceUnknown: return "The nonce was never issued by this server."
        case .parseBadKey: return "A public key is rejected: bad RSA key, oversized or off-curve ECC point, or a PEM key that is neither EC nor RSA."
        case .parseBadMagic: return "A magic number or signature field has the wrong value."
        case .parseCount: return "A count field exceeds its maximum or does not match the number of items."
        case .parseLength: return "A length or size field is out of range or runs past the end of the data."
        case .parseMalformed: return "A structure is malformed (the default parse code)."
        case .parseTooMany: return "An input has more items than the parser allows."
        case .parseTrailingData: return "Unexpected bytes follow the end of a structure."
        case .parseTruncated: return "The data ends before a field could be read."
        case .parseUnknownAlgorithm: return "An algorithm identifier is not a supported (hash) algorithm here."
        case .parseUnsupported: return "An ar archive uses GNU symbol/long-name tables or BSD long member names, which are not supported in a VIB."
        case .parseUnsupportedVersion: return "A structure's version is not the supported one."
        case .parseWrongType: return "A TPMS_ATTEST type is not the expected attestation type."
        case .pcrBankMissing: return "The event log has no bank for a quoted PCR bank."
        case .pcrBankUnsupported: return "The event log's bank uses an algorithm that cannot be replayed."
        case .pcrIndexInvalid: return "A quoted PCR index is not a PCR."
        case .pcrReplayIncomplete: return "Extended events carry no digest for a bank, so that bank cannot be replayed."
        case .pcrReplayMismatch: return "A PCR replayed from the event log differs from the quoted value."
        case .peBadVendorCert: return "The .vendor_cert section's table or DER certificate runs past the section or is not a DER SEQUENCE."
        case .peBadWinCertificate: return "A WIN_CERTIFICATE dwLength is shorter than its header, or the table has non-zero trailing padding."
        case .peCertBadRevision: return "A certificate-table entry's wRevision is not WIN_CERT_REVISION_2_0 (a failure with strict certificate-table checking)."
        case .peCertPaddingNonzero: return "The alignment bytes after a certificate-table entry are not zero (a failure with strict certificate-table checking)."
        case .peCertTableNotLast: return "When signing, the certificate table is not at the end of the file, so the image cannot be re-signed."
        case .peCertTableOutOfBounds: return "The certificate table or a WIN_CERTIFICATE in it lies outside the file or overlaps headers or section data."
        case .peCertTableSlack: return "The certificate table has bytes after its last entry (a failure with strict certificate-table checking)."
        case .peCertTrailingData: return "Bytes after the signature inside a certificate-table entry are not zero padding, so no signature covers them (a failure with strict certificate-table checking)."
        case .peCertUnparsable: return "A certificate-table entry is not an Authenticode signature (a failure with strict certificate-table checking)."
        case .peCertUnsupportedType: return "A certificate-table entry is not WIN_CERT_TYPE_PKCS_SIGNED_DATA, so its bytes are not verified (a failure with strict certificate-table checking)."
        case .peMalformed: return "The optional header is inconsistent (too small, NumberOfRvaAndSizes or SizeOfHeaders do not fit)."
        case .peNoCertDirectory: return "When signing, the image has no certificate-table data directory entry."
        case .peNotPe: return "The file is not a PE image (no MZ or PE signature, bad e_lfanew or unknown optional-header Magic)."
        case .peOverlappingSections: return "Two sections' raw data share bytes (hashing would repeat them)."
        case .peTooLarge: return "When signing, the certificate table would not fit 32-bit offsets."
        case .peTooManyCertificateEntries: return "The certificate table holds more than 16 WIN_CERTIFICATE entries."
        case .peTooManySections: return "NumberOfSections is above 96, the most the Windows and UEFI loaders accept."
        case .peTruncated: return "The file ends before a header, section table, section data or field it declares."
        case .pemMalformed: return "PEM text is not UTF-8, has mismatched BEGIN/END lines, an unterminated block or invalid base64."
        case .profileDuplicateVib: return "A profile (or an image being profiled) names the same VIB twice."
        case .profileFormat: return "The profile's format identifier is not the supported one."
        case .profileFormatOutdated: return "The profile uses an old format that does not bind every file the bootloader loads."
        case .profileMalformed: return "The profile is not valid JSON of the expected shape or has a digest that is not 64 hex digits."
        case .profileModuleKind: return "A profile module's kind does not fit its name (a *.vib module must be a VIB binding, anything else a file)."
        case .profileNoTrustForProfiles: return "The trust configuration has no profile anchor, so no profile signer can be trusted."
        case .profilePathUnsafe: return "A path in the profile is not a safe relative image path."
        case .profileSignatureInvalid: return "The profile's detached signature does not verify or is not a CMS signature."
        case .profileSignerNotProfileRole: return "The profile signer's certificate was not issued for signing image profiles."
        case .profileSignerRevoked: return "The profile's signer is in the deny list."
        case .profileSignerUntrusted: return "The profile signer does not chain to a profile anchor."
        case .profileSignerWrongRole: return "The profile signer belongs to another role of the trust configuration."
        case .profileTooLarge: return "The profile file is larger than the size limit."
        case .profileUnsigned: return "The profile has no .p7s signature."
        case .quoteBadMagic: return "The quoted TPMS_ATTEST magic is not TPM_GENERATED_VALUE."
        case .quoteMalformed: return "The quoted TPMS_ATTEST does not parse."
        case .quotePcrDigestMismatch: return "The quote's PCR digest does not match the digest of the given PCR values."
        case .quotePcrSelectionMismatch: return "The quote's PCR selection differs from the selection of the given PCR values."
        case .quoteSignatureInvalid: return "The quote's signature does not verify with the attestation key."
        case .quoteSignatureSchemeMismatch: return "The quote's signature scheme or hash differs from the attestation key's scheme."
        case .quoteWeakHash: return "The quote is signed over a SHA-1 digest without --allow-weak-algorithms."
        case .quoteWrongType: return "The quoted TPMS_ATTEST type is not TPM_ST_ATTEST_QUOTE."
        case .requestInvalid: return "The request is not valid for this endpoint (HTTP 400)."
        case .requestInvalidGroup: return "The group name is empty, too long or has characters outside the allowed set."
        case .requestInvalidName: return "The host name is empty, too long or has characters outside the allowed set."
        case .requestMalformedBase64: return "A base64 field does not decode."
        case .requestMalformedJson: return "The body is not the expected JSON."
        case .requestMalformedTpmPublic: return "A TPM2B_PUBLIC field does not parse."
        case .requestMethodNotAllowed: return "The endpoint does not take this HTTP method (HTTP 405)."
        case .requestNotFound: return "No such endpoint (HTTP 404)."
        case .requestTooLarge: return "The request body is over the 4 MiB limit (HTTP 413)."
        case .requestUnsupportedMediaType: return "The body's content type is not application/json (HTTP 415)."
        case .serverInternalError: return "An unexpected server error, answered without internals (HTTP 500)."
        case .signatureContentTooLarge: return "The signed content is larger than a detached signature is checked over."
        case .signatureDigestMismatch: return "The content does not match the signed message digest (the content was altered)."
        case .signatureInvalid: return "The detached CMS signature does not verify."
        case .signatureMalformed: return "The signature is not a DER/PEM CMS SignedData structure (or is empty, oversized or has trailing bytes)."
        case .signatureNoSignerCertificate: return "The signer's certificate is not carried in the signature."
        case .signatureNoSigningTime: return "The signature has no signingTime attribute to judge certificate validity at."
        case .signatureNotDetached: return "The signature embeds its content instead of being detached."
        case .signatureSignerCount: return "The signature does not have exactly one signer."
        case .signatureTooManyCertificates: return "A detached CMS signature carries more than 64 certificates."
        case .signatureWeakDigest: return "The signature's digest algorithm is not SHA-256, SHA-384 or SHA-512."
        case .tokenExpired: return "The admission token has expired."
        case .tokenJwksMalformed: return "The JWKS does not parse."
        case .tokenNotAffirming: return "The token's status is not affirming for the platform and the image."
        case .tokenNotYetValid: return "The token's issue time is in the future."
        case .tokenSignatureInvalid: return "The token's ES256 signature does not verify with any key of the JWKS (by kid)."
        case .tokenWrongAudience: return "The token was issued for another audience."
        case .tokenWrongProfile: return "The token's eat_profile is not the EAR profile hostattest issues."
        case .tpmBadDigest: return "An extend lacks a digest for an active bank, names an inactive bank, or has a digest of the wrong size."
        case .tpmBadNonce: return "A quote nonce is empty or longer than 64 bytes."
        case .tpmBadPcrIndex: return "A PCR index outside 0–23."
        case .tpmBadSelection: return "A PCR selection names an inactive bank, a bank twice, nothing, or is malformed."
        case .tpmBadSpec: return "The --tpm value is malformed, or names a TCTI the loader does not know."
        case .tpmCommandFailed: return "The TPM answered a command with an error (the message names the TCTI, the command and the decoded return code)."
        case .tpmCredentialInvalid: return "A credential blob was not made for this TPM's EK and AK, or was tampered with."
        case .tpmStateCorrupt: return "The software TPM's state file is malformed, of another format, a symlink, or holds a key that does not load."
        case .tpmStatePermissions: return "The software TPM's state file is readable by group or others."
        case .tpmStateWrite: return "The software TPM's state file cannot be written."
        case .tpmTimeout: return "The TPM did not answer within the deadline."
        case .tpmUnreachable: return "The TPM cannot be reached through its TCTI (no device, nothing listening)."
        case .tpmUnsupported: return "The operation is not available on this TPM (e.g. reset on a real TPM)."
        case .trustMalformed: return "trust.json is too large, not a JSON object of the expected format and keys, names no certificate, or has an invalid file name."
        case .vibAcceptanceBelowHost: return "The VIB's declared acceptance level is below the host's acceptance level."
        case .vibBuild: return "When building a VIB, a payload is given twice or a payload named in descriptor.xml has no --payload file."
        case .vibChecksumMismatch: return "A payload's SHA-256 differs from the checksum in descriptor.xml."
        case .vibChecksumMissing: return "descriptor.xml has no SHA-256 (or, with --deep, no gunzip) checksum for a payload."
        case .vibDescriptor: return "descriptor.xml is not a valid VIB descriptor (root, required elements, version, level, payload names, types, sizes or checksums)."
        case .vibDowngrade: return "A VIB's version is lower than the profile's."
        case .vibGunzipChecksumMismatch: return "A decompressed payload's SHA-256 or SHA-1 differs from the gunzip checksum in descriptor.xml."
        case .vibGunzipSizeMismatch: return "With --deep, a payload decompresses to a size other than its declared uncompressed-size."
        case .vibNoTrustForLevel: return "The trust configuration has no CA for the VIB's declared acceptance level or higher."
        case .vibPayloadCorrupt: return "A payload does not decompress."
        case .vibPayloadMissing: return "A payload named in descriptor.xml is not in the archive."
        case .vibPayloadOrder: return "The payload members are not in the order descriptor.xml lists them."
        case .vibPayloadSizeMismatch: return "A payload member's size differs from the size in descriptor.xml."
        case .vibPayloadTooLarge: return "With --deep, a payload inflates past its declared uncompressed-size (or 128 times its member size, never past 8 GiB); decompression stops there."
        case .vibPayloadUnexpected: return "An archive member is not a payload named in descriptor.xml."
        case .vibRevokedDigest: return "The SHA-256 of descriptor.xml or of a payload is in the deny list."
        case .vibSignerLevel: return "The signer's chain ends at an anchor not configured for any acceptance level."
        case .vibSignerNotVibSigner: return "The VIB signer's certificate was not issued for signing VIBs."
        case .vibSignerRevoked: return "The VIB's signer or a certificate in its chain is in the deny list."
        case .vibSignerUntrusted: return "The signer does not chain to a CA for the declared acceptance level or higher."
        case .vibStructure: return "The VIB archive does not start with descriptor.xml and sig.pkcs7, has a duplicate member, or sig.pkcs7 exceeds 1 MiB."
        case .vibTooManyMembers: return "The VIB archive has more than 258 members."
        case .vibTooManyPayloads: return "descriptor.xml lists more than 256 payloads."
        case .vibUnsigned: return "The VIB declares an acceptance level above community but its sig.pkcs7 is empty."
        case .xmlDoctype: return "The XML document has a DOCTYPE or entity declaration."
        case .xmlEncoding: return "The XML document is not valid UTF-8."
        case .xmlMalformed: return "The XML document is not well-formed strict XML."
        case .xmlTooLarge: return "The XML document (or the descriptor.xml member) is larger than the size limit."
        }
    }

    /// Whether the code rejects the input (exit 1), reports malformed input (exit 2) or is a note.
    public var outcome: Outcome {
        switch self {
        case .akDecryptSet,
             .akNotFixedParent,
             .akNotFixedTpm,
             .akNotRestricted,
             .akNotSensitiveDataOrigin,
             .akNotSigning,
             .akUnusable,
             .akWeakKey,
             .appraisalBankMissing,
             .appraisalComponentMismatch,
             .appraisalEventMismatch,
             .appraisalEventMissing,
             .appraisalEventUnexpected,
             .appraisalLogNotReplayed,
             .appraisalNoBaseline,
             .appraisalPcrNotQuoted,
             .authenticodeDigestMismatch,
             .authenticodeMalformed,
             .authenticodeSignatureInvalid,
             .authenticodeSignerMissing,
             .authenticodeTooManyCertificates,
             .authenticodeUnknownAlgorithm,
             .authenticodeUnsigned,
             .authenticodeUnsupportedType,
             .authenticodeWeakDigest,
             .authenticodeWeakSignerDigest,
             .baselineSignatureInvalid,
             .baselineUnsigned,
             .bootChainBroken,
             .bootVendorCertMalformed,
             .bootVendorCertMissing,
             .bootVendorCertUntrusted,
             .bootVerdictMissing,
             .bootVerifierUnavailable,
             .chainEkuMissing,
             .chainExpired,
             .chainInternalError,
             .chainInvalid,
             .chainInvalidCa,
             .chainKeyUsageMissing,
             .chainNotCodeSigning,
             .chainNotDigitalSignature,
             .chainNotProfileSigning,
             .chainNotYetValid,
             .chainSignatureInvalid,
             .chainSignerIsCa,
             .chainTooManyCertificates,
             .chainUntrusted,
             .chainUsageUnreadable,
             .counterClockBackwards,
             .counterResetBackwards,
             .counterRestartBackwards,
             .dbxCertificateRevoked,
             .dbxDigestRevoked,
             .ekCertificateKeyMismatch,
             .ekCertificateMalformed,
             .ekNoCertificate,
             .ekNotStorageKey,
             .ekRevoked,
             .ekSoftwareTpm,
             .ekUntrusted,
             .enrollSecretMismatch,
             .hostChanged,
             .hostEkMismatch,
             .hostRevoked,
             .imageAuthenticodeMismatch,
             .imageBootConfigMismatch,
             .imageDigestMismatch,
             .imageFileTooLarge,
             .imageKernelMissing,
             .imageKernelPathMismatch,
             .imageModuleDigestMismatch,
             .imageModuleMissing,
             .imageModuleNotLoaded,
             .imageModulePathMismatch,
             .imageModuleUnexpected,
             .imagePathMismatch,
             .imageVibDescriptorMismatch,
             .imageVibDuplicate,
             .imageVibMetadataMismatch,
             .imageVibMisplaced,
             .imageVibNameMismatch,
             .imageVibVersionMismatch,
             .nonceEmpty,
             .nonceExpired,
             .nonceMismatch,
             .nonceOtherHost,
             .nonceReused,
             .nonceUnknown,
             .pcrBankMissing,
             .pcrBankUnsupported,
             .pcrIndexInvalid,
             .pcrReplayIncomplete,
             .pcrReplayMismatch,
             .profileNoTrustForProfiles,
             .profileSignatureInvalid,
             .profileSignerNotProfileRole,
             .profileSignerRevoked,
             .profileSignerUntrusted,
             .profileSignerWrongRole,
             .profileUnsigned,
             .quoteBadMagic,
             .quoteMalformed,
             .quotePcrDigestMismatch,
             .quotePcrSelectionMismatch,
             .quoteSignatureInvalid,
             .quoteSignatureSchemeMismatch,
             .quoteWeakHash,
             .quoteWrongType,
             .signatureContentTooLarge,
             .signatureDigestMismatch,
             .signatureInvalid,
             .signatureMalformed,
             .signatureNoSignerCertificate,
             .signatureNoSigningTime,
             .signatureNotDetached,
             .signatureSignerCount,
             .signatureTooManyCertificates,
             .signatureWeakDigest,
             .tokenExpired,
             .tokenNotAffirming,
             .tokenNotYetValid,
             .tokenSignatureInvalid,
             .tokenWrongAudience,
             .tokenWrongProfile,
             .vibAcceptanceBelowHost,
             .vibChecksumMismatch,
             .vibChecksumMissing,
             .vibDowngrade,
             .vibGunzipChecksumMismatch,
             .vibGunzipSizeMismatch,
             .vibNoTrustForLevel,
             .vibPayloadCorrupt,
             .vibPayloadMissing,
             .vibPayloadOrder,
             .vibPayloadSizeMismatch,
             .vibPayloadTooLarge,
             .vibPayloadUnexpected,
             .vibRevokedDigest,
             .vibSignerLevel,
             .vibSignerNotVibSigner,
             .vibSignerRevoked,
             .vibSignerUntrusted,
             .vibUnsigned,
             .baselineImageNotVerified:
            return .rejected
        case .adminDisabled,
             .adminUnauthorized,
             .agentResponseInvalid,
             .agentServerProblem,
             .agentServerUnreachable,
             .agentStateInvalid,
             .akUnsupported,
             .arBadName,
             .arTooLarge,
             .authenticodeKeyMismatch,
             .authenticodeUnsupportedKey,
             .baselineBankMissing,
             .baselineEmpty,
             .baselineFormat,
             .baselineMalformed,
             .baselineTooLarge,
             .baselineUnknown,
             .bootBankUnsupported,
             .bootImageChanged,
             .bootTpmNotReset,
             .bootTpmPcrMismatch,
             .bootcfgDuplicateKey,
             .bootcfgDuplicateModule,
             .bootcfgKernelMissing,
             .bootcfgMalformed,
             .bootcfgModuleArguments,
             .bootcfgPathUnsafe,
             .bootcfgTooLarge,
             .bootcfgTooManyModules,
             .bootcfgUnknownKey,
             .certMalformed,
             .dbxBadEntry,
             .ekUnsupported,
             .eventlogDigestCount,
             .eventlogDuplicateDigest,
             .eventlogPcrIndex,
             .eventlogSpecidDigestSize,
             .eventlogSpecidMalformed,
             .eventlogSpecidSignature,
             .eventlogSpecidTooManyAlgorithms,
             .eventlogSpecidVendorinfo,
             .eventlogSpecidVersion,
             .eventlogStartupLocality,
             .eventlogUnknownAlgorithm,
             .eventlogWriterDigest,
             .eventlogWriterPcr,
             .evidenceMalformed,
             .gzipCorrupt,
             .gzipTooLarge,
             .gzipTruncated,
             .gzipZlib,
             .hostAlreadyEnrolled,
             .hostNotActivated,
             .hostNotPending,
             .hostUnknown,
             .imageFileMissing,
             .imageNotADirectory,
             .imageNotRegularFile,
             .imagePathCaseCollision,
             .imagePathDirectory,
             .imagePathNotDirectory,
             .imagePathSymlink,
             .imagePathUnreferenced,
             .imagePathUnsafe,
             .imageTooManyFiles,
             .imageUnreadable,
             .keyMalformed,
             .parseBadKey,
             .parseBadMagic,
             .parseCount,
             .parseLength,
             .parseMalformed,
             .parseTooMany,
             .parseTrailingData,
             .parseTruncated,
             .parseUnknownAlgorithm,
             .parseUnsupported,
             .parseUnsupportedVersion,
             .parseWrongType,
             .peBadVendorCert,
             .peBadWinCertificate,
             .peCertTableNotLast,
             .peCertTableOutOfBounds,
             .peMalformed,
             .peNoCertDirectory,
             .peNotPe,
             .peOverlappingSections,
             .peTooLarge,
             .peTooManyCertificateEntries,
             .peTooManySections,
             .peTruncated,
             .pemMalformed,
             .profileDuplicateVib,
             .profileFormat,
             .profileFormatOutdated,
             .profileMalformed,
             .profileModuleKind,
             .profilePathUnsafe,
             .profileTooLarge,
             .requestInvalid,
             .requestInvalidGroup,
             .requestInvalidName,
             .requestMalformedBase64,
             .requestMalformedJson,
             .requestMalformedTpmPublic,
             .requestMethodNotAllowed,
             .requestNotFound,
             .requestTooLarge,
             .requestUnsupportedMediaType,
             .serverInternalError,
             .tokenJwksMalformed,
             .tpmBadDigest,
             .tpmBadNonce,
             .tpmBadPcrIndex,
             .tpmBadSelection,
             .tpmBadSpec,
             .tpmCommandFailed,
             .tpmCredentialInvalid,
             .tpmStateCorrupt,
             .tpmStatePermissions,
             .tpmStateWrite,
             .tpmTimeout,
             .tpmUnreachable,
             .tpmUnsupported,
             .trustMalformed,
             .vibBuild,
             .vibDescriptor,
             .vibStructure,
             .vibTooManyMembers,
             .vibTooManyPayloads,
             .xmlDoctype,
             .xmlEncoding,
             .xmlMalformed,
             .xmlTooLarge:
            return .badInput
        case .akAttributesUnchecked,
             .imageFileUnreferenced,
             .peCertBadRevision,
             .peCertPaddingNonzero,
             .peCertTableSlack,
             .peCertTrailingData,
             .peCertUnparsable,
             .peCertUnsupportedType:
            return .note
        }
    }

    /// The area of the README's code table the code belongs to (`VIBs`, `chains`, …).
    public var area: String {
        switch self {
        case .agentResponseInvalid,
             .agentServerProblem,
             .agentServerUnreachable,
             .agentStateInvalid:
            return "agent"
        case .peBadVendorCert,
             .peBadWinCertificate,
             .peCertTableNotLast,
             .peCertTableOutOfBounds,
             .peMalformed,
             .peNoCertDirectory,
             .peNotPe,
             .peOverlappingSections,
             .peTooLarge,
             .peTooManyCertificateEntries,
             .peTooManySections,
             .peTruncated:
            return "PE parsing"
        case .authenticodeDigestMismatch,
             .authenticodeKeyMismatch,
             .authenticodeMalformed,
             .authenticodeSignatureInvalid,
             .authenticodeSignerMissing,
             .authenticodeTooManyCertificates,
             .authenticodeUnknownAlgorithm,
             .authenticodeUnsigned,
             .authenticodeUnsupportedKey,
             .authenticodeUnsupportedType:
            return "Authenticode"
        case .chainExpired,
             .chainInternalError,
             .chainInvalid,
             .chainInvalidCa,
             .chainNotYetValid,
             .chainSignatureInvalid,
             .chainTooManyCertificates,
             .chainUntrusted:
            return "chains"
        case .chainEkuMissing,
             .chainKeyUsageMissing,
             .chainNotCodeSigning,
             .chainNotDigitalSignature,
             .chainNotProfileSigning,
             .chainSignerIsCa,
             .chainUsageUnreadable:
            return "signer usage"
        case .authenticodeWeakDigest,
             .authenticodeWeakSignerDigest,
             .peCertBadRevision,
             .peCertPaddingNonzero,
             .peCertTableSlack,
             .peCertTrailingData,
             .peCertUnparsable,
             .peCertUnsupportedType:
            return "Authenticode hardening"
        case .dbxBadEntry,
             .dbxCertificateRevoked,
             .dbxDigestRevoked,
             .profileSignerRevoked,
             .vibRevokedDigest,
             .vibSignerRevoked:
            return "revocation"
        case .signatureContentTooLarge,
             .signatureDigestMismatch,
             .signatureInvalid,
             .signatureMalformed,
             .signatureNoSignerCertificate,
             .signatureNoSigningTime,
             .signatureNotDetached,
             .signatureSignerCount,
             .signatureTooManyCertificates,
             .signatureWeakDigest:
            return "detached CMS"
        case .vibAcceptanceBelowHost,
             .vibBuild,
             .vibChecksumMismatch,
             .vibChecksumMissing,
             .vibDescriptor,
             .vibGunzipChecksumMismatch,
             .vibGunzipSizeMismatch,
             .vibNoTrustForLevel,
             .vibPayloadCorrupt,
             .vibPayloadMissing,
             .vibPayloadOrder,
             .vibPayloadSizeMismatch,
             .vibPayloadTooLarge,
             .vibPayloadUnexpected,
             .vibSignerLevel,
             .vibSignerNotVibSigner,
             .vibSignerUntrusted,
             .vibStructure,
             .vibTooManyMembers,
             .vibTooManyPayloads,
             .vibUnsigned:
            return "VIBs"
        case .bootChainBroken,
             .bootVendorCertMalformed,
             .bootVendorCertMissing,
             .bootVendorCertUntrusted,
             .bootVerifierUnavailable,
             .imageAuthenticodeMismatch,
             .imageBootConfigMismatch,
             .imageDigestMismatch,
             .imageFileTooLarge,
             .imageFileUnreferenced,
             .imageKernelMissing,
             .imageKernelPathMismatch,
             .imageModuleDigestMismatch,
             .imageModuleMissing,
             .imageModuleNotLoaded,
             .imageModulePathMismatch,
             .imageModuleUnexpected,
             .imagePathMismatch,
             .imageVibDescriptorMismatch,
             .imageVibDuplicate,
             .imageVibMetadataMismatch,
             .imageVibMisplaced,
             .imageVibNameMismatch,
             .imageVibVersionMismatch,
             .profileSignatureInvalid,
             .profileUnsigned,
             .vibDowngrade:
            return "image"
        case .bootcfgDuplicateKey,
             .bootcfgDuplicateModule,
             .bootcfgKernelMissing,
             .bootcfgMalformed,
             .bootcfgModuleArguments,
             .bootcfgPathUnsafe,
             .bootcfgTooLarge,
             .bootcfgTooManyModules,
             .bootcfgUnknownKey,
             .imageFileMissing,
             .imageNotADirectory,
             .imageNotRegularFile,
             .imagePathCaseCollision,
             .imagePathDirectory,
             .imagePathNotDirectory,
             .imagePathSymlink,
             .imagePathUnreferenced,
             .imagePathUnsafe,
             .imageTooManyFiles,
             .imageUnreadable,
             .profileDuplicateVib,
             .profileFormat,
             .profileFormatOutdated,
             .profileMalformed,
             .profileModuleKind,
             .profilePathUnsafe,
             .profileTooLarge:
            return "image input"
        case .profileNoTrustForProfiles,
             .profileSignerNotProfileRole,
             .profileSignerUntrusted,
             .profileSignerWrongRole:
            return "profiles"
        case .nonceEmpty,
             .nonceMismatch,
             .quoteBadMagic,
             .quoteMalformed,
             .quotePcrDigestMismatch,
             .quotePcrSelectionMismatch,
             .quoteSignatureInvalid,
             .quoteSignatureSchemeMismatch,
             .quoteWeakHash,
             .quoteWrongType:
            return "quotes"
        case .akAttributesUnchecked,
             .akDecryptSet,
             .akNotFixedParent,
             .akNotFixedTpm,
             .akNotRestricted,
             .akNotSensitiveDataOrigin,
             .akNotSigning,
             .akUnsupported,
             .akUnusable,
             .akWeakKey:
            return "attestation keys"
        case .eventlogDigestCount,
             .eventlogDuplicateDigest,
             .eventlogPcrIndex,
             .eventlogSpecidDigestSize,
             .eventlogSpecidMalformed,
             .eventlogSpecidSignature,
             .eventlogSpecidTooManyAlgorithms,
             .eventlogSpecidVendorinfo,
             .eventlogSpecidVersion,
             .eventlogStartupLocality,
             .eventlogUnknownAlgorithm,
             .eventlogWriterDigest,
             .eventlogWriterPcr,
             .pcrBankMissing,
             .pcrBankUnsupported,
             .pcrIndexInvalid,
             .pcrReplayIncomplete,
             .pcrReplayMismatch:
            return "event logs"
        case .parseBadKey,
             .parseBadMagic,
             .parseCount,
             .parseLength,
             .parseMalformed,
             .parseTooMany,
             .parseTrailingData,
             .parseTruncated,
             .parseUnknownAlgorithm,
             .parseUnsupported,
             .parseUnsupportedVersion,
             .parseWrongType:
            return "parse (generic)"
        case .xmlDoctype,
             .xmlEncoding,
             .xmlMalformed,
             .xmlTooLarge:
            return "XML"
        case .arBadName,
             .arTooLarge,
             .gzipCorrupt,
             .gzipTooLarge,
             .gzipTruncated,
             .gzipZlib:
            return "archives"
        case .trustMalformed:
            return "trust"
        case .certMalformed,
             .keyMalformed,
             .pemMalformed:
            return "keys"
        case .adminDisabled,
             .adminUnauthorized,
             .requestInvalid,
             .requestInvalidGroup,
             .requestInvalidName,
             .requestMalformedBase64,
             .requestMalformedJson,
             .requestMalformedTpmPublic,
             .requestMethodNotAllowed,
             .requestNotFound,
             .requestTooLarge,
             .requestUnsupportedMediaType,
             .serverInternalError:
            return "HTTP API"
        case .tpmBadDigest,
             .tpmBadNonce,
             .tpmBadPcrIndex,
             .tpmBadSelection,
             .tpmBadSpec,
             .tpmCommandFailed,
             .tpmCredentialInvalid,
             .tpmStateCorrupt,
             .tpmStatePermissions,
             .tpmStateWrite,
             .tpmTimeout,
             .tpmUnreachable,
             .tpmUnsupported:
            return "TPMs"
        case .appraisalBankMissing,
             .appraisalComponentMismatch,
             .appraisalEventMismatch,
             .appraisalEventMissing,
             .appraisalEventUnexpected,
             .appraisalLogNotReplayed,
             .appraisalNoBaseline,
             .appraisalPcrNotQuoted:
            return "appraisal"
        case .baselineBankMissing,
             .baselineEmpty,
             .baselineFormat,
             .baselineImageNotVerified,
             .baselineMalformed,
             .baselineSignatureInvalid,
             .baselineTooLarge,
             .baselineUnknown,
             .baselineUnsigned:
            return "baselines"
        case .ekCertificateKeyMismatch,
             .ekCertificateMalformed,
             .ekNoCertificate,
             .ekNotStorageKey,
             .ekRevoked,
             .ekSoftwareTpm,
             .ekUnsupported,
             .ekUntrusted:
            return "endorsement keys"
        case .bootBankUnsupported,
             .bootImageChanged,
             .bootTpmNotReset,
             .bootTpmPcrMismatch,
             .bootVerdictMissing:
            return "measured boot"
        case .counterClockBackwards,
             .counterResetBackwards,
             .counterRestartBackwards,
             .enrollSecretMismatch,
             .evidenceMalformed,
             .hostAlreadyEnrolled,
             .hostChanged,
             .hostEkMismatch,
             .hostNotActivated,
             .hostNotPending,
             .hostRevoked,
             .hostUnknown,
             .nonceExpired,
             .nonceOtherHost,
             .nonceReused,
             .nonceUnknown:
            return "server"
        case .tokenExpired,
             .tokenJwksMalformed,
             .tokenNotAffirming,
             .tokenNotYetValid,
             .tokenSignatureInvalid,
             .tokenWrongAudience,
             .tokenWrongProfile:
            return "tokens"
        }
    }

    /// The code as printed and carried by `--json`.
    public var description: String { rawValue }

    /// Whether the code is in a namespace, e.g. `code.hasPrefix("chain.")`.
    public func hasPrefix(_ prefix: String) -> Bool { rawValue.hasPrefix(prefix) }
}
