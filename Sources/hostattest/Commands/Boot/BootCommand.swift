import ArgumentParser
import AttestCore
import AttestIO
import AttestTPM
import Foundation

/// `hostattest boot`: measured boot of a host image into a TPM (or, with `--predict`, the log and
/// PCR values a good boot produces, without a TPM).
struct BootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boot",
        abstract: "Measured boot: verify each component of a host image in boot order and extend it into the TPM, writing the event log.",
        discussion: """
        Verifies the image as `verify image` does, then measures in boot order (see the README's PCR map): the
        Secure Boot policy into PCR 7, the bootloader and kernel (Authenticode digests) into PCR 4 and their
        authorities into PCR 7, boot.cfg into PCR 8, the kernel options into PCR 12 and every module into PCR 13,
        extending every active bank and writing a crypto-agile event log (Spec ID event first) to --eventlog.
        The TPM must be at reset values: soft: is power-cycled first; any other TPM whose PCRs were extended
        is refused (exit 2). Enforce mode (default): a component that fails verification stops the boot, nothing
        from it on is measured, exit 1. --measure-only: failures are measured and the boot goes on (exit 0).
        --predict: no TPM; writes the log a boot would write and prints the PCR values it produces.
        Exit 0 booted, 1 stopped by a failing component, 2 bad input or TPM problem.
        """)

    @Argument(help: "The image directory.") var imageDir: String
    @Option(name: .long, help: "The image profile (its signature is read from PROFILE.p7s).") var profile: String
    @Option(name: .long, help: "The profile signature, default PROFILE.p7s.") var signature: String?
    @Option(name: .long, help: "trust.json, or certificate file(s) trusted for every role.") var trust: [String] = []
    @OptionGroup var tpmOptions: TPMOptions
    @Option(name: .long, help: "Where to write the event log (replaced atomically).") var eventlog: String
    @Flag(name: .long, help: "Measure failures instead of stopping at them (attestation catches them).") var measureOnly = false
    @Flag(name: .long, help: "Use no TPM: write the predicted log and print the predicted PCRs.") var predict = false
    @Option(name: .long, help: "With --predict: the banks (sha1, sha256, sha384, sha512; repeat or comma-separate). Default: sha1, sha256, sha384.")
    var banks: [String] = []
    @Option(name: .long, help: "Also write the final PCRs as JSON {bank: {pcr: hex}} to this file.") var pcrsOut: String?
    @Flag(name: .long, help: "Also check the VIB payloads' gunzip checksums.") var deep = false
    @OptionGroup var time: CheckTimeOptions
    @OptionGroup var out: OutputOptions

    func validate() throws {
        if !banks.isEmpty && !predict { throw ValidationError("--banks is for --predict; a boot extends the TPM's active banks") }
        for name in bankNames where DigestAlgorithm(name: name) == nil || !MeasuredComponents.banks.contains(DigestAlgorithm(name: name)!) {
            throw ValidationError("unknown bank \"\(name)\" (sha1, sha256, sha384, sha512)")
        }
    }

    private var bankNames: [String] {
        banks.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    func run() throws {
        // 1. Verify, and gather what is measured.
        let plan = try Self.plan(imageDir: imageDir, profile: profile, signature: signature, trust: trust, time: try time.rule(),
                                 deep: deep, mode: measureOnly ? .measureOnly : .enforce)

        // 2. Measure (or predict).
        let measured = try predict ? Self.predict(plan, banks: bankNames.compactMap { DigestAlgorithm(name: $0) }) : boot(plan)
        try Files.write(Data(measured.log), to: eventlog)
        let result = BootResult(image: imageDir, profile: profile, plan: plan, measured: measured, eventlog: eventlog)
        if let pcrsOut {
            let data = try Output.encoder.encode(result.pcrs)
            try Files.write(data + Data("\n".utf8), to: pcrsOut)
        }
        try Output.emitVerdict(result, verified: plan.completed, json: out.json) { result.text }
        if !plan.completed { throw ExitCode.rejected }
    }

    /// Verifies the image and plans its measured boot (shared with `baseline predict`, so a predicted
    /// baseline and a boot cannot drift apart).
    static func plan(imageDir: String, profile: String, signature: String?, trust: [String], time: SignatureTimeRule,
                     deep: Bool, mode: MeasuredBootPolicy.Mode) throws -> MeasuredBootPlan {
        let anchors = try TrustLoader.load(trust)
        let dbx = try DBXLoader.denyList(anchors)
        let run = try ImageVerificationRun.run(imageDir: imageDir, profile: profile, signature: signature, trust: anchors, dbx: dbx,
                                               time: time, deep: deep)
        let verification = run.verification
        let components = try ImageVerificationRun.inputErrors(imageDir: imageDir, profile: profile) {
            try MeasuredComponents.components(image: run.image, verification: verification)
        }
        let policy = MeasuredBootPolicy(mode: mode, trust: anchors, dbx: dbx,
                                        profile: MeasuredComponents.profile(verification: verification, profileBytes: run.profileBytes))
        return MeasuredBootPlan(policy: policy, components: components)
    }

    /// What a boot extended: the log, the banks, the final PCRs, and the TPM (nil for a prediction).
    struct Measured {
        var log: [UInt8]
        var banks: [DigestAlgorithm]
        var pcrs: [DigestAlgorithm: [Int: [UInt8]]]
        var tpm: String?
    }

    static func predict(_ plan: MeasuredBootPlan, banks: [DigestAlgorithm]) throws -> Measured {
        let banks = banks.isEmpty ? MeasuredComponents.defaultPredictionBanks : banks
        do {
            return Measured(log: try plan.eventLog(banks: banks), banks: banks, pcrs: try plan.predictedPCRs(banks: banks), tpm: nil)
        } catch let e as ParseError { throw CLIError.parse("the measured-boot plan", e) }
    }

    /// Resets (soft:) or checks (any other TPM) the PCRs, extends the plan into every active bank, and
    /// reads the measured PCRs back: they must equal the plan's prediction.
    func boot(_ plan: MeasuredBootPlan) throws -> Measured {
        let tpm = try tpmOptions.open()
        let banks = try TPMCLI.wrap { () throws -> [DigestAlgorithm] in
            if let soft = tpm as? any ResettableTPM { try soft.reset() }
            return try tpm.info().banks
        }
        let before = try TPMCLI.wrap { try tpm.pcrRead(banks: banks) }
        let dirty = before.compactMap { bank -> String? in
            let reset = PCRBank.reset(bank.algorithm)
            let pcrs = bank.values.indices.filter { bank.values[$0] != reset.values[$0] }
            return pcrs.isEmpty ? nil : "\(bank.algorithm): \(pcrs.map(String.init).joined(separator: ", "))"
        }
        guard dirty.isEmpty else {
            throw CLIError("[boot.tpm-not-reset] \(tpm.description): PCRs not at their reset values (\(dirty.joined(separator: "; "))); "
                           + "a measured boot starts from a power-cycled TPM: restart it (or the swtpm) and boot again")
        }
        let predicted = try Self.predict(plan, banks: banks)
        var events: [(pcr: Int, digests: [DigestAlgorithm: [UInt8]])] = []
        do {
            for e in plan.events { events.append((e.pcr, try e.digests(banks: banks))) }
        } catch let e as ParseError { throw CLIError.parse("the measured-boot plan", e) }
        try TPMCLI.wrap { try tpm.extend(events: events) }
        let after = try TPMCLI.wrap { try tpm.pcrRead(banks: banks) }
        var pcrs: [DigestAlgorithm: [Int: [UInt8]]] = [:]
        for bank in after {
            let expected = predicted.pcrs[bank.algorithm] ?? [:]
            for (pcr, value) in expected where bank.values[pcr] != value {
                throw CLIError("[boot.tpm-pcr-mismatch] \(tpm.description): \(bank.algorithm) PCR \(pcr) is \(bank.values[pcr].hex) after the boot, "
                               + "not the \(value.hex) its events produce (was it extended by someone else meanwhile?)")
            }
            pcrs[bank.algorithm] = Dictionary(uniqueKeysWithValues: expected.keys.map { ($0, bank.values[$0]) })
        }
        return Measured(log: predicted.log, banks: banks, pcrs: pcrs, tpm: tpm.description)
    }
}
