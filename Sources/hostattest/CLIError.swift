import AttestCore
import Foundation

/// Bad input or an environment problem. Always exits 2 with a message that names the file.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    /// A problem with a named file.
    static func file(_ path: String, _ problem: String) -> CLIError {
        CLIError("\(path): \(problem)")
    }

    /// Wraps a parser error with the file it came from.
    static func parse(_ path: String, _ error: Error) -> CLIError {
        CLIError("\(path): \(error)")
    }
}

/// File access for commands. Commands gather bytes here and hand them to AttestCore.
enum Files {
    /// Reads a whole file; large files are memory-mapped so they are not copied into the heap.
    static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError.file(path, "no such file")
        }
        guard !isDirectory.boolValue else { throw CLIError.file(path, "is a directory, expected a file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: [.alwaysMapped])
        } catch {
            throw CLIError.file(path, "cannot read: \(error.localizedDescription)")
        }
    }

    static func readBytes(_ path: String) throws -> [UInt8] { Array(try read(path)) }

    static func readText(_ path: String) throws -> String {
        let data = try read(path)
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError.file(path, "is not UTF-8 text") }
        return text
    }

    /// Writes atomically. Private keys pass `mode: 0o600`; the mode is set before any byte is written.
    static func write(_ data: Data, to path: String, mode: Int = 0o644) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil, attributes: [.posixPermissions: mode]) else {
            throw CLIError.file(path, "cannot create file in \(dir.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try handle.write(contentsOf: data)
            try handle.close()
            _ = try FileManager.default.replaceItemAt(url, withItemAt: tmp)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw CLIError.file(path, "cannot write: \(error.localizedDescription)")
        }
    }
}
