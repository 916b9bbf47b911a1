import Foundation

/// A baseline (golden reference values, format `hostattest-baseline/1`): the PCRs it governs and, for
/// each, the events a good boot extends into it, in order, each with the component it stands for.
/// Trusted only through a detached CMS signature (``BaselineVerifier``), like an image profile.
///
/// ```json
/// {
///   "format": "hostattest-baseline/1",
///   "name": "demo-host", "version": "1.0", "source": "capture",
///   "bank": "sha256",
///   "pcrs": [0, 7, 13],
///   "events": [
///     { "pcr": 13, "type": 13, "digest": "…",
///       "component": { "kind": "vib", "name": "net-demo-nic", "version": "1.2.0-1", "vendor": "…", "digest": "…" } }
///   ]
/// }
/// ```
/// `type` is the TCG event type (a number); `digest` is the event's digest in `bank` (lower-case hex).
/// A PCR in `pcrs` with no events expects no extension at all. The parser is strict and bounded:
/// unknown format, no PCRs (an empty policy never accepts anything), a PCR outside 0–23 or listed
/// twice, an event in a PCR the baseline does not govern, a digest of the wrong size, more than
/// ``maxEvents`` events or more than ``maxSize`` bytes are all refused.
public struct Baseline: Sendable, Hashable, Codable {
    public static let formatIdentifier = "hostattest-baseline/1"
    public static let maxSize = 16 << 20
    public static let maxEvents = 100_000
    public static let maxTextLength = 1024

    public struct ExpectedEvent: Sendable, Hashable, Codable {
        public var pcr: Int
        /// The TCG event type (`EventType.rawValue`).
        public var type: UInt32
        /// The event's digest in the baseline's bank, lower-case hex.
        public var digest: String
        public var component: BaselineComponent

        public init(pcr: Int, type: EventType, digest: [UInt8], component: BaselineComponent) {
            self.pcr = pcr; self.type = type.rawValue; self.digest = digest.hex; self.component = component
        }

        public var eventType: EventType { EventType(type) }
    }

    public var format: String
    public var name: String
    public var version: String
    /// `capture` (from a reference host's log) or `predict` (from signed artifacts).
    public var source: String
    public var bank: DigestAlgorithm
    /// The PCRs the baseline governs, ascending.
    public var pcrs: [Int]
    public var events: [ExpectedEvent]

    public init(name: String, version: String, source: String, bank: DigestAlgorithm, pcrs: [Int], events: [ExpectedEvent]) {
        self.format = Self.formatIdentifier
        self.name = name; self.version = version; self.source = source; self.bank = bank
        self.pcrs = Array(Set(pcrs)).sorted(); self.events = events
    }

    /// "demo-host 1.0"
    public var label: String { "\(name) \(version)" }

    /// The expected events of one PCR, in order.
    public func events(pcr: Int) -> [ExpectedEvent] { events.filter { $0.pcr == pcr } }

    /// Parses and checks a baseline strictly (see the type's documentation for what is refused).
    public init(jsonBytes bytes: [UInt8]) throws {
        let s = "baseline"
        guard bytes.count <= Self.maxSize else {
            throw ParseError(s, "file is \(bytes.count) bytes; the limit is \(Self.maxSize)", code: .baselineTooLarge)
        }
        let decoded: Baseline
        do {
            decoded = try JSONDecoder().decode(Baseline.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ParseError(s, ImageProfile.describe(error), code: .baselineMalformed)
        } catch {
            throw ParseError(s, "not valid JSON: \(error.localizedDescription)", code: .baselineMalformed)
        }
        try decoded.validate()
        self = decoded
    }

    func validate() throws {
        let s = "baseline"
        guard format == Self.formatIdentifier else {
            throw ParseError(s, "format is \"\(format.prefix(80))\", expected \"\(Self.formatIdentifier)\"", code: .baselineFormat)
        }
        for (field, value) in [("name", name), ("version", version), ("source", source)] {
            guard !value.isEmpty, value.count <= Self.maxTextLength else {
                throw ParseError(s, "\(field) must have 1–\(Self.maxTextLength) characters", code: .baselineMalformed)
            }
        }
        guard !pcrs.isEmpty else {
            throw ParseError(s, "governs no PCRs: an empty baseline would accept any boot", code: .baselineEmpty)
        }
        var seen = Set<Int>()
        for p in pcrs {
            guard (0..<EventLog.pcrCount).contains(p) else { throw ParseError(s, "PCR \(p) is not a PCR (0–23)", code: .baselineMalformed) }
            guard seen.insert(p).inserted else { throw ParseError(s, "PCR \(p) is listed twice", code: .baselineMalformed) }
        }
        guard events.count <= Self.maxEvents else {
            throw ParseError(s, "\(events.count) events; the limit is \(Self.maxEvents)", code: .baselineTooLarge)
        }
        for (i, e) in events.enumerated() {
            guard seen.contains(e.pcr) else {
                throw ParseError(s, "events[\(i)] is in PCR \(e.pcr), which the baseline does not govern", code: .baselineMalformed)
            }
            guard e.type != EventType.EV_NO_ACTION.rawValue else {
                throw ParseError(s, "events[\(i)] is EV_NO_ACTION, which is never extended", code: .baselineMalformed)
            }
            guard let d = Hex.decode(e.digest), d.count == bank.digestSize, e.digest == d.hex else {
                throw ParseError(s, "events[\(i)].digest is not a lower-case \(bank) digest (\(bank.digestSize * 2) hex digits)", code: .baselineMalformed)
            }
            let c = e.component
            for value in [c.kind, c.name] + [c.version, c.vendor, c.digest].compactMap({ $0 }) where value.count > Self.maxTextLength {
                throw ParseError(s, "events[\(i)].component has a field longer than \(Self.maxTextLength) characters", code: .baselineMalformed)
            }
        }
    }

    /// Canonical JSON (sorted keys, two-space indentation, trailing newline): the bytes to sign.
    public func encoded() -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? e.encode(self)) ?? Data()) + [0x0a]
    }

    /// Fuzz entry point: must never trap.
    public static func fuzz(_ data: [UInt8]) { _ = try? Baseline(jsonBytes: data) }
}
