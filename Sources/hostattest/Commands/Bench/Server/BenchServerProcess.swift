import Foundation

/// `hostattest serve` started by `bench server` as a child process (this same executable): SQLite in
/// a temporary directory, a free loopback port, software TPMs allowed, the bench's throwaway baseline
/// CA trusted. Its own process, so its RSS and CPU time can be read from /proc.
final class BenchServerProcess {
    let process = Process()
    let url: String
    let adminToken: String
    let directory: URL

    /// `memoryStore`: the child keeps everything in memory (`--db memory`) instead of SQLite.
    /// `commitDelayMs`: the child's `--commit-delay-ms` (nil: its default).
    init(caPEM: String, synchronous: String, commitDelayMs: Double? = nil, memoryStore: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostattest-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let ca = directory.appendingPathComponent("baseline-ca.pem")
        try Data(caPEM.utf8).write(to: ca)
        adminToken = "bench-" + UUID().uuidString
        let tokenFile = directory.appendingPathComponent("admin-token")
        try Files.write(Data(adminToken.utf8), to: tokenFile.path, mode: 0o600)

        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--db", memoryStore ? "memory" : "sqlite:" + directory.appendingPathComponent("bench.db").path,
                             "--sqlite-synchronous", synchronous, "--allow-software-tpm", "--baseline-trust", ca.path,
                             "--admin-token-file", tokenFile.path, "--nonce-lifetime", "60"]
            + (commitDelayMs.map { ["--commit-delay-ms", String($0)] } ?? [])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var text = ""
        var port: Int?
        let prefix = "listening on 127.0.0.1:"
        while port == nil, Date() < deadline, process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { usleep(20_000); continue }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                port = Int(line.dropFirst(prefix.count).prefix { $0.isNumber })
            }
        }
        guard let port else {
            if process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(at: directory)
            throw CLIError("bench server: the child server did not start listening within 60 s: \(text.prefix(400))")
        }
        url = "http://127.0.0.1:\(port)"
    }

    var pid: Int32 { process.processIdentifier }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
