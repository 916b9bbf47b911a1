import Foundation

/// What a finished process printed and how it exited.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutBytes: Data
}

public enum ToolError: Error, CustomStringConvertible {
    case missing(String)
    public var description: String {
        switch self {
        case .missing(let tool):
            return "required tool '\(tool)' is not installed: run `make test`, which installs the system packages"
        }
    }
}

public enum Run {
    /// Runs an executable (searched on PATH unless it contains a slash) and waits for it.
    /// Standard input is /dev/null unless `stdin` is given. Never hangs forever: `timeout` kills it.
    @discardableResult
    public static func process(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                               environment: [String: String]? = nil, currentDirectory: URL? = nil,
                               timeout: TimeInterval = 300) throws -> ProcessResult {
        let path = try resolve(executable)
        let p = Process()
        // Through bash, which closes every inherited descriptor above 2 before exec: Foundation's
        // Process lets some through (its own socket), and a child holding another test's pipe or socket
        // keeps that test from ever seeing EOF.
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", closeInheritedDescriptors, path] + arguments
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        if let currentDirectory { p.currentDirectoryURL = currentDirectory }
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        let inPipe = Pipe()
        p.standardInput = stdin == nil ? FileHandle.nullDevice : inPipe
        try p.run()
        if let stdin {
            inPipe.fileHandleForWriting.write(stdin)
            try? inPipe.fileHandleForWriting.close()
        }
        // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { outData = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate(); kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        group.wait()
        return ProcessResult(status: p.terminationStatus,
                             stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self),
                             stdoutBytes: outData)
    }

    /// Closes descriptors above 2 (listed from /proc/self/fd), then execs "$0" "$@".
    static let closeInheritedDescriptors = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; case "$n" in 0|1|2) ;; *) eval "exec $n>&-" 2>/dev/null ;; esac; done; exec "$0" "$@""#

    /// Full path of a tool on PATH; throws a clear error (never skips) when it is missing.
    public static func resolve(_ tool: String) throws -> String {
        if tool.contains("/") { return tool }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolError.missing(tool)
    }

    /// The built `hostattest` executable (`swift build` puts it beside the test bundle).
    public static var hostattestPath: String {
        if let explicit = ProcessInfo.processInfo.environment["HOSTATTEST_BIN"] { return explicit }
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [bundleDir, bundleDir.deletingLastPathComponent(), Fixtures.packageRoot.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent("hostattest").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return Fixtures.packageRoot.appendingPathComponent(".build/debug/hostattest").path
    }

    /// Runs `hostattest` with arguments.
    @discardableResult
    public static func hostattest(_ arguments: [String], stdin: Data? = nil, timeout: TimeInterval = 600) throws -> ProcessResult {
        try process(hostattestPath, arguments, stdin: stdin, timeout: timeout)
    }
}
