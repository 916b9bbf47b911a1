import Foundation

/// Everything `hostattest demo` must undo on every exit path, a signal included: the child
/// processes it started (the server, a swtpm daemon, a step's command) and its work folder.
/// One instance per run; SIGINT and SIGTERM run ``finish()`` and exit 130.
final class DemoCleanup: @unchecked Sendable {
    private let lock = NSLock()
    private var children: [Int32: Process] = [:]
    private var daemons: Set<pid_t> = []
    private var removeOnExit: URL?
    private var signalSources: [DispatchSourceSignal] = []

    /// Removes `folder` when the run ends (a fresh temporary folder; never a `--keep` folder).
    func removeAtEnd(_ folder: URL) { lock.withLock { removeOnExit = folder } }

    func started(_ p: Process) { lock.withLock { children[p.processIdentifier] = p } }
    func ended(_ p: Process) { _ = lock.withLock { children.removeValue(forKey: p.processIdentifier) } }
    func startedDaemon(_ pid: pid_t) { _ = lock.withLock { daemons.insert(pid) } }
    func endedDaemon(_ pid: pid_t) { _ = lock.withLock { daemons.remove(pid) } }

    /// SIGINT/SIGTERM: stop everything, remove the work folder, exit 130.
    func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                FileHandle.standardError.write(Data("\nhostattest demo: interrupted; stopping the server and removing the work folder\n".utf8))
                finish()
                Foundation.exit(130)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Stops every child and daemon still running (SIGTERM, then SIGKILL after two seconds) and
    /// removes the work folder unless it is kept. Idempotent.
    func finish() {
        let (procs, pids, folder) = lock.withLock { () -> ([Process], Set<pid_t>, URL?) in
            defer { children = [:]; daemons = []; removeOnExit = nil }
            return (Array(children.values), daemons, removeOnExit)
        }
        for p in procs where p.isRunning { Self.stop(p.processIdentifier) }
        for pid in pids { Self.stop(pid) }
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// SIGTERM, then SIGKILL if the process is still alive after two seconds.
    static func stop(_ pid: pid_t) {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while isAlive(pid), Date() < deadline { usleep(20_000) }
        if isAlive(pid) { kill(pid, SIGKILL) }
    }

    /// Alive and not a zombie.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}
