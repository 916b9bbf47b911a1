import Foundation
import Testing
import TestSupport
@testable import AttestCore

@Suite struct ProfileTests {
    static func sample() throws -> ImageProfile {
        var image = MemoryImage()
        image.files["a.vgz"] = [1, 2, 3]
        image.files["b.vgz"] = [4, 5, 6]
        image.files["vibs/net.vib"] = try VIBTestChain.unsignedVIB()
        image.bootConfig = Array("kernel=kernel.efi\nkernelopt=quiet console=ttyS0\nmodules=a.vgz --- b.vgz --- vibs/net.vib\n".utf8)
        let chain = try VIBTestChain.get()
        return try ImageProfile.create(name: "demo", version: "1.0", hostAcceptance: .partner, image: image.contents,
                                       boot: StubBootVerifier(vendor: try chain.cert(chain.root)))
    }

    @Test func roundTripsThroughCanonicalJSON() throws {
        let p = try Self.sample()
        let bytes = p.encoded()
        #expect(try ImageProfile(jsonBytes: bytes) == p)
        #expect(p.encoded() == bytes)
        #expect(p.bootConfig.kernelOptions == "quiet console=ttyS0")
        #expect(p.bootConfig.modules == ["a.vgz", "b.vgz", "vibs/net.vib"])
        #expect(p.modules.map(\.kind) == [.file, .file, .vib])
        #expect(p.vibs.first?.binding.name == "net-demo")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"format\" : \"hostattest-image-profile/2\""))
    }

    static func mutated(_ f: (inout [String: Any]) -> Void) -> [UInt8] {
        guard let p = try? sample(), var obj = (try? JSONSerialization.jsonObject(with: Data(p.encoded()))) as? [String: Any] else { return [] }
        f(&obj)
        return Array((try? JSONSerialization.data(withJSONObject: obj)) ?? Data())
    }

    static let malformed = malformedTable.map(MalformedCase.init)
    static let malformedTable: [(String, [UInt8], String)] = [
        ("empty", [], "profile.malformed"),
        ("not JSON", Array("{".utf8), "profile.malformed"),
        ("array", Array("[]".utf8), "profile.malformed"),
        ("wrong format", mutated { $0["format"] = "hostattest-image-profile/9" }, "profile.format"),
        ("missing modules", mutated { $0["modules"] = nil }, "profile.malformed"),
        ("outdated format", mutated { $0["format"] = "hostattest-image-profile/1" }, "profile.format-outdated"),
        ("unsafe kernel path", mutated { var k = $0["kernel"] as! [String: Any]; k["path"] = "../k.efi"; $0["kernel"] = k }, "profile.path-unsafe"),
        ("unsafe module path", mutated { var m = $0["modules"] as! [[String: Any]]; m[0]["path"] = "/etc/x"; $0["modules"] = m }, "profile.path-unsafe"),
        ("vib binding on a file", mutated { var m = $0["modules"] as! [[String: Any]]; m[0]["vib"] = m[2]["vib"]; $0["modules"] = m }, "profile.module-kind"),
        ("file kind on a .vib", mutated { var m = $0["modules"] as! [[String: Any]]; m[2]["kind"] = "file"; $0["modules"] = m }, "profile.module-kind"),
        ("unknown kind", mutated { var m = $0["modules"] as! [[String: Any]]; m[0]["kind"] = "script"; $0["modules"] = m }, "profile.malformed"),
        ("short module digest", mutated { var m = $0["modules"] as! [[String: Any]]; m[1]["sha256"] = "ab"; $0["modules"] = m }, "profile.malformed"),
        ("unknown level", mutated { $0["hostAcceptance"] = "gold" }, "profile.malformed"),
        ("short digest", mutated { var b = $0["bootloader"] as! [String: Any]; b["sha256"] = "abcd"; $0["bootloader"] = b }, "profile.malformed"),
        ("duplicate VIB", mutated { let m = $0["modules"] as! [[String: Any]]; $0["modules"] = m + [m[2]] }, "profile.duplicate-vib"),
        ("too large", [UInt8](repeating: 0x20, count: (16 << 20) + 1), "profile.too-large"),
    ]

    @Test(arguments: malformed)
    func malformedProfileThrows(_ m: MalformedCase) {
        let c = m.t
        do {
            _ = try ImageProfile(jsonBytes: c.1)
            Issue.record("\(c.0): parsed")
        } catch let e as ParseError {
            #expect(e.code.rawValue == c.2, "\(c.0): \(e)")
        } catch {
            Issue.record("\(c.0): \(error)")
        }
    }

    @Test func bootConfigRejectsGarbage() {
        #expect(throws: ParseError.self) { try BootConfig(bytes: Array("no equals sign here\n".utf8)) }
        #expect(throws: ParseError.self) { try BootConfig(bytes: [0xff, 0xfe]) }
        #expect(throws: ParseError.self) { try BootConfig(bytes: [UInt8](repeating: 0x61, count: 70_000)) }
    }

    @Test func fuzzNeverTraps() throws {
        var rng = SplitMix64(seed: 0x9F0F)
        let base = try Self.sample().encoded()
        for _ in 0..<2000 { ImageProfile.fuzz(rng.mutate(base)) }
        let cfg = Array("kernel=k\nkernelopt=a b\nmodules=x --- y\n".utf8)
        for _ in 0..<1000 { BootConfig.fuzz(rng.mutate(cfg)) }
    }
}
