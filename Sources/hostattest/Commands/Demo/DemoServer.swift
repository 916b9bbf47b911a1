import AsyncHTTPClient
import Foundation
import NIOCore

/// `hostattest serve` as a child of the demo, on a loopback port the kernel picks (`--listen
/// 127.0.0.1:0`: the server binds first and then prints the port, so no other process can take it
/// in between). Its stdout and stderr go to `server.log` in the work folder; the demo waits for the
/// "listening on" line and for `/healthz`, and stops it on every exit path.
final class DemoServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL
    let adminToken: String
    private let cleanup: DemoCleanup

    var url: String { "http://127.0.0.1:\(port)" }

    struct StartFailed: Error, CustomStringConvertible { var description: String }

    /// Starts the server (up to three attempts); throws ``StartFailed`` with the log's tail.
    static func start(executable: String, arguments: [String], log: URL, adminToken: String, cleanup: DemoCleanup) async throws -> DemoServer {
        var last = "the server did not start"
        for attempt in 1...3 {
            let attemptLog = attempt == 1 ? log : log.deletingPathExtension().appendingPathExtension("\(attempt).log")
            FileManager.default.createFile(atPath: attemptLog.path, contents: nil)
            let handle = try FileHandle(forWritingTo: attemptLog)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = handle
            p.standardError = handle
            cleanup.parkIfInterrupted()
            try p.run()
            try? handle.close()
            cleanup.started(p)
            if let port = await waitForPort(p, log: attemptLog) {
                let server = DemoServer(process: p, port: port, log: attemptLog, adminToken: adminToken, cleanup: cleanup)
                if await server.healthy() { return server }
                last = "the server on port \(port) never answered /healthz"
            } else {
                last = "the server printed no \"listening on\" line: " + tail(attemptLog)
            }
            if p.isRunning { DemoCleanup.stop(p.processIdentifier) }
            p.waitUntilExit()
            cleanup.ended(p)
        }
        throw StartFailed(description: last)
    }

    private init(process: Process, port: Int, log: URL, adminToken: String, cleanup: DemoCleanup) {
        self.process = process; self.port = port; self.log = log; self.adminToken = adminToken; self.cleanup = cleanup
    }

    /// The port of "listening on 127.0.0.1:PORT", within 60 seconds, while the server runs.
    private static func waitForPort(_ p: Process, log: URL) async -> Int? {
        let deadline = Date().addingTimeInterval(60)
        let prefix = "listening on 127.0.0.1:"
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
               let port = Int(line.dropFirst(prefix.count).prefix { $0.isNumber }), (1...65535).contains(port) {
                return port
            }
            guard p.isRunning else { return nil }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return nil
    }

    static func tail(_ log: URL) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(3).joined(separator: " | ")
    }

    /// `GET /healthz` answers 200 within 30 seconds.
    func healthy() async -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning {
            if let answer = try? await request(.get, "/healthz", admin: false), answer.0 == 200 { return true }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return false
    }

    /// One HTTP request to the server (30 s timeout, answers up to 1 MiB): status and body.
    enum Method { case get, post, delete }

    func request(_ method: Method, _ path: String, body: Data? = nil, admin: Bool) async throws -> (Int, Data) {
        var r = HTTPClientRequest(url: url + path)
        switch method {
        case .get: r.method = .GET
        case .post: r.method = .POST
        case .delete: r.method = .DELETE
        }
        r.headers.add(name: "accept", value: "application/json")
        if admin { r.headers.add(name: "authorization", value: "Bearer \(adminToken)") }
        if let body {
            r.headers.add(name: "content-type", value: "application/json")
            r.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(r, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Data(buffer.readableBytesView))
    }

    func stop() {
        if process.isRunning { DemoCleanup.stop(process.processIdentifier) }
        process.waitUntilExit()
        cleanup.ended(process)
    }
}
