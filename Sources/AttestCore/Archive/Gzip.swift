import Foundation

/// gzip (RFC 1952) through the system zlib (`libz.so.1`, from the zlib1g package that every Debian
/// system has). zlib is loaded with `dlopen` because the package has no zlib module map; the
/// `z_stream` record is laid out by hand for LP64 targets (Linux x86_64/aarch64), where it is 112 bytes.
/// If a `CZlib` system-library module is added to the package, only this file changes.
public enum Gzip {
    /// A decompression or compression failure.
    public static let structure = "gzip stream"

    /// Decompresses a gzip stream (one or more concatenated members), handing the output to `sink`
    /// in chunks of at most 256 KiB; nothing is accumulated. Throws ``ParseError`` for a corrupt or
    /// truncated stream, or when the output would exceed `maxOutput` bytes.
    public static func decompress(_ input: UnsafeRawBufferPointer, maxOutput: Int = 1 << 40,
                                  _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let z = try ZLib.library()
        let stream = ZStream()
        defer { stream.deallocate() }
        guard z.inflateInit2(stream.pointer, 16 + 15, z.version, Int32(ZStream.size)) == 0 else {
            throw ParseError(structure, "zlib inflateInit2 failed", code: "gzip.zlib")
        }
        defer { _ = z.inflateEnd(stream.pointer) }
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
            if stream.availIn == 0 && fed < input.count {
                let n = min(input.count - fed, Int(UInt32.max / 2))
                stream.nextIn = base + fed
                stream.availIn = UInt32(n)
                fed += n
            }
            stream.nextOut = out
            stream.availOut = UInt32(chunk)
            let rc = z.inflate(stream.pointer, 0)
            let got = chunk - Int(stream.availOut)
            if got > 0 {
                produced += got
                guard produced <= maxOutput else {
                    throw ParseError(structure, "decompressed size exceeds \(maxOutput) bytes", code: "gzip.too-large")
                }
                try sink(UnsafeRawBufferPointer(start: out, count: got))
            }
            let consumed = fed - Int(stream.availIn)
            switch rc {
            case 0: // Z_OK
                continue
            case 1: // Z_STREAM_END
                if consumed == input.count { return }
                memberStart = consumed
                guard z.inflateReset(stream.pointer) == 0 else {
                    throw ParseError(structure, at: consumed, "zlib inflateReset failed", code: "gzip.zlib")
                }
            case -5 where stream.availIn == 0 && fed == input.count: // Z_BUF_ERROR: needs more input
                throw ParseError(structure, at: input.count, "truncated: the gzip member starting at offset \(memberStart) does not end", code: "gzip.truncated")
            case -5:
                continue
            default:
                let message = stream.message ?? "error \(rc)"
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
        let z = try ZLib.library()
        let stream = ZStream()
        defer { stream.deallocate() }
        guard z.deflateInit2(stream.pointer, level, 8, 16 + 15, 8, 0, z.version, Int32(ZStream.size)) == 0 else {
            throw ParseError(structure, "zlib deflateInit2 failed", code: "gzip.zlib")
        }
        defer { _ = z.deflateEnd(stream.pointer) }
        var result: [UInt8] = []
        result.reserveCapacity(input.count / (level == 0 ? 1 : 2) + 1024)
        let chunk = 1 << 20
        let out = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { out.deallocate() }
        var fed = 0
        while true {
            if stream.availIn == 0 && fed < input.count, let base = input.baseAddress {
                let n = min(input.count - fed, 1 << 30)
                stream.nextIn = base + fed
                stream.availIn = UInt32(n)
                fed += n
            }
            stream.nextOut = out
            stream.availOut = UInt32(chunk)
            let flush: Int32 = fed == input.count ? 4 : 0 // Z_FINISH : Z_NO_FLUSH
            let rc = z.deflate(stream.pointer, flush)
            result.append(contentsOf: UnsafeRawBufferPointer(start: out, count: chunk - Int(stream.availOut)))
            if rc == 1 { return result }
            guard rc == 0 || rc == -5 else { throw ParseError(structure, "zlib deflate failed (\(rc))", code: "gzip.zlib") }
        }
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, level: level) }
    }
}

/// The `z_stream` record of zlib on LP64, in zeroed heap memory.
private struct ZStream {
    static let size = 112
    let pointer: UnsafeMutableRawPointer

