import AttestIO
import Foundation
import Testing
import TestSupport

/// One server per SQLite file: a second `serve` on a store that a running server holds is refused at
/// startup (exit 2, naming the file) instead of running with its own caches beside the first; once
/// the first has stopped, the store opens again.
@Suite struct ServeStoreLockTests {
    @Test func aSecondServerOnTheSameStoreIsRefused() throws {
        let dir = TempDir("serve-lock")
        let path = dir.file("attest.db").path
        let first = try AgentCLITests.Server(["--db", "sqlite:" + path])
        let second = try Run.hostattest(["serve", "--listen", "127.0.0.1:0", "--db", "sqlite:" + path], timeout: 120)
        #expect(second.status == 2, "exit \(second.status): \(second.stdout) \(second.stderr)")
        #expect(second.stderr.contains(path) && second.stderr.contains("in use by another process"), "\(second.stderr)")
        #expect(!second.stdout.contains("listening on"))
        // The first server was not disturbed.
        #expect(first.process.isRunning)
        first.stop()
        // Released when the holder exits: the store opens again.
        let again = try AgentCLITests.Server(["--db", "sqlite:" + path])
        #expect(again.process.isRunning)
        // The store itself (it holds the token signing keys) is private too, whatever the umask.
        for file in [path, path + "-wal", path + "-shm"] {
            let m = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
            #expect(m == 0o600, "\(file): \(String(m ?? -1, radix: 8))")
        }
        again.stop()
        // The lock file is private.
        let mode = (try FileManager.default.attributesOfItem(atPath: path + ".lock")[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test func theLockIsExclusiveUntilReleased() throws {
        let dir = TempDir("lock")
        let path = dir.file("store.lock").path
        var held: ExclusiveFileLock? = try ExclusiveFileLock(path: path)
        #expect(throws: ExclusiveFileLock.Failure.held(path: path)) { try ExclusiveFileLock(path: path) }
        withExtendedLifetime(held) {}
        held = nil
        let next = try ExclusiveFileLock(path: path)
        #expect(next.path == path)
        // A path that cannot be opened is its own error, not "held".
        #expect(throws: ExclusiveFileLock.Failure.self) { try ExclusiveFileLock(path: dir.file("missing/dir/x.lock").path) }
        do { _ = try ExclusiveFileLock(path: dir.file("missing/dir/x.lock").path) } catch {
            if case .cannotOpen = error {} else { Issue.record("expected cannotOpen, got \(error)") }
        }
    }

    @Test func anEmptySQLitePathIsBadInput() throws {
        let r = try Run.hostattest(["serve", "--listen", "127.0.0.1:0", "--db", "sqlite:"])
        #expect(r.status == 2, "exit \(r.status): \(r.stderr)")
        #expect(r.stderr.contains("sqlite:PATH"))
    }
}
