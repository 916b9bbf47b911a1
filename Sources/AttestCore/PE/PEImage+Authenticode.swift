import Foundation

extension PEImage {
    /// Bytes hashed per step. Large enough for full hashing speed, small enough that a caller
    /// releasing pages after each step keeps the resident set small.
    public static let hashChunkSize = 8 << 20

    /// The Authenticode digests of the image (Windows Authenticode PE Signature Format, "Calculating
    /// the PE Image Hash"): headers without CheckSum and the certificate-table directory entry,
    /// section data in PointerToRawData order, then any data after the last section except the
    /// certificate table. One pass over the bytes computes every requested algorithm.
    ///
    /// `onRangeHashed` is called after each chunk with its file range (for progress, or for a caller
    /// that memory-mapped the file to release the pages it no longer needs).
    public func authenticodeDigests(_ algorithms: [DigestAlgorithm], onRangeHashed: ((Range<Int>) -> Void)? = nil) -> [DigestAlgorithm: [UInt8]] {
        let hasher = AuthenticodeHasher(algorithms)
        bytes.withUnsafeBytes { raw in
            for range in authenticodeRanges {
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(range.upperBound, start + Self.hashChunkSize)
                    hasher.update(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    onRangeHashed?(start..<end)
                    start = end
                }
            }
        }
        return hasher.finalize()
    }

    /// One Authenticode digest.
    public func authenticodeDigest(_ algorithm: DigestAlgorithm, onRangeHashed: ((Range<Int>) -> Void)? = nil) -> [UInt8] {
        authenticodeDigests([algorithm], onRangeHashed: onRangeHashed)[algorithm] ?? []
    }

    /// Number of bytes the Authenticode digest covers.
    public var authenticodeHashedByteCount: Int { authenticodeRanges.reduce(0) { $0 + $1.count } }

    /// The PE checksum the file should carry (the algorithm of `CheckSumMappedFile`: a 16-bit
    /// one's-complement sum of the file's little-endian words with the CheckSum field taken as zero,
    /// plus the file length).
    public var computedChecksum: UInt32 {
        Self.checksum(of: bytes, checksumOffset: checksumOffset)
    }

    /// PE checksum of arbitrary bytes whose CheckSum field sits at `checksumOffset`.
    public static func checksum(of data: Data, checksumOffset: Int) -> UInt32 {
        var wide: UInt64 = 0
        data.withUnsafeBytes { raw in
            let count = raw.count
            var i = 0
            // Sum 16-bit words eight bytes at a time; a plain 64-bit sum folded at the end equals
            // the end-around-carry sum.
            var lanes: UInt64 = 0
            var pending = 0
            while i + 8 <= count {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                lanes &+= (w & 0x0000_FFFF_0000_FFFF) &+ ((w >> 16) & 0x0000_FFFF_0000_FFFF)
                pending += 1
                if pending == 0x7FFF {
                    wide &+= (lanes & 0xFFFF_FFFF) &+ (lanes >> 32)
                    lanes = 0
                    pending = 0
                }
                i += 8
            }
            wide &+= (lanes & 0xFFFF_FFFF) &+ (lanes >> 32)
            while i + 2 <= count {
                wide &+= UInt64(raw[i]) | UInt64(raw[i + 1]) << 8
                i += 2
            }
            if i < count { wide &+= UInt64(raw[i]) }
            // Take the CheckSum field's bytes out again.
            for k in 0..<4 where checksumOffset + k < count && checksumOffset + k >= 0 {
                let o = checksumOffset + k
                wide &-= UInt64(raw[o]) << (8 * UInt64(o & 1))
            }
        }
        while wide >> 16 != 0 { wide = (wide & 0xFFFF) + (wide >> 16) }
        return UInt32(truncatingIfNeeded: wide) &+ UInt32(truncatingIfNeeded: data.count)
    }
}
