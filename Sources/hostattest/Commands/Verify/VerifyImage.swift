import ArgumentParser
import AttestCore
import AttestIO
import Foundation

/// `hostattest verify image`: the whole host image against its signed profile, in boot order.
struct VerifyImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Verify a host image (bootx64.efi, boot.cfg and every file boot.cfg loads) against its signed profile.",
        discussion: """
        Walks the chain as the host boots it: profile signature (PROFILE.json.p7s) → bootloader bootx64.efi
        (Authenticode, platform anchors) → boot.cfg → vendor certificate in the bootloader → the kernel boot.cfg
        names (prefix + kernel) → every module boot.cfg names (prefix + module), in load order, each matched to the
        profile binding at its position: a VIB by file and descriptor (signature, chain, acceptance level against the
        profile's host level, payload checksums), any other module by its SHA-256. Files nothing loads are noted.
        Symlinks, FIFOs, devices, directories and paths leaving the image are refused before they are opened.
        Exit 0 verified, 1 refused (every component is listed with its verdict and reasons), 2 bad input.
        """)

    @Argument(help: "The image directory.") var imageDir: String
    @Option(name: .long, help: "The image profile (its signature is read from PROFILE.p7s).") var profile: String
    @Option(name: .long, help: "The profile signature, default PROFILE.p7s.") var signature: String?
    @Option(name: .long, help: "trust.json, or certificate file(s) trusted for every role.") var trust: [String] = []
    @Flag(name: .long, help: "Also check the VIB payloads' gunzip checksums.") var deep = false
    @OptionGroup var time: CheckTimeOptions
    @OptionGroup var out: OutputOptions

    func run() throws {
        let anchors = try TrustLoader.load(trust)
        let result = try ImageVerificationRun.run(imageDir: imageDir, profile: profile, signature: signature, trust: anchors,
                                                  dbx: try DBXLoader.denyList(anchors), time: try time.rule(), deep: deep).verification
        try Output.emitVerdict(result, verified: result.isValid, json: out.json) { Self.describe(result) }
        if !result.isValid { throw ExitCode.rejected }
    }

    static func describe(_ r: ImageVerification) -> String {
        var lines = [r.isValid ? "VERIFIED: image \(r.image) matches \(r.profile)" : "REFUSED: image \(r.image) (\(r.report.failures.count) check(s) failed)"]
        for c in r.components {
            let reason = c.verdict == .verified ? Self.reason(c.passed).map { " — \($0)" } ?? "" : ""
            lines.append("  \(c.verdict == .verified ? "✓" : "✗") \(c.kind): \(c.name)\(reason)")
            for f in c.failures { lines.append("      [\(f.code)] \(f.message)") }
        }
        for n in r.notes { lines.append("  note: [\(n.code)] \(n.component ?? ""): \(n.message)") }
        return lines.joined(separator: "\n")
    }

    /// The check that best says why a component was accepted: who signed it, else what matched.
    static func reason(_ passed: [String]) -> String? {
        passed.first { $0.hasPrefix("signed by") || $0.hasPrefix("profile signed by") }
            ?? passed.first { $0.hasPrefix("chain to trust anchor") }
            ?? passed.last
    }
}

/// The PE/Authenticode implementation behind `verify image` and `profile create`.
enum BootVerifiers {
    static func current(_ trust: TrustAnchors) throws -> any BootComponentVerifier {
        AuthenticodeBootVerifier(dbx: try DBXLoader.denyList(trust))
    }
}

extension CLIError {
    /// An image file that could not be read or was refused, named by its path: `DIR/FILE: [code] problem`.
    static func image(_ dir: String, _ e: ImageInputError) -> CLIError {
        let path = e.file.isEmpty ? dir : URL(fileURLWithPath: dir).appendingPathComponent(e.file).path
        return CLIError("\(path): [\(e.code)] \(e.error)")
    }
}

/// A ProgressBar updated from several threads.
final class LockedProgress: @unchecked Sendable {
    private let bar: ProgressBar
    private let lock = NSLock()
    init(_ bar: ProgressBar) { self.bar = bar }
    func update(_ done: Int) { lock.lock(); bar.update(done); lock.unlock() }
    func finish() { lock.lock(); bar.finish(); lock.unlock() }
}
