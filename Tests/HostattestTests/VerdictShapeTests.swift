import Foundation
import Testing
import TestSupport

/// Every command that verifies something answers `--json` in one shape: `verdict` (`verified` or
/// `refused`), `verified` (a Boolean) and, where it has one report, `report` with `failures`,
/// `passed` and `warnings`.
@Suite struct VerdictShapeTests {
    static func root(_ p: String) -> String { Fixtures.packageRoot.appendingPathComponent(p).path }

    static func object(_ args: [String]) throws -> (Int32, [String: Any]) {
        let r = try Run.hostattest(args + ["--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdoutBytes) as? [String: Any], "\(args): \(r.stderr)")
        return (r.status, json)
    }

    @Test func verifyingCommandsShareTheVerdictShape() throws {
        let trust = Self.root("Keys/demo/trust.json")
        let dir = TempDir("verdict-shape")
        let cases: [[String]] = [
            ["verify", "pe", Self.root("Images/demo-host/bootx64.efi"), "--trust", trust],
            ["verify", "vib", Self.root("Images/demo-host/vibs/net-demo-nic.vib"), "--trust", trust],
            ["verify", "image", Self.root("Images/demo-host"), "--profile", Self.root("Manifests/demo-host.profile.json"), "--trust", trust],
            ["boot", Self.root("Images/demo-host"), "--profile", Self.root("Manifests/demo-host.profile.json"), "--trust", trust,
             "--predict", "--eventlog", dir.file("predicted.bin").path],
        ]
        for args in cases {
            let (status, json) = try Self.object(args)
            #expect(status == 0, "\(args)")
            #expect(json["verdict"] as? String == "verified", "\(args)")
            #expect(json["verified"] as? Bool == true, "\(args)")
            #expect(json["valid"] == nil, "\(args)")
            if args[0] == "verify" {
                let report = try #require(json["report"] as? [String: Any], "\(args)")
                #expect(report["failures"] is [Any] && report["passed"] is [Any] && report["warnings"] is [Any], "\(args)")
            }
        }
        // A refusal has the same shape.
        let (status, json) = try Self.object(["verify", "pe", Self.root("Images/demo-host/build/kernel.unsigned.efi"), "--trust", trust])
        #expect(status == 1)
        #expect(json["verdict"] as? String == "refused" && json["verified"] as? Bool == false)
        #expect(((json["report"] as? [String: Any])?["failures"] as? [[String: Any]])?.first?["code"] as? String == "authenticode.unsigned")
    }
}
