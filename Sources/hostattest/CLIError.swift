import AttestCore
import AttestIO
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

    /// Writes atomically: a temporary file beside `path` is created exclusively with `mode` (so a
    /// private key is never readable by others, not even briefly), written, synced and renamed over
    /// `path`. Private keys pass `mode: 0o600`.
    static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        do { try AtomicFile.write(data, to: path, mode: mode) } catch { throw CLIError.file(path, error.problem) }
    }
}
