import Foundation
import Testing
import TestSupport
@testable import AttestCore

@Suite struct ProfileTests {
    static func sample() throws -> ImageProfile {
        let vib = try VIB(bytes: try VIBTestChain.unsignedVIB())
        return try ImageProfile.create(
            name: "demo", version: "1.0", hostAcceptance: .partner,
            bootloader: ("bootx64.efi", Data([1, 2, 3]), [UInt8](repeating: 0xaa, count: 32)),
            kernel: ("kernel.efi", Data([4, 5, 6]), [UInt8](repeating: 0xbb, count: 32)),
            bootConfig: ("boot.cfg", Array("kernel=kernel.efi\nkernelopt=quiet console=ttyS0\nmodules=a.vgz --- b.vgz\n".utf8)),
            vibs: [("vibs/net.vib", vib)])
    }

    @Test func roundTripsThroughCanonicalJSON() throws {
        let p = try Self.sample()
        let bytes = p.encoded()
        #expect(try ImageProfile(jsonBytes: bytes) == p)
        #expect(p.encoded() == bytes)
        #expect(p.bootConfig.kernelOptions == "quiet console=ttyS0")
        #expect(p.bootConfig.modules == ["a.vgz", "b.vgz"])
        #expect(p.vibs.first?.name == "net-demo")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"format\" : \"hostattest-image-profile/1\""))
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
        ("missing vibs", mutated { $0["vibs"] = nil }, "profile.malformed"),
        ("unknown level", mutated { $0["hostAcceptance"] = "gold" }, "profile.malformed"),
        ("short digest", mutated { var b = $0["bootloader"] as! [String: Any]; b["sha256"] = "abcd"; $0["bootloader"] = b }, "profile.malformed"),
        ("duplicate VIB", mutated { let v = $0["vibs"] as! [Any]; $0["vibs"] = v + v }, "profile.duplicate-vib"),
        ("too large", [UInt8](repeating: 0x20, count: (16 << 20) + 1), "profile.too-large"),
    ]

    @Test(arguments: malformed)
    func malformedProfileThrows(_ m: MalformedCase) {
        let c = m.t
        do {
            _ = try ImageProfile(jsonBytes: c.1)
            Issue.record("\(c.0): parsed")
        } catch let e as ParseError {
            #expect(e.code == c.2, "\(c.0): \(e)")
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
