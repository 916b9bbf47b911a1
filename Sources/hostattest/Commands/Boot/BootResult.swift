import AttestCore
import Foundation

/// What `hostattest boot` prints: per component its verdict and PCRs, every event extended, the
/// final PCRs per bank, and where the boot stopped (enforce mode).
struct BootResult: Encodable {
    struct Component: Encodable {
        var kind: String
        var path: String
        var name: String
        var verdict: String
        var pcrs: [Int]
        var failures: [Finding]
    }

    struct Event: Encodable {
        var pcr: Int
        var type: String
        var label: String
        var digests: [String: String]
    }

    struct Stop: Encodable {
        var kind: String
        var path: String
        var name: String
        var failures: [Finding]
    }

    var image: String
    var profile: String
    var mode: String
    /// True for `--predict` (no TPM was touched).
    var predicted: Bool
    var tpm: String?
    var completed: Bool
    var stoppedAt: Stop?
    var components: [Component]
    var events: [Event]
    /// bank → PCR → hex: the PCRs the boot extended (read back from the TPM, or predicted).
    var pcrs: [String: [String: String]]
    var eventlog: String

    init(image: String, profile: String, plan: MeasuredBootPlan, measured: BootCommand.Measured, eventlog: String) {
        self.image = image
        self.profile = profile
        mode = plan.mode.rawValue
        predicted = measured.tpm == nil
        tpm = measured.tpm
        completed = plan.completed
        stoppedAt = plan.stoppedAt.map { Stop(kind: $0.kind.rawValue, path: $0.path, name: $0.displayName, failures: $0.failures) }
        components = plan.measured.map {
            Component(kind: $0.kind.rawValue, path: $0.path, name: $0.displayName, verdict: MeasurementRecord($0).verdict,
                      pcrs: PCRMap.pcrs(affectedBy: $0.kind), failures: $0.failures)
        }
        events = plan.events.map { e in
            let digests = (try? e.digests(banks: measured.banks)) ?? [:]
            return Event(pcr: e.pcr, type: e.type.description, label: e.label,
                         digests: Dictionary(uniqueKeysWithValues: digests.map { ($0.key.rawValue, $0.value.hex) }))
        }
        var pcrs: [String: [String: String]] = [:]
        for (bank, values) in measured.pcrs {
            pcrs[bank.rawValue] = Dictionary(uniqueKeysWithValues: values.map { (String($0.key), $0.value.hex) })
        }
        self.pcrs = pcrs
        self.eventlog = eventlog
    }

    var text: String {
        var lines: [String] = []
        let target = predicted ? "predicted (no TPM)" : "into \(tpm ?? "the TPM")"
        if let s = stoppedAt {
            lines.append("STOPPED: \(s.name) failed verification; nothing from it on was measured (\(mode))")
            for f in s.failures { lines.append("    [\(f.code)] \(f.message)") }
        } else {
            let failed = components.filter { !$0.failures.isEmpty }.count
            lines.append(failed == 0 ? "BOOTED: \(image) measured \(target) (\(mode))"
                                     : "BOOTED WITH FAILURES: \(image) measured \(target); \(failed) component(s) failed and were measured as such (\(mode))")
        }
        lines.append("components:")
        for c in components {
            let pcrs = c.pcrs.map(String.init).joined(separator: ",")
            lines.append("  \(c.failures.isEmpty ? "✓" : "✗") \(Self.pad(c.kind, 14)) PCR \(Self.pad(pcrs, 5)) \(c.name)")
            for f in c.failures { lines.append("      [\(f.code)] \(f.message)") }
        }
        lines.append("events (\(events.count)):")
        for e in events {
            let digest = e.digests["sha256"] ?? e.digests.values.first ?? ""
            lines.append("  PCR \(Self.pad(String(e.pcr), 2)) \(Self.pad(e.type, 32)) \(digest.prefix(16))… \(e.label)")
        }
        lines.append("PCRs:")
        for bank in pcrs.keys.sorted() {
            let values = pcrs[bank]!
            for pcr in values.keys.sorted(by: { Int($0)! < Int($1)! }) {
                lines.append("  \(bank):\(Self.pad(pcr, 2)) 0x\(values[pcr]!)")
            }
        }
        lines.append("event log: \(eventlog)")
        return lines.joined(separator: "\n")
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
