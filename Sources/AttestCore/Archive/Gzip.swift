internal import CZlib
import Foundation

/// gzip (RFC 1952) through the system zlib (the `CZlib` module over zlib1g-dev).
public enum Gzip {
    /// A decompression or compression failure.
    public static let structure = "gzip stream"

    /// Decompresses a gzip stream (one or more concatenated members), handing the output to `sink`
    /// in chunks of at most 256 KiB; nothing is accumulated. Throws ``ParseError`` for a corrupt or
    /// truncated stream, or when the output would exceed `maxOutput` bytes.
    public static func decompress(_ input: UnsafeRawBufferPointer, maxOutput: Int = 1 << 40,
                                  _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard CZlib_inflateInit2(stream, 16 + 15) == Z_OK else {
            throw ParseError(structure, "zlib inflateInit2 failed", code: "gzip.zlib")
        }
        defer { _ = inflateEnd(stream) }
        let chunk = 256 * 1024
        let out = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { out.deallocate() }
        guard let base = input.baseAddress, input.count > 0 else {
            throw ParseError(structure, at: 0, "empty input", code: "gzip.truncated")
        }
        var fed = 0
        var produced = 0
        var memberStart = 0
        while true {
            if stream.pointee.avail_in == 0 && fed < input.count {
                let n = min(input.count - fed, Int(UInt32.max / 2))
                stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + fed).assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = UInt32(n)
                fed += n
            }
            stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(chunk)
            let rc = inflate(stream, Z_NO_FLUSH)
            let got = chunk - Int(stream.pointee.avail_out)
            if got > 0 {
                produced += got
                guard produced <= maxOutput else {
                    throw ParseError(structure, "decompressed size exceeds \(maxOutput) bytes", code: "gzip.too-large")
                }
                try sink(UnsafeRawBufferPointer(start: out, count: got))
            }
            let consumed = fed - Int(stream.pointee.avail_in)
            switch rc {
            case Z_OK:
                continue
            case Z_STREAM_END:
                if consumed == input.count { return }
                memberStart = consumed
                guard inflateReset(stream) == Z_OK else {
                    throw ParseError(structure, at: consumed, "zlib inflateReset failed", code: "gzip.zlib")
                }
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && fed == input.count: // needs more input
                throw ParseError(structure, at: input.count, "truncated: the gzip member starting at offset \(memberStart) does not end", code: "gzip.truncated")
            case Z_BUF_ERROR:
                continue
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw ParseError(structure, at: consumed, "corrupt data: \(message)", code: "gzip.corrupt")
            }
        }
    }

    public static func decompress(_ input: [UInt8], maxOutput: Int = 1 << 32) throws -> [UInt8] {
        var out: [UInt8] = []
        try input.withUnsafeBytes { buf in
            try decompress(buf, maxOutput: maxOutput) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Compresses `input` into one gzip member. `level` 0 stores (fast, no compression), 1–9 deflate.
    public static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 6) throws -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard CZlib_deflateInit2(stream, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            throw ParseError(structure, "zlib deflateInit2 failed", code: "gzip.zlib")
        }
        defer { _ = deflateEnd(stream) }
        var result: [UInt8] = []
        result.reserveCapacity(input.count / (level == 0 ? 1 : 2) + 1024)
        let chunk = 1 << 20
        let out = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { out.deallocate() }
        var fed = 0
        while true {
            if stream.pointee.avail_in == 0 && fed < input.count, let base = input.baseAddress {
                let n = min(input.count - fed, 1 << 30)
                stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + fed).assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = UInt32(n)
                fed += n
            }
            stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(chunk)
            let flush = fed == input.count ? Z_FINISH : Z_NO_FLUSH
            let rc = deflate(stream, flush)
            result.append(contentsOf: UnsafeRawBufferPointer(start: out, count: chunk - Int(stream.pointee.avail_out)))
            if rc == Z_STREAM_END { return result }
            guard rc == Z_OK || rc == Z_BUF_ERROR else { throw ParseError(structure, "zlib deflate failed (\(rc))", code: "gzip.zlib") }
        }
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, level: level) }
    }
}
