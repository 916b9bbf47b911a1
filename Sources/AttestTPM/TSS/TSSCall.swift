internal import CTSS2
import AttestCore

/// The one place a tpm2-tss return code becomes a Swift error (like swift-nio's errno helper):
/// `try tss.check(rc, "Esys_Quote")` throws a ``TPMError`` naming the TCTI, the call, the code in hex and
/// its `Tss2_RC_Decode` text.
struct TSSCall {
    let tcti: String

    /// Response-code layers (TSS 2.0 Overview, 6.1.2): bits 16–23.
    static let tctiLayer: UInt32 = 10
    /// TSS2_BASE_RC_BAD_VALUE, _BAD_REFERENCE, _NOT_IMPLEMENTED, _NOT_SUPPORTED (no such TCTI): the loader
    /// or a TCTI refused its configuration string.
    static let badConfiguration: Set<UInt32> = [11, 5, 2, 21]

    func check(_ rc: TSS2_RC, _ call: String) throws {
        guard rc != 0 else { return }
        throw error(rc, call)
    }

    func error(_ rc: TSS2_RC, _ call: String) -> TPMError {
        let text = Tss2_RC_Decode(rc).map { String(cString: $0) } ?? "unknown"
        let layer = (rc >> 16) & 0xFF
        let code: VerificationCode
        if call.hasPrefix("Tss2_TctiLdr") && Self.badConfiguration.contains(rc & 0xFFFF) {
            code = TPMError.badSpec
        } else if layer == Self.tctiLayer || call.hasPrefix("Tss2_TctiLdr") || call == "Esys_Initialize" {
            code = TPMError.unreachable
        } else {
            code = TPMError.commandFailed
        }
        let hex = String(rc, radix: 16)
        return TPMError(code, "TPM \(tcti): \(call) failed: 0x\(String(repeating: "0", count: max(0, 8 - hex.count)))\(hex) \(text)")
    }

    /// Fills a C structure from its canonical marshalling (Tss2_MU_*_Unmarshal), so that hostattest
    /// builds TPM structures once, in AttestCore, and never pokes at C unions from Swift.
    func unmarshal<T>(_ bytes: [UInt8], into value: inout T, _ call: String,
                      _ fn: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<Int>?, UnsafeMutablePointer<T>?) -> TSS2_RC) throws {
        var offset = 0
        let rc = bytes.withUnsafeBufferPointer { buf in fn(buf.baseAddress, buf.count, &offset, &value) }
        try check(rc, call)
        guard offset == bytes.count else {
            throw TPMError(TPMError.commandFailed, "TPM \(tcti): \(call) used \(offset) of \(bytes.count) bytes")
        }
    }

    /// The canonical marshalling of a C structure (Tss2_MU_*_Marshal).
    func marshal<T>(_ value: UnsafePointer<T>, _ call: String, capacity: Int = 4096,
                    _ fn: (UnsafePointer<T>?, UnsafeMutablePointer<UInt8>?, Int, UnsafeMutablePointer<Int>?) -> TSS2_RC) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: capacity)
        var offset = 0
        let rc = buffer.withUnsafeMutableBufferPointer { buf in fn(value, buf.baseAddress, buf.count, &offset) }
        try check(rc, call)
        return Array(buffer.prefix(offset))
    }
}
