import ArgumentParser
import AttestAgent
import AttestCore
import AttestTPM
import AttestWire
import Foundation

/// `hostattest attest`: the agent. Enrolls on first use, then challenge → quote → attest; prints the
/// verdict with its reasons. Exit 0 admitted, 1 rejected, 2 errors (server unreachable or refusing,
/// TPM, files).
struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Attest this host to an attestation server (enrolling on first use) and print the verdict.",
        discussion: """
        First use: POST /v1/hosts with the TPM's EK (and its NV certificate) and AK, TPM2_ActivateCredential of
        the answer, POST /v1/hosts/{id}/activate; the host id is kept in --state (0700; agent.json 0600).
        Each round: a challenge nonce, a quote of sha256 PCRs 0-23 with the AK, and POST of the quote, the PCR
        values and --eventlog; the verdict and every reason are printed, --token-out gets the EAR token (0600).
        --interval N re-attests every N seconds forever, retrying with exponential backoff and jitter while the
        server is unreachable. Outbound HTTP(S) only: the agent needs no inbound port.
        Exit 0 admitted, 1 rejected, 2 errors (unreachable server without --interval, a problem document from
        the server: its code and detail are printed, TPM or file errors).
        """)

    @Option(name: .long, help: "The attestation server, http(s)://HOST:PORT.") var server: String
    @OptionGroup var tpmOptions: TPMOptions
    @Option(name: .long, help: "The TCG event log of this boot (e.g. /sys/kernel/security/tpm0/binary_bios_measurements).") var eventlog: String
    @Option(name: .long, help: "The group to enroll in (its baselines appraise this host).") var group: String = "default"
    @Option(name: .long, help: "The host name to enroll as (default: this machine's host name).") var name: String?
    @Option(name: .long, help: "Agent state directory (default: beside a soft: TPM's state, else ~/.hostattest-agent).") var state: String?
    @Option(name: .long, help: "Write the EAR token of an admitted host here (0600).") var tokenOut: String?
    @Option(name: .long, help: "Re-attest every SECONDS, forever (retrying with backoff while the server is unreachable).") var interval: Double?
    @Option(name: .long, help: .hidden) var maxRounds: Int?
    @Option(name: .long, help: .hidden) var backoffBase: Double = 1
    /// Writes the last attestation request as sent (JSON, 0600): `hostattest demo` replays it to show a used nonce refused.
    @Option(name: .long, help: .hidden) var requestOut: String?
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if let interval { guard interval.isFinite, (1...86_400).contains(interval) else { throw ValidationError("--interval must be 1–86400 seconds") } }
        if let maxRounds { guard maxRounds >= 1 else { throw ValidationError("--max-rounds must be at least 1") } }
        guard backoffBase.isFinite, (0...60).contains(backoffBase) else { throw ValidationError("--backoff-base must be 0–60 seconds") }
    }

    struct Result: Encodable {
        var status: String; var host: String; var attestation: String; var enrolled: Bool; var baseline: String?
        var findings: [WireFinding]; var notes: [String]; var tokenOut: String?
    }

    func run() async throws {
        let client: AttestClient
        do { client = try AttestClient(server: server) } catch let e as AgentError { throw CLIError("--server: \(e)") }
        let spec = try TPMCLI.wrap { try TPMSpec.resolve(tpmOptions.tpm, environment: ProcessInfo.processInfo.environment) }
        let agent = Agent(tpm: try tpmOptions.open(), client: client, store: AgentStateStore(directory: URL(fileURLWithPath: stateDirectory(spec))),
                          name: try hostName(), group: group)
        var backoff = Backoff(base: backoffBase, cap: max(backoffBase, min(300, interval ?? 300)))
        var rounds = 0
        var last: Verdict.Status? = nil
        while true {
            rounds += 1
            let finalRound = interval == nil || rounds == maxRounds
            do {
                // The event log is read anew each round (a long-running agent sees the host's current log).
                let log = try Files.readBytes(eventlog)
                let round = try await TPMCLI.wrapAsync { try await agent.attest(eventLog: log) }
                backoff.reset()
                last = round.verdict.status
                try report(round)
            } catch let e as AgentError {
                last = nil
                guard interval != nil, e.isTransient, !finalRound else { throw CLIError("\(server): \(e)") }
                let delay = backoff.next()
                Output.warn("\(server): \(e); retrying in \(String(format: "%.1f", delay)) s")
                try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                continue
            }
            if finalRound { break }
            try await Task.sleep(nanoseconds: UInt64(interval! * 1e9))
        }
        if last == .rejected { throw ExitCode.rejected }
    }

    private func report(_ round: Agent.Round) throws {
        let v = round.verdict
        if let tokenOut, let token = v.token { try Files.write(Data((token + "\n").utf8), to: tokenOut, mode: 0o600) }
        if let requestOut { try Files.write(try JSONEncoder().encode(round.request), to: requestOut, mode: 0o600) }
        let result = Result(status: v.status.rawValue, host: v.hostId, attestation: v.attestationId, enrolled: round.enrolled,
                            baseline: v.baseline, findings: v.findings, notes: v.notes, tokenOut: v.token == nil ? nil : tokenOut)
        try Output.emit(result, json: out.json) {
            var lines: [String] = []
            if round.enrolled { lines.append("enrolled as host \(v.hostId) in group \(group)") }
            lines.append("\(v.status.rawValue): host \(v.hostId), attestation \(v.attestationId)" + (v.baseline.map { ", baseline \($0)" } ?? ""))
            for f in v.findings { lines.append("  ✗ [\(f.code)] \(f.message)") }
            for n in v.notes { lines.append("  note: \(n)") }
            if let tokenOut, v.token != nil { lines.append("  token written to \(tokenOut)") }
            return lines.joined(separator: "\n")
        }
    }

    /// --state, else beside a soft: TPM's state file (one agent per software TPM), else ~/.hostattest-agent.
    private func stateDirectory(_ spec: TPMSpec) -> String {
        if let state { return state }
        if case .software(let path) = spec { return path + ".agent" }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".hostattest-agent").path
    }

    /// --name, else this machine's host name reduced to what the server accepts (A–Z a–z 0–9 - _ .).
    private func hostName() throws -> String {
        if let name { return name }
        let allowed = ProcessInfo.processInfo.hostName.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        guard !allowed.isEmpty else { throw CLIError("this machine's host name is not usable as a host name; pass --name") }
        return String(allowed.prefix(253))
    }
}

extension TPMCLI {
    /// ``wrap(_:)`` for async work: a ``TPMError`` becomes a CLIError (exit 2) with its code.
    static func wrapAsync<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as TPMError { throw CLIError(e.description) }
    }
}
