internal import CZlib
import Foundation

/// gzip (RFC 1952) through the system zlib (the `CZlib` module). Streaming in both directions:
/// decompression hands its output to a closure in chunks and never accumulates it.
public enum Gzip {
    /// The structure name in errors.
    public static let structure = "gzip stream"

    /// Decompresses a gzip stream (one or more concatenated members), handing the output to `sink`
    /// in chunks of at most 256 KiB. Throws ``ParseError`` for a corrupt or truncated stream, or when
    /// the output would exceed `maxOutput` bytes.
    public static func decompress(_ input: UnsafeRawBufferPointer, maxOutput: Int = 1 << 40,
                                  _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else {
            throw ParseError(structure, at: 0, "empty input", code: .gzipTruncated)
        }
        var stream = z_stream()
        guard CZlib_inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK else {
            throw ParseError(structure, "zlib inflateInit2 failed", code: .gzipZlib)
        }
        defer { inflateEnd(&stream) }
        let chunk = 256 * 1024
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { out.deallocate() }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var fed = 0
        var produced = 0
        var memberStart = 0
        while true {
            if stream.avail_in == 0 && fed < input.count {
                let n = min(input.count - fed, Int(UInt32.max / 2))
                stream.next_in = UnsafeMutablePointer(mutating: bytes + fed)
                stream.avail_in = UInt32(n)
                fed += n
            }
            stream.next_out = out
            stream.avail_out = UInt32(chunk)
            let rc = inflate(&stream, Z_NO_FLUSH)
            let got = chunk - Int(stream.avail_out)
            if got > 0 {
                produced += got
                guard produced <= maxOutput else {
                    throw ParseError(structure, "decompressed size exceeds \(maxOutput) bytes", code: .gzipTooLarge)
                }
                try sink(UnsafeRawBufferPointer(start: out, count: got))
            }
            let consumed = fed - Int(stream.avail_in)
            switch rc {
            case Z_OK:
                continue
            case Z_STREAM_END:
                if consumed == input.count { return }
                memberStart = consumed
                guard inflateReset(&stream) == Z_OK else {
                    throw ParseError(structure, at: consumed, "zlib inflateReset failed", code: .gzipZlib)
                }
            case Z_BUF_ERROR where stream.avail_in == 0 && fed == input.count:
                throw ParseError(structure, at: input.count, "truncated: the gzip member starting at offset \(memberStart) does not end", code: .gzipTruncated)
            case Z_BUF_ERROR:
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw ParseError(structure, at: consumed, "corrupt data: \(message)", code: .gzipCorrupt)
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
        var stream = z_stream()
        guard CZlib_deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK else {
            throw ParseError(structure, "zlib deflateInit2 failed", code: .gzipZlib)
        }
        defer { deflateEnd(&stream) }
        var result: [UInt8] = []
        result.reserveCapacity(Int(deflateBound(&stream, UInt(input.count))))
        let chunk = 1 << 20
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { out.deallocate() }
        var fed = 0
        while true {
            if stream.avail_in == 0 && fed < input.count, let base = input.baseAddress {
                let n = min(input.count - fed, 1 << 30)
                stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self) + fed)
                stream.avail_in = UInt32(n)
                fed += n
            }
            stream.next_out = out
            stream.avail_out = UInt32(chunk)
            let rc = deflate(&stream, fed == input.count ? Z_FINISH : Z_NO_FLUSH)
            result.append(contentsOf: UnsafeBufferPointer(start: out, count: chunk - Int(stream.avail_out)))
            if rc == Z_STREAM_END { return result }
            guard rc == Z_OK || rc == Z_BUF_ERROR else { throw ParseError(structure, "zlib deflate failed (\(rc))", code: .gzipZlib) }
        }
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, level: level) }
    }
}
