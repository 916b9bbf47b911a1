import Foundation
import Testing
import TestSupport

/// The TPM backends the acceptance tests run on: hostattest's own software TPM (`soft:PATH`), and a
/// swtpm reached through tpm2-tss (`swtpm:host=127.0.0.1,port=P`), manufactured by a test CA.
enum AcceptanceBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case soft, swtpm
    var testDescription: String { rawValue }
}

/// One host's machine for the acceptance tests: its TPM (a software TPM state file, or a swtpm of its
/// own with its own state directory and ports), what it booted, and the agent's state for each server.
/// Everything the host side does goes through the product: `hostattest boot`, `attest`, `quote`,
/// `tpm info`, `tpm reset`.
final class AcceptanceMachine: @unchecked Sendable {
    let backend: AcceptanceBackend
    let dir = TempDir("acceptance-host")
    private(set) var swtpm: SWTPM?

    /// `manufacturer`: who certifies a swtpm's EK (ignored for the software TPM, which has its own CA).
    init(_ backend: AcceptanceBackend, manufacturer: SWTPMManufacturer?) throws {
        self.backend = backend
        if backend == .swtpm { swtpm = try SWTPM(manufacturer: manufacturer) }
    }

    deinit { swtpm?.stop() }

    var spec: String {
        switch backend {
        case .soft: return "soft:\(dir.file("tpm.json").path)"
        case .swtpm: return "swtpm:host=127.0.0.1,port=\(swtpm!.port)"
        }
    }

    func log(_ name: String) -> String { dir.file("\(name).log").path }
    func state(_ server: String) -> String { dir.file("agent-\(server)").path }

    /// `hostattest boot` of `image` into this TPM, writing the event log `log`.
    func boot(_ image: AcceptanceTests.Copy, log: String, measureOnly: Bool = false) throws {
        let r = try Run.hostattest(["boot", image.image, "--profile", image.profile, "--trust", image.trust, "--tpm", spec,
                                    "--eventlog", log, "--timeout", "60"] + (measureOnly ? ["--measure-only"] : []))
        #expect(r.status == 0, "boot \(backend): \(r.stdout) \(r.stderr)")
    }

    /// The TPM's resetCount (`hostattest tpm info --json`).
    func resetCount() throws -> UInt32 {
        struct Info: Decodable { struct Clock: Decodable { var resetCount: UInt32 }; var clockInfo: Clock }
        let r = try Run.hostattest(["tpm", "info", "--tpm", spec, "--timeout", "60", "--json"])
        guard r.status == 0, let info = try? JSONDecoder().decode(Info.self, from: r.stdoutBytes) else {
            throw AcceptanceError("tpm info \(backend): \(r.stdout) \(r.stderr)")
        }
        return info.clockInfo.resetCount
    }

    /// A power cycle: `hostattest tpm reset` for the software TPM; for swtpm, the simulator stopped and
    /// started again on the same state (TPM2_Startup(CLEAR)). PCRs go back to their reset values.
    func reboot() throws {
        switch backend {
        case .soft:
            let r = try Run.hostattest(["tpm", "reset", "--tpm", spec])
            guard r.status == 0 else { throw AcceptanceError("tpm reset: \(r.stdout) \(r.stderr)") }
        case .swtpm:
            swtpm = try swtpm!.restarted()
        }
    }

    /// A copy of the TPM's persistent state (for swtpm, taken while it is stopped; it is started again,
    /// which is a power cycle).
    func snapshot() throws -> TempDir {
        let copy = TempDir("acceptance-tpm-snapshot")
        switch backend {
        case .soft:
            try FileManager.default.copyItem(atPath: dir.file("tpm.json").path, toPath: copy.file("tpm.json").path)
        case .swtpm:
            let sw = swtpm!
            sw.stop()
            try Self.copyContents(of: sw.stateDirectory.url, to: copy.url)
            swtpm = try SWTPM(state: sw.stateDirectory)
        }
        return copy
    }

    /// Puts a snapshot back (the state rollback an attacker with the disk can do) and powers the TPM on.
    func restore(_ snapshot: TempDir) throws {
        switch backend {
        case .soft:
            let state = dir.file("tpm.json")
            try FileManager.default.removeItem(at: state)
            try FileManager.default.copyItem(at: snapshot.file("tpm.json"), to: state)
            try reboot()
        case .swtpm:
            let sw = swtpm!
            sw.stop()
            for f in try FileManager.default.contentsOfDirectory(atPath: sw.stateDirectory.path) where f.hasPrefix("tpm2-") {
                try FileManager.default.removeItem(at: sw.stateDirectory.file(f))
            }
            try Self.copyContents(of: snapshot.url, to: sw.stateDirectory.url)
            swtpm = try SWTPM(state: sw.stateDirectory)
        }
    }

    /// The TPM state files (swtpm's `tpm2-00.permall`, …), not its log or pid file.
    private static func copyContents(of from: URL, to: URL) throws {
        for f in try FileManager.default.contentsOfDirectory(atPath: from.path) where f.hasPrefix("tpm2-") || f == "tpm.json" {
            try FileManager.default.copyItem(at: from.appendingPathComponent(f), to: to.appendingPathComponent(f))
        }
    }
}
