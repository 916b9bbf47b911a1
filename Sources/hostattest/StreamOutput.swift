import Foundation

/// Buffered writes to standard output, for commands whose output grows with their input
/// (`eventlog show`): each record is written as it is formatted, so memory stays at one record and
/// one 64 KiB buffer instead of the whole document.
final class StreamOutput {
    private var buffer: [UInt8] = []
    private let flushAt = 1 << 16

    init() { buffer.reserveCapacity(flushAt + 4096) }

    deinit { flush() }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= flushAt { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// `value` as pretty-printed JSON (``Output/encoder``), every line after the first indented by
    /// `indent` spaces so it nests inside a document written piece by piece.
    static func json<T: Encodable>(_ value: T, indent: Int) throws -> String {
        let text = String(decoding: try Output.encoder.encode(value), as: UTF8.self)
        return text.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: indent))
    }

    /// A JSON string literal (quotes and escapes as JSONEncoder writes them).
    static func jsonString(_ text: String) throws -> String {
        try json([text], indent: 0).dropFirst().dropLast().trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
