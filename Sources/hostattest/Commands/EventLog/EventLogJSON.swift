import AttestCore
import Foundation

/// The JSON form of `eventlog show`.
enum EventLogJSON {
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

    /// Writes the document `{"events", "format", "size", "specID", "workarounds"}` (sorted keys, as
    /// ``Output/encoder`` would) one event at a time.
    static func write(_ log: EventLog, to out: StreamOutput) throws {
        out.write("{\n  \"events\" : [")
        for (i, e) in log.events.enumerated() {
            out.write(i == 0 ? "\n    " : ",\n    ")
            try out.writeJSON(Event(e), indent: 4)
        }
        out.write(log.events.isEmpty ? "],\n" : "\n  ],\n")
        out.write("  \"format\" : ")
        try out.writeJSON(log.format.rawValue, indent: 2)
        out.write(",\n  \"size\" : \(log.bytes.count),\n")
        if let spec = log.specID.map(SpecID.init) {
            out.write("  \"specID\" : ")
            try out.writeJSON(spec, indent: 2)
            out.write(",\n")
        }
        out.write("  \"workarounds\" : ")
        try out.writeJSON(log.appliedWorkarounds.map(\.id), indent: 2)
        out.write("\n}\n")
    }

    static func algName(_ id: UInt16) -> String {
        if let a = DigestAlgorithm(tpmAlgorithmID: id) { return a.rawValue }
        return id == 0x0012 ? "sm3_256" : "alg_0x" + String(id, radix: 16)
    }
}

extension EventLogJSON.SpecID {
    init(_ s: TCGEfiSpecIDEvent) {
        self.init(platformClass: s.platformClass, specVersionMajor: s.specVersionMajor, specVersionMinor: s.specVersionMinor,
                  specErrata: s.specErrata, uintnSize: s.uintnSize,
                  algorithms: s.algorithms.map { EventLogJSON.Digest(algorithm: EventLogJSON.algName($0.algorithmID), algorithmID: $0.algorithmID, digest: "size \($0.digestSize)") },
                  vendorInfo: s.vendorInfo.hex)
    }
}

extension EventLogJSON.Event {
    /// One record: bounded work (at most 16 digests, each hashed at most twice over the record's data).
    init(_ e: EventLog.Event) {
        var coverage: [String: String] = [:]
        for d in e.digests { coverage[d.algorithmName] = e.coverage(of: d).rawValue }
        let verified = e.verifiedData
        let decoded = verified?.scope == .eventData ? verified!.decoded : e.untrustedDecoded.decoded
        var fields: [String: String] = [:]
        for f in decoded.fields { fields[f.name] = f.value }
        self.init(number: e.number, offset: e.offset, pcr: e.pcrIndex, type: e.type.name, typeValue: e.type.rawValue,
                  digests: e.digests.map { EventLogJSON.Digest(algorithm: $0.algorithmName, algorithmID: $0.algorithmID, digest: $0.digest.hex) },
                  dataSize: e.data.count, coverage: coverage,
                  dataCoveredByDigest: verified?.scope == .eventData,
                  data: e.data.hex,
                  decoded: EventLogJSON.Decoded(kind: decoded.kind, trusted: verified?.scope == .eventData, fields: fields))
    }
}
