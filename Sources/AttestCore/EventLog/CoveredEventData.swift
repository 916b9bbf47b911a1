/// Event data that the event's digests were checked to cover: the only form of event data that may
/// be used to make decisions ("never act on event data its digest does not cover").
///
/// Only ``EventLog/Event/verifiedData`` creates it, after every digest of the event in a bank
/// hostattest can hash was found equal to the hash of the covered bytes.
public struct CoveredEventData: Sendable, Hashable {
    public enum Scope: String, Sendable, Hashable, Codable {
        /// The digest is H(event data): the whole record data is covered (TCG PC Client PFP r1.05,
        /// 10.4.4: EV_SEPARATOR, EV_EFI_ACTION, EV_IPL, EV_EVENT_TAG, EV_EFI_VARIABLE_DRIVER_CONFIG…).
        case eventData
        /// The digest is H(UEFI_VARIABLE_DATA.VariableData) only, as some firmware measures
        /// EV_EFI_VARIABLE_BOOT: the variable's contents are covered, its name and GUID are NOT.
        case variableData
    }

    public let scope: Scope
    public let type: EventType
    public let pcrIndex: Int
    /// Exactly the covered bytes.
    public let bytes: ArraySlice<UInt8>
    /// The covered bytes decoded by event type (for ``Scope/variableData``: `.bytes(VariableData)`).
    public let decoded: DecodedEventData
    /// The banks whose digests were checked.
    public let banks: [DigestAlgorithm]

    init(scope: Scope, type: EventType, pcrIndex: Int, bytes: ArraySlice<UInt8>, decoded: DecodedEventData, banks: [DigestAlgorithm]) {
        self.scope = scope
        self.type = type
        self.pcrIndex = pcrIndex
        self.bytes = bytes
        self.decoded = decoded
        self.banks = banks
    }
}

/// The decoded data of an event whose digest has NOT been checked to cover it: for display only.
/// Anything in it may have been written by an attacker without changing any PCR.
public struct UntrustedEventData: Sendable, Hashable {
    public let decoded: DecodedEventData
    public var kind: String { decoded.kind }
    public var fields: [DecodedEventData.Field] { decoded.fields }
    public var summary: String { decoded.summary() }
}
