import Foundation

/// Checks a VIB's payload members against its descriptor: presence and order, sizes, the `sha-256`
/// checksum over the member bytes and, when `deep`, the gunzip `sha-256`/`sha-1` checksums over the
/// decompressed stream. Members are hashed in place (no copies).
///
/// Bounded work: every lookup is by name in a dictionary (linear in the members), and a payload is
/// decompressed only after its member size and `sha-256` matched the descriptor, at most up to
/// ``decompressionLimit(for:memberSize:)`` bytes; decompression stops as soon as that is passed
/// (`vib.payload-too-large`). ``VIBVerifier`` asks for `deep` only once the signature verified.
public enum VIBPayloadCheck {
    /// Hard cap on one payload's decompressed size, declared or not (8 GiB).
    public static let maxDecompressedSize = 8 << 30
    /// Without an `uncompressed-size` attribute, a payload may inflate to at most this many times
    /// its member size (and never past ``maxDecompressedSize``).
    public static let maxExpansionRatio = 128

    /// How many bytes a payload may decompress to: its declared `uncompressed-size`, else
    /// ``maxExpansionRatio`` times the member size; never more than ``maxDecompressedSize``.
    public static func decompressionLimit(for payload: VIBDescriptor.Payload, memberSize: Int) -> Int {
        if let declared = payload.uncompressedSize { return min(declared, maxDecompressedSize) }
        let (ratio, overflow) = memberSize.multipliedReportingOverflow(by: maxExpansionRatio)
        return overflow ? maxDecompressedSize : min(ratio, maxDecompressedSize)
    }

    public static func check(_ vib: VIB, deep: Bool, component: String) -> VerificationReport {
        var decompressed = 0
        return check(vib, deep: deep, component: component, decompressed: &decompressed)
    }

    /// As ``check(_:deep:component:)``, adding to `decompressed` every byte inflated (for tests).
    static func check(_ vib: VIB, deep: Bool, component: String, decompressed: inout Int) -> VerificationReport {
        var report = VerificationReport()
        let members = vib.payloadMembers
        let declared = vib.descriptor.payloads
        let declaredNames = Set(declared.map(\.name))
        var memberByName: [String: ArArchive.Member] = [:]
        for member in members { memberByName[member.name] = member } // names are unique (VIB parsing checks)
        for member in members where !declaredNames.contains(member.name) {
            report.fail(.vibPayloadUnexpected, "archive member \"\(member.name)\" is not a payload named in descriptor.xml", component: component)
        }
        let presentInOrder = members.map(\.name).filter { declaredNames.contains($0) }
        let expectedOrder = declared.map(\.name).filter { memberByName[$0] != nil }
        if presentInOrder != expectedOrder {
            report.fail(.vibPayloadOrder, "payload members are in order \(presentInOrder) but descriptor.xml lists \(expectedOrder)", component: component)
        }
        for payload in declared {
            guard let member = memberByName[payload.name] else {
                report.fail(.vibPayloadMissing, "payload \"\(payload.name)\" named in descriptor.xml is not in the archive", component: component)
                continue
            }
            var sizeMatches = true
            if let size = payload.size {
                sizeMatches = size == member.size
                report.check(sizeMatches, pass: "payload \(payload.name): size \(size)",
                             fail: .vibPayloadSizeMismatch, "payload \"\(payload.name)\": descriptor size \(size), member size \(member.size)", component: component)
            }
            guard let expected = payload.sha256 else {
                report.fail(.vibChecksumMissing, "payload \"\(payload.name)\" has no sha-256 checksum in descriptor.xml", component: component)
                continue
            }
            let actual = vib.withMemberBytes(member) { buf -> [UInt8] in
                var h = DigestAlgorithm.sha256.hasher()
                h.update(buf)
                return h.finalize()
            }
            let checksumMatches = ConstantTime.equal(expected, actual)
            report.check(checksumMatches, pass: "payload \(payload.name): sha-256 \(actual.hex)",
                         fail: .vibChecksumMismatch, "payload \"\(payload.name)\" sha-256: expected \(expected.hex), actual \(actual.hex)", component: component)
            // Inflate only bytes the (signed) descriptor vouches for.
            if deep && checksumMatches && sizeMatches {
                report.merge(gunzipCheck(vib, member: member, payload: payload, component: component, decompressed: &decompressed))
            }
        }
        return report
    }

    static func gunzipCheck(_ vib: VIB, member: ArArchive.Member, payload: VIBDescriptor.Payload, component: String,
                            decompressed: inout Int) -> VerificationReport {
        var report = VerificationReport()
        guard payload.gunzipSHA256 != nil || payload.gunzipSHA1 != nil else {
            report.fail(.vibChecksumMissing, "payload \"\(payload.name)\" has no gunzip checksum in descriptor.xml", component: component)
            return report
        }
        if let declared = payload.uncompressedSize, declared > maxDecompressedSize {
            report.fail(.vibPayloadTooLarge, "payload \"\(payload.name)\" declares an uncompressed size of \(declared) bytes, more than the \(maxDecompressedSize) checked", component: component)
            return report
        }
        let limit = decompressionLimit(for: payload, memberSize: member.size)
        var sha256 = DigestAlgorithm.sha256.hasher()
        var sha1 = DigestAlgorithm.sha1.hasher()
        var produced = 0
        defer { decompressed += produced }
        do {
            try vib.withMemberBytes(member) { buf in
                try Gzip.decompress(buf, maxOutput: limit) { chunk in
                    produced += chunk.count
                    if payload.gunzipSHA256 != nil { sha256.update(chunk) }
                    if payload.gunzipSHA1 != nil { sha1.update(chunk) }
                }
            }
        } catch let error as ParseError where error.code == .gzipTooLarge {
            let bound = payload.uncompressedSize.map { "its declared uncompressed-size of \($0) bytes" }
                ?? "\(limit) bytes (\(maxExpansionRatio) times its \(member.size)-byte member; declare uncompressed-size to allow more)"
            report.fail(.vibPayloadTooLarge, "payload \"\(payload.name)\" decompresses to more than \(bound); decompression stopped", component: component)
            return report
        } catch {
            report.fail(.vibPayloadCorrupt, "payload \"\(payload.name)\" does not decompress: \(error)", component: component)
            return report
        }
        if let declared = payload.uncompressedSize, declared != produced {
            report.fail(.vibGunzipSizeMismatch, "payload \"\(payload.name)\" decompresses to \(produced) bytes, but descriptor.xml declares \(declared)", component: component)
        }
        if let expected = payload.gunzipSHA256 {
            let actual = sha256.finalize()
            report.check(ConstantTime.equal(expected, actual), pass: "payload \(payload.name): gunzip sha-256",
                         fail: .vibGunzipChecksumMismatch, "payload \"\(payload.name)\" gunzip sha-256: expected \(expected.hex), actual \(actual.hex)", component: component)
        }
        if let expected = payload.gunzipSHA1 {
            let actual = sha1.finalize()
            report.check(ConstantTime.equal(expected, actual), pass: "payload \(payload.name): gunzip sha-1",
                         fail: .vibGunzipChecksumMismatch, "payload \"\(payload.name)\" gunzip sha-1: expected \(expected.hex), actual \(actual.hex)", component: component)
        }
        return report
    }
}
