extension EventLog {
    /// What one digest of an event covers (TCG PC Client PFP r1.05, 10.4.4: for most event types
    /// the digest is H(event data); for EV_EFI_BOOT_SERVICES_APPLICATION/DRIVER it is the image's
    /// Authenticode hash, EV_POST_CODE and EV_EFI_PLATFORM_FIRMWARE_BLOB hash the firmware
    /// itself, so their event data is not covered). hostattest does not trust the type: it
    /// computes the hash and compares.
    public enum DigestCoverage: String, Sendable, Hashable, Codable {
        /// digest = H(event data).
        case eventData
        /// digest = H(UEFI_VARIABLE_DATA.VariableData) (EFI variable events of some firmware).
        case variableData
        /// The digest is of something else: the event data is not covered.
        case notCovered
        /// EV_NO_ACTION: nothing is extended, nothing is covered.
        case notExtended
        /// The algorithm cannot be computed here (e.g. SM3_256).
        case unsupportedAlgorithm
    }
}

extension EventLog.Event {
    /// What `digest` covers, by hashing the data and comparing in constant time.
    public func coverage(of digest: EventLog.EventDigest) -> EventLog.DigestCoverage {
        guard isExtended else { return .notExtended }
        guard let alg = digest.algorithm else { return .unsupportedAlgorithm }
        if ConstantTime.equal(alg.hash(data), digest.digest) { return .eventData }
        if isVariableEvent, let v = try? UEFIVariableData(bytes: data),
           ConstantTime.equal(alg.hash(v.variableData), digest.digest) {
            return .variableData
        }
        return .notCovered
    }

    /// Per bank: whether the digest covers the whole event data (digest = H(event data)).
    /// Only covered data may be used to make decisions; read it through ``verifiedData``.
    public var dataCoveredByDigest: [DigestAlgorithm: Bool] {
        var out: [DigestAlgorithm: Bool] = [:]
        for d in digests {
            guard let alg = d.algorithm else { continue }
            out[alg] = coverage(of: d) == .eventData
        }
        return out
    }

    /// The event data, decoded, when the event's digests cover it; nil otherwise.
    ///
    /// Requires every digest the event carries in a bank hostattest can hash (at least one) to
    /// cover the same bytes: the whole event data, or for EFI variable events possibly only
    /// VariableData (then only that is returned). A log whose banks disagree gets nil.
    public var verifiedData: CoveredEventData? {
        var scopes = Set<EventLog.DigestCoverage>()
        var banks: [DigestAlgorithm] = []
        for d in digests {
            guard let alg = d.algorithm else { continue }
            scopes.insert(coverage(of: d))
            banks.append(alg)
        }
        guard scopes.count == 1, let scope = scopes.first else { return nil }
        switch scope {
        case .eventData:
            return CoveredEventData(scope: .eventData, type: type, pcrIndex: pcrIndex, bytes: data,
                                    decoded: DecodedEventData(type: type, pcr: pcrIndex, data: data, uintnBytes: uintnBytes), banks: banks)
        case .variableData:
            guard let v = try? UEFIVariableData(bytes: data) else { return nil }
            return CoveredEventData(scope: .variableData, type: type, pcrIndex: pcrIndex, bytes: v.variableData,
                                    decoded: .bytes(Array(v.variableData)), banks: banks)
        default:
            return nil
        }
    }

    /// The event data decoded by type for DISPLAY. Not checked against any digest: never base a
    /// decision on it (use ``verifiedData``).
    public var untrustedDecoded: UntrustedEventData {
        UntrustedEventData(decoded: DecodedEventData(type: type, pcr: pcrIndex, data: data, uintnBytes: uintnBytes))
    }

    var isVariableEvent: Bool {
        type == .EV_EFI_VARIABLE_DRIVER_CONFIG || type == .EV_EFI_VARIABLE_BOOT
            || type == .EV_EFI_VARIABLE_BOOT2 || type == .EV_EFI_VARIABLE_AUTHORITY
    }
}
