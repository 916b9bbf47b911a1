extension EventLog {
    /// The one table of firmware quirks the parser tolerates. Every other deviation from the PFP
    /// is an error. A log that needed a workaround lists it in ``EventLog/appliedWorkarounds``.
    ///
    /// Deliberately not tolerated: a Spec ID event whose vendor data runs past its `eventSize`
    /// (tpm2-tools reads past the record; hostattest rejects it with `eventlog.specid-vendorinfo`).
    public struct Workaround: Sendable, Hashable, Codable, CustomStringConvertible {
        public let id: String
        public let explanation: String

        /// Firmware that exposes the whole reserved log area (ACPI TPM2/TCPA "LAML" bytes) leaves
        /// the unused tail filled with 0x00 or 0xFF after the last record. Such a tail is not a
        /// record: all-zero bytes would otherwise read as empty EV_PREBOOT_CERT records in PCR 0.
        public static let trailingPadding = Workaround(
            id: "trailing-padding",
            explanation: "the unused tail of the log area after the last event is filled with one padding byte (0x00 or 0xFF) and was ignored")

        /// Every workaround hostattest knows.
        public static let all: [Workaround] = [trailingPadding]

        public var description: String { "\(id): \(explanation)" }

        /// Offset in `bytes` where a tail of one repeated padding byte (0x00 or 0xFF) begins;
        /// `bytes.count` when the log does not end in one. Computed once per log, so that the check
        /// at each record is O(1): scanning the rest at every record is quadratic in a log of
        /// all-zero records (which read as empty EV_PREBOOT_CERT events in PCR 0).
        static func trailingPaddingStart(_ bytes: [UInt8]) -> Int {
            guard let last = bytes.last, last == 0x00 || last == 0xFF else { return bytes.count }
            var start = bytes.count - 1
            while start > 0, bytes[start - 1] == last { start -= 1 }
            return start
        }

        /// Checks the unread rest of the log for a tolerated trailer: it is one padding byte repeated
        /// to the end. A real record starts with a PCR index < 24, so 0xFF… can never be one; 0x00…
        /// of at least 8 bytes would be PCR 0 / EV_PREBOOT_CERT, which real firmware does not log
        /// after the Spec ID event with all-zero contents. `paddingStart` is
        /// ``trailingPaddingStart(_:)`` of `r.bytes`.
        static func matchTrailing(_ r: ByteReader, paddingStart: Int) -> Workaround? {
            !r.isAtEnd && r.offset >= paddingStart ? trailingPadding : nil
        }
    }
}
