/// TPMS_CLOCK_INFO (TPM 2.0 Part 2, 10.11.1).
public struct TPMSClockInfo: Sendable, Hashable, Codable, TPMMarshallable {
    /// Milliseconds the TPM has been powered since it was made (UINT64).
    public var clock: UInt64
    public var resetCount: UInt32
    public var restartCount: UInt32
    /// TPMI_YES_NO: whether `clock` is known not to have gone backwards.
    public var safe: Bool

    public init(clock: UInt64, resetCount: UInt32, restartCount: UInt32, safe: Bool) {
        self.clock = clock
        self.resetCount = resetCount
        self.restartCount = restartCount
        self.safe = safe
    }

    init(from r: inout ByteReader) throws {
        clock = try r.u64be("clock")
        resetCount = try r.u32be("resetCount")
        restartCount = try r.u32be("restartCount")
        let at = r.position
        let s = try r.u8("safe")
        guard s <= 1 else { throw ParseError(r.structure, at: at, "safe \(s) is not a TPMI_YES_NO (0 or 1)", code: .parseMalformed) }
        safe = s == 1
    }

    public func marshal(into w: inout TPMWriter) {
        w.u64(clock)
        w.u32(resetCount)
        w.u32(restartCount)
        w.u8(safe ? 1 : 0)
    }
}
