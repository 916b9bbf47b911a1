import ArgumentParser
import AttestCore
import Foundation

/// `hostattest eventlog show FILE [--json]`: every event with its PCR, type, digests and decoded
/// data, saying for each whether the digests cover the data.
struct EventLogShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the events of a TCG PC Client event log (SHA-1 or crypto-agile).",
        discussion: """
        Decoded event data is marked [covered] when every digest of the event equals the hash of \
        the data, [VariableData covered] when only the EFI variable's contents are hashed, and \
        [not covered] otherwise (e.g. an image's Authenticode hash): data that is not covered is \
        display only and may have been altered without changing any PCR.
        """
    )

    @Argument(help: "The event log, e.g. /sys/kernel/security/tpm0/binary_bios_measurements.")
    var file: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        let bytes = try Files.readBytes(file)
        let log: EventLog
        do { log = try EventLog(bytes: bytes) } catch { throw CLIError.parse(file, error) }
        try Output.emit(EventLogJSON(log), json: output.json) { Self.text(log) }
    }

    static func coverageLabel(_ event: EventLog.Event) -> String {
        guard event.isExtended else { return "not extended" }
        if let v = event.verifiedData { return v.scope == .eventData ? "covered" : "VariableData covered" }
        return "not covered"
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func text(_ log: EventLog) -> String {
        var lines: [String] = []
        var head = "TCG event log: \(log.format == .cryptoAgile ? "crypto-agile" : "SHA-1 (legacy)"), \(log.events.count) events, \(log.bytes.count) bytes"
        if let s = log.specID {
            let algs = s.algorithms.map { "\(EventLogJSON.algName($0.algorithmID))(\($0.digestSize))" }.joined(separator: " ")
            head += "; Spec ID Event03 platformClass \(s.platformClass), spec \(s.specVersionMajor).\(s.specVersionMinor) errata \(s.specErrata), uintnSize \(s.uintnSize), banks \(algs)"
        }
        lines.append(head)
        for w in log.appliedWorkarounds { lines.append("workaround applied: \(w)") }
        for e in log.events {
            lines.append("#\(pad(String(e.number), 4)) PCR \(pad(String(e.pcrIndex), 2)) \(e.type.name)  (\(e.data.count) bytes, \(coverageLabel(e)))")
            if e.isExtended {
                for d in e.digests { lines.append("      \(pad(d.algorithmName, 7)) \(d.digest.hex)") }
            }
            let decoded = e.untrustedDecoded
            if !decoded.fields.isEmpty {
                lines.append("      \(decoded.kind): \(decoded.summary)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// The JSON form of `eventlog show`.
struct EventLogJSON: Encodable {
    struct Digest: Encodable {
        var algorithm: String
        var algorithmID: UInt16
        var digest: String
    }
    struct Event: Encodable {
        var number: Int
        var offset: Int
        var pcr: Int
        var type: String
        var typeValue: UInt32
        var digests: [Digest]
        var dataSize: Int
        /// Per bank: eventData, variableData, notCovered, notExtended, unsupportedAlgorithm.
        var coverage: [String: String]
        /// true only when ``data`` is covered by every digest (the decoded form may then be used).
        var dataCoveredByDigest: Bool
        var data: String
        var decoded: Decoded
    }
    struct Decoded: Encodable {
        var kind: String
        var trusted: Bool
        var fields: [String: String]
    }
    struct SpecID: Encodable {
        var platformClass: UInt32
        var specVersionMajor: UInt8
        var specVersionMinor: UInt8
        var specErrata: UInt8
        var uintnSize: UInt8
        var algorithms: [Digest]
        var vendorInfo: String
    }

    var format: String
    var size: Int
    var specID: SpecID?
    var workarounds: [String]
    var events: [Event]

    static func algName(_ id: UInt16) -> String {
        if let a = DigestAlgorithm(tpmAlgorithmID: id) { return a.rawValue }
        return id == 0x0012 ? "sm3_256" : "alg_0x" + String(id, radix: 16)
    }

    init(_ log: EventLog) {
        format = log.format.rawValue
        size = log.bytes.count
        workarounds = log.appliedWorkarounds.map(\.id)
        specID = log.specID.map { s in
            SpecID(platformClass: s.platformClass, specVersionMajor: s.specVersionMajor, specVersionMinor: s.specVersionMinor,
                   specErrata: s.specErrata, uintnSize: s.uintnSize,
                   algorithms: s.algorithms.map { Digest(algorithm: Self.algName($0.algorithmID), algorithmID: $0.algorithmID, digest: "size \($0.digestSize)") },
                   vendorInfo: s.vendorInfo.hex)
        }
        events = log.events.map { e in
            var coverage: [String: String] = [:]
            for d in e.digests { coverage[d.algorithmName] = e.coverage(of: d).rawValue }
            let verified = e.verifiedData
            let decoded = verified?.scope == .eventData ? verified!.decoded : e.untrustedDecoded.decoded
            var fields: [String: String] = [:]
            for f in decoded.fields { fields[f.name] = f.value }
            return Event(number: e.number, offset: e.offset, pcr: e.pcrIndex, type: e.type.name, typeValue: e.type.rawValue,
                         digests: e.digests.map { Digest(algorithm: $0.algorithmName, algorithmID: $0.algorithmID, digest: $0.digest.hex) },
                         dataSize: e.data.count, coverage: coverage,
                         dataCoveredByDigest: verified?.scope == .eventData,
                         data: e.data.hex,
                         decoded: Decoded(kind: decoded.kind, trusted: verified?.scope == .eventData, fields: fields))
        }
    }
}
