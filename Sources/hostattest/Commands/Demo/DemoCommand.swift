import ArgumentParser
import Foundation

/// `hostattest demo`: the whole product end to end, driven the way a user drives it (this executable
/// run as a child for every step), in a work folder removed at the end. Prints a table of outcomes.
/// Exit 0 every step as expected, 1 some outcome differed (named), 2 setup errors (no sample
/// images, a server that does not start).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the end-to-end demo: sign, verify, predict, serve, boot and attest good, tampered, replayed and upgraded hosts.",
        discussion: """
        In a temporary folder, with SQLite and software TPMs (and a swtpm through tpm2-tss when swtpm and swtpm_setup are installed):
        1 a key chain (keys init); 2 the sample image signed with it; 3 verify image; 4 baseline predict + sign;
        5 serve on a free loopback port (baseline uploaded); 6 a good host booted and attested: admitted, token verified;
        7 a tampered VIB booted --measure-only: rejected, the VIB named; 8 an admitted request replayed: rejected (nonce.reused);
        9 a rolling upgrade: image v2's baseline beside v1's, both admitted, then v1 retired and rejected;
        10 the v2 image on a swtpm: admitted (or "skipped: swtpm not installed").
        Exit 0 if every step behaved as expected, 1 if any did not (named), 2 setup errors.
        The signed-boot-chain walk-through is Scripts/demo.sh (make walkthrough).
        """)

    @Option(name: .long, help: "The repository's Images folder (default: found above the executable or in the current folder).") var images: String?
    @Option(name: .long, help: "Keep the work folder at DIR (new or empty) instead of a temporary folder removed at the end.") var keep: String?
    /// Fault injection, to prove the demo fails when an outcome differs: `untampered-vib` makes step 7 boot its
    /// image untouched and in enforce mode, so that host is admitted.
    @Option(name: .long, help: .hidden) var fault: Fault?
    @OptionGroup var out: OutputOptions

    enum Fault: String, ExpressibleByArgument { case untamperedVIB = "untampered-vib" }

    func run() async throws {
        let paths: DemoPaths
        do { paths = try DemoPaths.resolve(images: images) } catch let e as DemoError { throw CLIError(e.description) }
        let cleanup = DemoCleanup()
        cleanup.installSignalHandlers()
        let work = try workFolder(cleanup)
        defer { cleanup.finish() }
        let context = DemoContext(paths: paths, work: work, child: DemoChild(logs: work.appendingPathComponent("logs"), cleanup: cleanup), cleanup: cleanup)
        let json = out.json
        func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        say("hostattest demo: work folder \(work.path)" + (keep == nil ? " (removed at the end)" : " (kept)"))
        let report: DemoReport
        do {
            report = try await DemoRun(context: context, fault: fault, progress: say).run()
        } catch let e as DemoError {
            throw CLIError("demo: \(e.description)" + (keep == nil ? "" : " (logs in \(work.path))"))
        }
        cleanup.parkIfInterrupted()
        try Output.emit(report, json: json) { "\n" + report.table }
        if report.verdict != "verified" { throw ExitCode.rejected }
    }

    /// `--keep DIR` (created; must be empty), else a fresh temporary folder removed at the end.
    private func workFolder(_ cleanup: DemoCleanup) throws -> URL {
        let fm = FileManager.default
        if let keep {
            let url = URL(fileURLWithPath: keep).standardizedFileURL
            if let entries = try? fm.contentsOfDirectory(atPath: url.path), !entries.isEmpty {
                throw CLIError("--keep \(keep): the folder is not empty")
            }
            do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch { throw CLIError("--keep \(keep): cannot create the folder: \(error.localizedDescription)") }
            return url
        }
        let url = fm.temporaryDirectory.appendingPathComponent("hostattest-demo-\(UUID().uuidString.prefix(12))")
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
            throw CLIError("cannot create a work folder in \(fm.temporaryDirectory.path): \(error.localizedDescription)")
        }
        cleanup.removeAtEnd(url)
        return url
    }
}
