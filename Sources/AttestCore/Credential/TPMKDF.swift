import Crypto

/// The key derivation functions of TPM 2.0 (TPM 2.0 Part 1, 11.4.10).
public enum TPMKDF {
    /// KDFa (Part 1, 11.4.10.2): SP800-108 counter-mode KDF with HMAC over `hash`:
    /// K(i) = HMAC(key, [i]₃₂ ‖ label ‖ 00 ‖ contextU ‖ contextV ‖ [bits]₃₂), concatenated and cut to
    /// `bits` (the label's terminating NUL is added unless `label` already ends with one).
    public static func kdfa(_ hash: DigestAlgorithm, key: [UInt8], label: String, contextU: [UInt8], contextV: [UInt8], bits: Int) -> [UInt8] {
        let byteCount = (bits + 7) / 8
        var labelBytes = Array(label.utf8)
        if labelBytes.last != 0 { labelBytes.append(0) }
        var out: [UInt8] = []
        out.reserveCapacity(byteCount + hash.digestSize)
        var counter: UInt32 = 1
        while out.count < byteCount {
            var msg = TPMWriter(capacity: 8 + labelBytes.count + contextU.count + contextV.count)
            msg.u32(counter)
            msg.raw(labelBytes)
            msg.raw(contextU)
            msg.raw(contextV)
            msg.u32(UInt32(truncatingIfNeeded: bits))
            out += hmac(hash, key: key, msg.bytes)
            counter &+= 1
        }
        return maskTop(Array(out.prefix(byteCount)), bits: bits)
    }

    /// KDFe (Part 1, 11.4.10.3): SP800-56A concatenation KDF:
    /// K(i) = H([i]₃₂ ‖ Z ‖ label ‖ 00 ‖ partyUInfo ‖ partyVInfo), concatenated and cut to `bits`.
    public static func kdfe(_ hash: DigestAlgorithm, z: [UInt8], label: String, partyUInfo: [UInt8], partyVInfo: [UInt8], bits: Int) -> [UInt8] {
        let byteCount = (bits + 7) / 8
        var labelBytes = Array(label.utf8)
        if labelBytes.last != 0 { labelBytes.append(0) }
        var out: [UInt8] = []
        var counter: UInt32 = 1
        while out.count < byteCount {
            var msg = TPMWriter(capacity: 4 + z.count + labelBytes.count + partyUInfo.count + partyVInfo.count)
            msg.u32(counter)
            msg.raw(z)
            msg.raw(labelBytes)
            msg.raw(partyUInfo)
            msg.raw(partyVInfo)
            out += hash.hash(msg.bytes)
            counter &+= 1
        }
        return maskTop(Array(out.prefix(byteCount)), bits: bits)
    }

    private static func maskTop(_ bytes: [UInt8], bits: Int) -> [UInt8] {
        guard bits % 8 != 0, !bytes.isEmpty else { return bytes }
        var b = bytes
        b[0] &= UInt8((1 << (bits % 8)) - 1)
        return b
    }

    /// HMAC over any supported hash.
    public static func hmac(_ hash: DigestAlgorithm, key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        let k = SymmetricKey(data: key)
        switch hash {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: k))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: k))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: k))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: k))
        }
    }
}
