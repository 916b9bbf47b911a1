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

    /// Writes `value` as pretty-printed JSON (``Output/encoder``), every line after the first
    /// indented by `indent` spaces so it nests inside a document written piece by piece.
    func writeJSON<T: Encodable>(_ value: T, indent: Int) throws {
        let data = try Output.encoder.encode(value)
        let pad = [UInt8](repeating: UInt8(ascii: " "), count: indent)
        buffer.reserveCapacity(buffer.count + data.count + data.count / 8)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var start = 0
            // Copy line by line (memchr finds each newline), inserting the indent after each.
            while start < raw.count, let found = memchr(base + start, 0x0A, raw.count - start) {
                let end = UnsafeRawPointer(found) - base + 1
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                buffer.append(contentsOf: pad)
                start = end
            }
            if start < raw.count { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start...])) }
        }
        if buffer.count >= flushAt { flush() }
    }
}
