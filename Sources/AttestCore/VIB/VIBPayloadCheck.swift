import Foundation

/// Checks a VIB's payload members against its descriptor: presence and order, sizes, the `sha-256`
/// checksum over the member bytes and, when `deep`, the gunzip `sha-256`/`sha-1` checksums over the
/// decompressed stream. Members are hashed in place (no copies).
public enum VIBPayloadCheck {
    public static func check(_ vib: VIB, deep: Bool, component: String) -> VerificationReport {
        var report = VerificationReport()
        let members = vib.payloadMembers
        let declared = vib.descriptor.payloads
        let declaredNames = declared.map(\.name)
        for member in members where !declaredNames.contains(member.name) {
            report.fail("vib.payload-unexpected", "archive member \"\(member.name)\" is not a payload named in descriptor.xml", component: component)
        }
        let presentInOrder = members.map(\.name).filter { declaredNames.contains($0) }
        let expectedOrder = declaredNames.filter { presentInOrder.contains($0) }
        if presentInOrder != expectedOrder {
            report.fail("vib.payload-order", "payload members are in order \(presentInOrder) but descriptor.xml lists \(expectedOrder)", component: component)
        }
        for payload in declared {
            guard let member = members.first(where: { $0.name == payload.name }) else {
                report.fail("vib.payload-missing", "payload \"\(payload.name)\" named in descriptor.xml is not in the archive", component: component)
                continue
            }
            if let size = payload.size {
                report.check(size == member.size, pass: "payload \(payload.name): size \(size)",
                             fail: "vib.payload-size-mismatch", "payload \"\(payload.name)\": descriptor size \(size), member size \(member.size)", component: component)
            }
            guard let expected = payload.sha256 else {
                report.fail("vib.checksum-missing", "payload \"\(payload.name)\" has no sha-256 checksum in descriptor.xml", component: component)
                continue
            }
            let actual = vib.withMemberBytes(member) { buf -> [UInt8] in
                var h = DigestAlgorithm.sha256.hasher()
                h.update(buf)
                return h.finalize()
            }
            report.check(ConstantTime.equal(expected, actual), pass: "payload \(payload.name): sha-256 \(actual.hex)",
                         fail: "vib.checksum-mismatch", "payload \"\(payload.name)\" sha-256: expected \(expected.hex), actual \(actual.hex)", component: component)
            if deep {
                report.merge(gunzipCheck(vib, member: member, payload: payload, component: component))
            }
        }
        return report
    }

    static func gunzipCheck(_ vib: VIB, member: ArArchive.Member, payload: VIBDescriptor.Payload, component: String) -> VerificationReport {
        var report = VerificationReport()
        guard payload.gunzipSHA256 != nil || payload.gunzipSHA1 != nil else {
            report.fail("vib.checksum-missing", "payload \"\(payload.name)\" has no gunzip checksum in descriptor.xml", component: component)
            return report
        }
        var sha256 = DigestAlgorithm.sha256.hasher()
        var sha1 = DigestAlgorithm.sha1.hasher()
        do {
            try vib.withMemberBytes(member) { buf in
                try Gzip.decompress(buf) { chunk in
                    if payload.gunzipSHA256 != nil { sha256.update(chunk) }
                    if payload.gunzipSHA1 != nil { sha1.update(chunk) }
                }
            }
        } catch {
            report.fail("vib.payload-corrupt", "payload \"\(payload.name)\" does not decompress: \(error)", component: component)
            return report
        }
        if let expected = payload.gunzipSHA256 {
            let actual = sha256.finalize()
            report.check(ConstantTime.equal(expected, actual), pass: "payload \(payload.name): gunzip sha-256",
                         fail: "vib.gunzip-checksum-mismatch", "payload \"\(payload.name)\" gunzip sha-256: expected \(expected.hex), actual \(actual.hex)", component: component)
        }
        if let expected = payload.gunzipSHA1 {
            let actual = sha1.finalize()
            report.check(ConstantTime.equal(expected, actual), pass: "payload \(payload.name): gunzip sha-1",
                         fail: "vib.gunzip-checksum-mismatch", "payload \"\(payload.name)\" gunzip sha-1: expected \(expected.hex), actual \(actual.hex)", component: component)
        }
        return report
    }
}
