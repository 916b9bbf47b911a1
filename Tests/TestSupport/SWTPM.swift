import Foundation

/// A private swtpm (TPM 2.0 simulator) for one test or suite: its own temp state directory and a free
/// loopback port pair, started with `startup-clear`, stopped by `stop()` or when released.
///
///     let tpm = try SWTPM()
///     defer { tpm.stop() }
///     try tpm.tool("tpm2_createek", ["-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub"], in: dir)
///
/// Calls through one instance are serialized, and every tool run is followed by
/// `tpm2_flushcontext -t` (without a resource manager, loaded objects would otherwise fill the TPM).
public final class SWTPM: @unchecked Sendable {
    public let port: Int
    public let stateDirectory: TempDir
    /// Process id of the daemonized swtpm.
    public let pid: pid_t
    private let lock = NSLock()
    private var stopped = false

    /// The TCTI string for tpm2-tools and tpm2-tss.
    public var tcti: String { "swtpm:host=127.0.0.1,port=\(port)" }
    /// Environment for subprocesses: `TPM2TOOLS_TCTI`.
    public var environment: [String: String] { ["TPM2TOOLS_TCTI": tcti] }

    /// swtpm runs as a daemon (`--daemon --pid file=`), not as a child of the test process: a
    /// long-lived child confuses Foundation's reaping of the tests' other subprocesses. It is started
    /// through bash, which first closes every inherited descriptor above 2 so that swtpm holds no pipe
    /// or socket of a concurrently running test (which would otherwise never see EOF).
    ///
    /// `manufactured`: first run `swtpm_setup --create-ek-cert` on the state, so the TPM holds EK
    /// certificates in NV (issued by swtpm-localca), as a real TPM from a manufacturer does.
    /// `manufacturer`: the same, with EK certificates issued by that test's own CA instead of the
    /// machine-wide swtpm-localca (implies `manufactured`).
    /// `state`: start on an existing state directory (a TPM that was stopped: a power cycle, so its
    /// resetCount grows) instead of a new one.
    public init(attempts: Int = 5, manufactured: Bool = false, manufacturer: SWTPMManufacturer? = nil, state existing: TempDir? = nil) throws {
        let swtpm = try Run.resolve("swtpm")
        var lastError: Error = SWTPMError("swtpm did not start")
        for _ in 0..<attempts {
            let state = existing ?? TempDir("swtpm")
            if existing == nil && (manufactured || manufacturer != nil) {
                let config = manufacturer.map { ["--config", $0.setupConfig] } ?? []
                let r = try Run.process("swtpm_setup", ["--tpm2", "--tpmstate", state.path, "--create-ek-cert", "--lock-nvram", "--overwrite"] + config, timeout: 120)
                guard r.status == 0 else { throw SWTPMError("swtpm_setup failed (\(r.status)): \(r.stderr) \(r.stdout)") }
            }
            guard let port = SWTPM.freePortPair() else { continue }
            let pidFile = "\(state.path)/swtpm.pid"
            let script = #"cd /proc/self/fd 2>/dev/null && for fd in *; do case "$fd" in 0|1|2) ;; *) eval "exec $fd>&-" 2>/dev/null ;; esac; done; cd /; exec "$0" "$@" </dev/null >/dev/null 2>&1"#
            let args = ["-c", script, swtpm, "socket", "--tpm2",
                        "--server", "type=tcp,port=\(port),bindaddr=127.0.0.1",
                        "--ctrl", "type=tcp,port=\(port + 1),bindaddr=127.0.0.1",
                        "--tpmstate", "dir=\(state.path)",
                        "--flags", "not-need-init,startup-clear",
                        "--log", "file=\(state.path)/swtpm.log",
                        "--pid", "file=\(pidFile)", "--daemon"]
            do {
                let r = try Run.process("/bin/bash", args, timeout: 30)
                guard r.status == 0 else {
                    let log = (try? String(contentsOfFile: "\(state.path)/swtpm.log", encoding: .utf8)) ?? ""
                    lastError = SWTPMError("swtpm on port \(port) did not start (\(r.status)): \(log)")
                    continue
                }
            } catch { lastError = error; continue }
            guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                lastError = SWTPMError("swtpm on port \(port) wrote no pid file")
                continue
            }
            if SWTPM.waitForListener(port: port, pid: pid) {
                self.port = port
                self.stateDirectory = state
                self.pid = pid
                return
            }
            SWTPM.kill(pid)
            lastError = SWTPMError("swtpm on port \(port) does not accept connections")
        }
        throw lastError
    }

    deinit { stop() }

    /// A power cycle: stops this simulator and starts another on the same state directory (on a new
    /// port pair); its TPM2_Startup(CLEAR) resets the PCRs and increments resetCount.
    public func restarted() throws -> SWTPM {
        stop()
        return try SWTPM(state: stateDirectory)
    }

    /// Stops the simulator (idempotent).
    public func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        SWTPM.kill(pid)
    }

    /// SIGTERM, then SIGKILL if it is still alive after two seconds.
    private static func kill(_ pid: pid_t) {
        guard pid > 0 else { return }
        Foundation.kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while isAlive(pid) && Date() < deadline { usleep(10_000) }
        if isAlive(pid) { Foundation.kill(pid, SIGKILL) }
    }

    /// Alive and not a zombie.
    private static func isAlive(_ pid: pid_t) -> Bool {
        guard Foundation.kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// Runs a tpm2-tools command against this TPM in `directory`, then flushes transient objects.
    /// Throws when the tool fails, with its stderr.
    @discardableResult
    public func tool(_ name: String, _ arguments: [String], in directory: URL) throws -> ProcessResult {
        lock.lock()
        defer { lock.unlock() }
        let r = try Run.process(name, arguments, environment: environment, currentDirectory: directory, timeout: 120)
        _ = try? Run.process("tpm2_flushcontext", ["-t"], environment: environment, currentDirectory: directory, timeout: 60)
        guard r.status == 0 else {
            throw SWTPMError("\(name) \(arguments.joined(separator: " ")) failed (\(r.status)): \(r.stderr)")
        }
        return r
    }

    /// Runs several commands as one unit (no other caller's command interleaves), flushing transient
    /// objects after each.
    public func session<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Like ``tool(_:_:in:)`` but without taking the lock (inside ``session(_:)``).
    @discardableResult
    public func toolUnlocked(_ name: String, _ arguments: [String], in directory: URL, flush: Bool = true) throws -> ProcessResult {
        let r = try Run.process(name, arguments, environment: environment, currentDirectory: directory, timeout: 120)
        if flush { _ = try? Run.process("tpm2_flushcontext", ["-t"], environment: environment, currentDirectory: directory, timeout: 60) }
        guard r.status == 0 else {
            throw SWTPMError("\(name) \(arguments.joined(separator: " ")) failed (\(r.status)): \(r.stderr)")
        }
        return r
    }

    /// Finds a port P with P and P+1 free on 127.0.0.1 (bind to port 0, close, check P+1).
    static func freePortPair() -> Int? {
        for _ in 0..<20 {
            guard let p = bindAndClose(0), p < 65535, bindAndClose(p + 1) != nil else { continue }
            return p
        }
        return nil
    }

    private static func bindAndClose(_ port: Int) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { return nil }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let got = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard got == 0 else { return nil }
        return Int(UInt16(bigEndian: bound.sin_port))
    }

    /// Waits until the control port accepts connections, or the process dies.
    private static func waitForListener(port: Int, pid: pid_t) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard isAlive(pid) else { return false }
            if canConnect(port + 1) { return true }
            usleep(20_000)
        }
        return false
    }

    private static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

public struct SWTPMError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
