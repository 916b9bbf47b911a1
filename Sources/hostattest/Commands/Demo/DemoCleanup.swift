import Foundation

/// Everything `hostattest demo` must undo on every exit path, a signal included: the child
/// processes it started (the server, a swtpm daemon, a step's command) and its work folder.
/// One instance per run; SIGINT and SIGTERM run ``finish()`` and exit 130.
final class DemoCleanup: @unchecked Sendable {
    private let lock = NSLock()
    private var children: [Int32: Process] = [:]
    private var daemons: Set<pid_t> = []
    private var removeOnExit: URL?
    private var interrupted = false

    /// Removes `folder` when the run ends (a fresh temporary folder; never a `--keep` folder).
    func removeAtEnd(_ folder: URL) { lock.withLock { removeOnExit = folder } }

    func started(_ p: Process) { lock.withLock { children[p.processIdentifier] = p } }
    func ended(_ p: Process) { _ = lock.withLock { children.removeValue(forKey: p.processIdentifier) } }
    func startedDaemon(_ pid: pid_t) { _ = lock.withLock { daemons.insert(pid) } }
    func endedDaemon(_ pid: pid_t) { _ = lock.withLock { daemons.remove(pid) } }

    /// SIGINT/SIGTERM: stop everything, remove the work folder, exit 130. The handler only writes the
    /// signal's number to a pipe (async-signal-safe); a thread reading the pipe does the cleanup.
    /// (A dispatch signal source is not enough on Linux: the signal must be blocked in every thread,
    /// and the runtime's threads already exist.)
    func installSignalHandlers() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        DemoSignalPipe.writeEnd = fds[1]
        let readEnd = fds[0]
        let thread = Thread { [self] in
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) != 1 {}
            lock.withLock { interrupted = true }
            FileHandle.standardError.write(Data("\nhostattest demo: interrupted; stopping the server and removing the work folder\n".utf8))
            stopProcesses()
            usleep(200_000)  // the main flow parks at its next check (parkIfInterrupted)
            finish()
            Foundation.exit(130)
        }
        thread.start()
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(DemoSignalPipe.writeEnd, &byte, 1)
            }
        }
    }

    /// After a signal the cleanup thread owns the exit: the main flow stops here (never returns) so it
    /// starts nothing, writes nothing and prints no table.
    func parkIfInterrupted() {
        guard lock.withLock({ interrupted }) else { return }
        while true { sleep(60) }
    }

    /// Stops every child and daemon still running, leaving the work folder.
    private func stopProcesses() {
        let (procs, pids) = lock.withLock { (Array(children.values), daemons) }
        for p in procs where p.isRunning { Self.stop(p.processIdentifier) }
        for pid in pids { Self.stop(pid) }
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

/// The write end of the signal pipe, set once before the handlers are installed.
enum DemoSignalPipe {
    nonisolated(unsafe) static var writeEnd: Int32 = -1
}
