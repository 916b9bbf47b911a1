import Foundation
import Crypto

/// The hash algorithms hostattest measures and verifies with, with their TPM 2.0 algorithm IDs
/// (TCG Algorithm Registry, TPM_ALG_ID).
public enum DigestAlgorithm: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case sha1
    case sha256
    case sha384
    case sha512

    /// TPM_ALG_ID (TCG Algorithm Registry, table 3).
    public var tpmAlgorithmID: UInt16 {
        switch self {
        case .sha1: return 0x0004
        case .sha256: return 0x000B
        case .sha384: return 0x000C
        case .sha512: return 0x000D
        }
    }

    public init?(tpmAlgorithmID: UInt16) {
        guard let alg = Self.allCases.first(where: { $0.tpmAlgorithmID == tpmAlgorithmID }) else { return nil }
        self = alg
    }

    /// Accepts `sha1`, `sha-1`, `SHA256`, `sha-256`, … as written in CLI flags and YAML.
    public init?(name: String) {
        let n = name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        guard let alg = DigestAlgorithm(rawValue: n) else { return nil }
        self = alg
    }

    public var digestSize: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    public var description: String { rawValue }

    /// One-shot digest.
    public func hash<D: DataProtocol>(_ data: D) -> [UInt8] {
        switch self {
        case .sha1: return Array(Insecure.SHA1.hash(data: data))
        case .sha256: return Array(SHA256.hash(data: data))
        case .sha384: return Array(SHA384.hash(data: data))
        case .sha512: return Array(SHA512.hash(data: data))
        }
    }

    public func hasher() -> StreamingHasher { StreamingHasher(self) }
}

/// An incremental hash over any ``DigestAlgorithm``, for streamed input.
public struct StreamingHasher: Sendable {
    private enum State: Sendable {
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
        case sha384(SHA384)
        case sha512(SHA512)
    }

    private var state: State
    public let algorithm: DigestAlgorithm

    public init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha256: state = .sha256(SHA256())
        case .sha384: state = .sha384(SHA384())
        case .sha512: state = .sha512(SHA512())
        }
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        switch state {
        case .sha1(var h): h.update(bufferPointer: buffer); state = .sha1(h)
        case .sha256(var h): h.update(bufferPointer: buffer); state = .sha256(h)
        case .sha384(var h): h.update(bufferPointer: buffer); state = .sha384(h)
        case .sha512(var h): h.update(bufferPointer: buffer); state = .sha512(h)
        }
    }

    public mutating func update<D: DataProtocol>(_ data: D) {
        switch state {
        case .sha1(var h): h.update(data: data); state = .sha1(h)
        case .sha256(var h): h.update(data: data); state = .sha256(h)
        case .sha384(var h): h.update(data: data); state = .sha384(h)
        case .sha512(var h): h.update(data: data); state = .sha512(h)
        }
    }

    public func finalize() -> [UInt8] {
        switch state {
        case .sha1(let h): return Array(h.finalize())
        case .sha256(let h): return Array(h.finalize())
        case .sha384(let h): return Array(h.finalize())
        case .sha512(let h): return Array(h.finalize())
        }
    }
}
