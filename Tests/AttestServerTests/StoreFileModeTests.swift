import AttestIO
import AttestServer
import Foundation
import Testing
import TestSupport

/// The SQLite store holds the token signing keys (and the audit trail): its database, WAL and
/// shared-memory files are owner-only (0600) whatever the umask, an existing store readable by others
/// is narrowed when it is opened, and a symbolic link or a non-regular file at the store's path is
/// refused before SQLite touches it.
@Suite struct StoreFileModeTests {
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    @Test func aNewStoreAndItsWALAreOwnerOnlyUnderAPermissiveUmask() async throws {
        let dir = TempDir("store-mode")
        let path = dir.file("attest.db").path
        // The test process's umask (usually 022) would leave SQLite's files 0644.
        let store = try SQLiteStore(path: path)
        #expect(store.tightened.isEmpty)
        try await store.insertSigningKey(SigningKeyRecord(kid: "k1", privateKeyPEM: "-----BEGIN PRIVATE KEY-----", createdAt: Date(), retired: false))
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file)")
            #expect(Self.mode(file) == 0o600, "\(file): \(String(Self.mode(file) ?? -1, radix: 8))")
        }
    }

    @Test func anExistingStoreReadableByOthersIsNarrowedWhenOpened() async throws {
        let dir = TempDir("store-mode-old")
        let path = dir.file("attest.db").path
        do {
            let store = try SQLiteStore(path: path)
            try await store.insertSigningKey(SigningKeyRecord(kid: "k1", privateKeyPEM: "pem", createdAt: Date(), retired: false))
        }
        // As a store made before this check, or by a careless copy, would be.
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(chmod(file, 0o644) == 0)
        }
        let reopened = try SQLiteStore(path: path)
        #expect(reopened.tightened.map(\.path).contains(path))
        #expect(reopened.tightened.allSatisfy { $0.from == 0o644 && $0.to == 0o600 })
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(Self.mode(file) == 0o600, "\(file)")
        }
        // Nothing was lost by narrowing.
        #expect(try await reopened.signingKeys().map(\.kid) == ["k1"])
    }

    @Test func aSymbolicLinkAtTheStorePathIsRefusedAndItsTargetUntouched() throws {
        let dir = TempDir("store-mode-link")
        let target = dir.file("elsewhere.db").path
        #expect(FileManager.default.createFile(atPath: target, contents: Data(), attributes: [.posixPermissions: 0o644]))
        let link = dir.file("attest.db").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: OwnerOnlyFile.Failure.self) { try SQLiteStore(path: link) }
        #expect(Self.mode(target) == 0o644)
        #expect((try? FileManager.default.attributesOfItem(atPath: target)[.size] as? NSNumber)?.intValue == 0)
        // A dangling link is refused too (nothing is created at its target).
        let dangling = dir.file("dangling.db").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: dir.file("nowhere.db").path)
        #expect(throws: OwnerOnlyFile.Failure.self) { try SQLiteStore(path: dangling) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("nowhere.db").path))
    }

    @Test func somethingOtherThanARegularFileIsRefused() throws {
        let dir = TempDir("store-mode-kinds")
        let fifo = dir.file("fifo.db").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opened without blocking, then refused as not a regular file (never a hang on the FIFO).
        #expect(throws: OwnerOnlyFile.Failure.notRegular(path: fifo)) { try OwnerOnlyFile.prepare(fifo) }
        let directory = dir.file("dir.db").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        #expect(throws: OwnerOnlyFile.Failure.self) { try SQLiteStore(path: directory) }
        // A symbolic link as a companion (a planted -wal) is refused as well.
        let db = dir.file("a.db").path
        try FileManager.default.createSymbolicLink(atPath: db + "-wal", withDestinationPath: dir.file("x").path)
        #expect(throws: OwnerOnlyFile.Failure.self) { try OwnerOnlyFile.prepare(db, companions: ["-wal"]) }
    }
}
