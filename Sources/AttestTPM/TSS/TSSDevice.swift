internal import CTSS2
import AttestCore
import Foundation

/// A real TPM (or swtpm, or the Microsoft simulator) through tpm2-tss ESAPI and the TCTI loader.
///
/// - Keys: the EK and the AK are *primary* keys of the endorsement hierarchy, created from fixed
///   templates (``KeyTemplates``). A TPM derives a primary key deterministically from its hierarchy
///   seed and the template, so the same AK comes back on every run, after a restart of this process or
///   of the TPM, without a persistent handle or a saved blob; it changes only if the endorsement seed
///   does (TPM2_ChangeEPS, i.e. a new TPM identity).
/// - Every object and session is flushed when the operation ends (also on errors): a TPM without a
///   resource manager holds only a few transient objects.
/// - Every call runs under ``Watchdog`` with `timeout` seconds; a timeout or a TCTI error is
///   `tpm.timeout` / `tpm.unreachable`; a TPM error is `tpm.command-failed` with `Tss2_RC_Decode` text.
public final class TSSDevice: TPM, @unchecked Sendable {
    public let tcti: String
    public let timeout: TimeInterval
    let call: TSSCall
    private var esys: OpaquePointer?
    private var tctiContext: OpaquePointer?
    /// Set when a call timed out: its thread may still be inside tpm2-tss, so the context is never
    /// touched (or freed) again.
    private var broken = false
    private let lock = NSLock()
    /// Set by ``activeBanks(_:)``; read and written only inside ``run(_:_:)`` (one operation at a time).
    var cachedBanks: [DigestAlgorithm]?

    /// Loads the TCTI and connects. `tcti` is a TCTI loader configuration (`swtpm:host=…,port=…`,
    /// `mssim:…`, `device:/dev/tpmrm0`, `tabrmd:…`).
    public init(tcti: String, timeout: TimeInterval = 10) throws {
        self.tcti = tcti
        self.timeout = timeout
        self.call = TSSCall(tcti: tcti)
        // tpm2-tss logs warnings to stderr by default; hostattest reports errors itself.
        setenv("TSS2_LOG", "all+none", 0)
        let conf = tcti
        let call = self.call
        let (e, t) = try Watchdog.run(seconds: timeout, "TPM \(tcti): connecting") { () throws -> (UInt, UInt) in
            var t: OpaquePointer?
            try call.check(Tss2_TctiLdr_Initialize(conf, &t), "Tss2_TctiLdr_Initialize")
            var e: OpaquePointer?
            let rc = Esys_Initialize(&e, t, nil)
            if rc != 0 {
                Tss2_TctiLdr_Finalize(&t)
                throw call.error(rc, "Esys_Initialize")
            }
            // Held until the caller takes them: if the watchdog gave up meanwhile, nobody will.
            AbandonedTSSContexts.shared.keep(esys: e, tcti: t)
            return (UInt(bitPattern: e), UInt(bitPattern: t))
        }
        esys = OpaquePointer(bitPattern: e)
        tctiContext = OpaquePointer(bitPattern: t)
        AbandonedTSSContexts.shared.release(esys: esys)
    }

    deinit {
        // After a timeout a worker may still be blocked inside tpm2-tss with these contexts: they are
        // kept, not freed, for the rest of the process, held by ``AbandonedTSSContexts`` from the moment
        // of the timeout so that they stay reachable (retained on purpose, not leaked).
        guard !broken else { return }
        if esys != nil { Esys_Finalize(&esys) }
        if tctiContext != nil { Tss2_TctiLdr_Finalize(&tctiContext) }
    }

    public var description: String { "tpm2-tss \(tcti)" }

    /// Runs `body` with the ESAPI context on a watchdog'd thread, one operation at a time.
    func run<T>(_ what: String, _ body: @escaping (OpaquePointer) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard !broken, let ctx = esys else {
            throw TPMError(TPMError.unreachable, "TPM \(tcti): an earlier command timed out; the connection is unusable")
        }
        let raw = UInt(bitPattern: ctx)
        do {
            return try Watchdog.run(seconds: timeout, "TPM \(tcti): \(what)") { try body(OpaquePointer(bitPattern: raw)!) }
        } catch let e as TPMError where e.code == TPMError.timeout {
            broken = true
            AbandonedTSSContexts.shared.keep(esys: esys, tcti: tctiContext)
            throw e
        }
    }

    public func info() throws -> TPMInfo {
        try run("reading properties") { ctx in
            let props = try self.fixedProperties(ctx)
            func chars(_ v: UInt32?) -> String {
                guard let v else { return "" }
                let bytes = [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
                return String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self)
            }
            let vendor = (0x106...0x109).map { chars(props[UInt32($0)]) }.joined()
            let fw = UInt64(props[0x10B] ?? 0) << 32 | UInt64(props[0x10C] ?? 0)
            return TPMInfo(backend: "tpm2-tss", isSoftware: false, location: self.tcti,
                           manufacturer: chars(props[0x105]), vendor: vendor, firmwareVersion: fw,
                           clockInfo: try self.readClock(ctx), banks: try self.activeBanks(ctx))
        }
    }
}

/// ESAPI and TCTI contexts of connections that timed out (while connecting or in a command): a watchdog
/// worker may still be inside tpm2-tss with them, so they can be neither used nor freed; they live here
/// until the process ends.
final class AbandonedTSSContexts: @unchecked Sendable {
    static let shared = AbandonedTSSContexts()
    private let lock = NSLock()
    private var contexts: [(esys: OpaquePointer?, tcti: OpaquePointer?)] = []

    func keep(esys: OpaquePointer?, tcti: OpaquePointer?) {
        lock.lock()
        contexts.append((esys, tcti))
        lock.unlock()
    }

    /// The owner took the contexts back (a connection that did not time out).
    func release(esys: OpaquePointer?) {
        lock.lock()
        contexts.removeAll { $0.esys == esys }
        lock.unlock()
    }
}