    init() {
        pointer = UnsafeMutableRawPointer.allocate(byteCount: Self.size, alignment: 8)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: Self.size)
    }

    func deallocate() { pointer.deallocate() }

    var nextIn: UnsafeRawPointer? {
        get { pointer.load(fromByteOffset: 0, as: UnsafeRawPointer?.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: 0, as: UnsafeRawPointer?.self) }
    }
    var availIn: UInt32 {
        get { pointer.load(fromByteOffset: 8, as: UInt32.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: 8, as: UInt32.self) }
    }
    var nextOut: UnsafeMutableRawPointer? {
        get { pointer.load(fromByteOffset: 24, as: UnsafeMutableRawPointer?.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: 24, as: UnsafeMutableRawPointer?.self) }
    }
    var availOut: UInt32 {
        get { pointer.load(fromByteOffset: 32, as: UInt32.self) }
        nonmutating set { pointer.storeBytes(of: newValue, toByteOffset: 32, as: UInt32.self) }
    }
    var message: String? {
        guard let p = pointer.load(fromByteOffset: 48, as: UnsafePointer<CChar>?.self) else { return nil }
        return String(cString: p)
    }
}

/// Functions of the system zlib, resolved once.
private final class ZLib: @unchecked Sendable {
    typealias InflateInit2 = @convention(c) (UnsafeMutableRawPointer, Int32, UnsafePointer<CChar>, Int32) -> Int32
    typealias DeflateInit2 = @convention(c) (UnsafeMutableRawPointer, Int32, Int32, Int32, Int32, Int32, UnsafePointer<CChar>, Int32) -> Int32
    typealias Step = @convention(c) (UnsafeMutableRawPointer, Int32) -> Int32
    typealias End = @convention(c) (UnsafeMutableRawPointer) -> Int32
    typealias Version = @convention(c) () -> UnsafePointer<CChar>

    let inflateInit2: InflateInit2
    let inflate: Step
    let inflateEnd: End
    let inflateReset: End
    let deflateInit2: DeflateInit2
    let deflate: Step
    let deflateEnd: End
    let version: UnsafePointer<CChar>

    private static let loaded: Result<ZLib, ParseError> = {
        guard MemoryLayout<Int>.size == 8 else {
            return .failure(ParseError(Gzip.structure, "zlib binding supports 64-bit targets only", code: "gzip.zlib"))
        }
        guard let handle = dlopen("libz.so.1", RTLD_NOW) ?? dlopen("libz.so", RTLD_NOW) else {
            return .failure(ParseError(Gzip.structure, "cannot load libz.so.1 (install zlib1g)", code: "gzip.zlib"))
        }
        func sym<T>(_ name: String, _: T.Type) -> T? {
            guard let p = dlsym(handle, name) else { return nil }
            return unsafeBitCast(p, to: T.self)
        }
        guard let ii = sym("inflateInit2_", InflateInit2.self), let inf = sym("inflate", Step.self),
              let ie = sym("inflateEnd", End.self), let ir = sym("inflateReset", End.self),
              let di = sym("deflateInit2_", DeflateInit2.self), let def = sym("deflate", Step.self),
              let de = sym("deflateEnd", End.self), let ver = sym("zlibVersion", Version.self) else {
            return .failure(ParseError(Gzip.structure, "libz.so.1 lacks an expected function", code: "gzip.zlib"))
        }
        return .success(ZLib(inflateInit2: ii, inflate: inf, inflateEnd: ie, inflateReset: ir,
                             deflateInit2: di, deflate: def, deflateEnd: de, version: ver()))
    }()

    private init(inflateInit2: @escaping InflateInit2, inflate: @escaping Step, inflateEnd: @escaping End, inflateReset: @escaping End,
                 deflateInit2: @escaping DeflateInit2, deflate: @escaping Step, deflateEnd: @escaping End, version: UnsafePointer<CChar>) {
        self.inflateInit2 = inflateInit2; self.inflate = inflate; self.inflateEnd = inflateEnd; self.inflateReset = inflateReset
        self.deflateInit2 = deflateInit2; self.deflate = deflate; self.deflateEnd = deflateEnd; self.version = version
    }

    static func library() throws -> ZLib { try loaded.get() }
}
