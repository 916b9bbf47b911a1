import AsyncHTTPClient
import Foundation
import Hummingbird
import TestSupport

/// `hostattest serve` as a real process on a loopback port chosen by the kernel (`--listen 127.0.0.1:0`).
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let output = Pipe()

    init(arguments: [String], timeout: TimeInterval = 60) throws {
        process.executableURL = URL(fileURLWithPath: Run.hostattestPath)
        process.arguments = ["serve", "--listen", "127.0.0.1:0"] + arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read stdout until the "listening on" line (bounded by the timeout).
        let handle = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        var found: Int? = nil
        while found == nil && Date() < deadline && process.isRunning {
            let chunk = handle.availableData
            if chunk.isEmpty { usleep(20_000); continue }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on 127.0.0.1:") }),
               let p = Int(line.dropFirst("listening on 127.0.0.1:".count).prefix { $0.isNumber }) {
                found = p
            }
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            throw TestError("hostattest serve did not start: \(text)")
        }
        port = found
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// An API client over real HTTP.
    var api: API {
        let base = baseURL
        return API { method, uri, headers, body in
            var request = HTTPClientRequest(url: base + uri)
            request.method = .init(rawValue: method.rawValue)
            for field in headers { request.headers.add(name: field.name.canonicalName, value: field.value) }
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let buffer = try await response.body.collect(upTo: 8 << 20)
            return (Int(response.status.code), buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [],
                    response.headers.first(name: "content-type"))
        }
    }
}
