import AttestCore
@testable import AttestTPM
import Testing
import TestSupport
import Foundation

@Suite struct TPMSpecTests {
    @Test(arguments: [
        ("soft:/tmp/x.json", TPMSpec.software(path: "/tmp/x.json")),
        ("swtpm:host=127.0.0.1,port=2321", .tss(tcti: "swtpm:host=127.0.0.1,port=2321")),
        ("swtpm", .tss(tcti: "swtpm")),
        ("mssim:host=localhost,port=2321", .tss(tcti: "mssim:host=localhost,port=2321")),
        ("device:/dev/tpmrm0", .tss(tcti: "device:/dev/tpmrm0")),
        ("tabrmd:bus_type=session", .tss(tcti: "tabrmd:bus_type=session")),
        ("tcti:libtpms", .tss(tcti: "libtpms")),
    ])
    func parses(_ text: String, _ expected: TPMSpec) throws {
        #expect(try TPMSpec(parsing: text) == expected)
    }

    /// Every malformed spec is refused with `tpm.bad-spec`, before any TCTI is loaded.
    @Test(arguments: [
        "", "soft:", "tcti:", "nonsense:foo", "swtpm:port=abc", "swtpm:port=0", "swtpm:port=65535", "swtpm:port=99999",
        "swtpm:host=1.2.3.4,port", "swtpm:colour=blue", "mssim:port=-1", "device:relative/path", "swtpm:port=1\n",
        String(repeating: "a", count: 5000),
    ])
    func refusesMalformed(_ text: String) {
        #expect {
            _ = try TPMSpec(parsing: text)
        } throws: { ($0 as? TPMError)?.code == "tpm.bad-spec" }
    }

    @Test func resolvesOptionThenEnvironmentThenDefault() throws {
        #expect(try TPMSpec.resolve("soft:/a", environment: ["HOSTATTEST_TPM": "soft:/b"]) == .software(path: "/a"))
        #expect(try TPMSpec.resolve(nil, environment: ["HOSTATTEST_TPM": "soft:/b"]) == .software(path: "/b"))
        #expect(try TPMSpec.resolve(nil, environment: ["HOME": "/home/u"]) == .software(path: "/home/u/.local/state/hostattest/software-tpm.json"))
        #expect(try TPMSpec.resolve(nil, environment: ["XDG_STATE_HOME": "/s", "HOME": "/home/u"]) == .software(path: "/s/hostattest/software-tpm.json"))
    }

    @Test func pcrSelectionParses() throws {
        let s = try PCRSelectionParser.parse("sha256:0,4,7+sha1:all")
        #expect(s.selections.count == 2)
        #expect(s.selections[0].hash == .sha256 && s.selections[0].indices == [0, 4, 7])
        #expect(s.selections[1].indices == Array(0..<24))
    }

    @Test(arguments: ["", "sha256", "sha256:", "md5:0", "sha256:24", "sha256:-1", "sha256:0,0", "sha256:1+sha256:2", "sha256:0;1", "sha256:x"])
    func pcrSelectionRefusals(_ text: String) {
        #expect {
            _ = try PCRSelectionParser.parse(text)
        } throws: { ($0 as? TPMError)?.code == "tpm.bad-selection" }
    }
}

/// Children started by tests hold no descriptor of the test process beyond stdin, stdout and stderr.
@Suite struct ChildDescriptorTests {
    @Test func childrenInheritOnlyStandardDescriptors() throws {
        let fd = open("/dev/null", O_RDONLY)  // deliberately without O_CLOEXEC
        defer { close(fd) }
        let r = try Run.process("/bin/ls", ["/proc/self/fd"])
        let fds = r.stdout.split(separator: "\n").compactMap { Int($0) }
        // ls itself holds one descriptor for the directory it lists.
        #expect(fds.filter { $0 > 2 }.count <= 1, "\(fds)")
    }
}
