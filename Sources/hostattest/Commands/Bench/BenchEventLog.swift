import ArgumentParser
import AttestCore
import Foundation

/// `hostattest bench eventlog [--json]`: parse and replay speed of a real event log, grown to
/// ~50 KB by repeating its events.
struct BenchEventLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventlog",
        abstract: "Measure event log parsing and replay (per-iteration median).",
        discussion: """
        Uses --file (default: the GCE fixture Tests/Fixtures/eventlogs/tpm2-tools/event-gce-ubuntu-2104-log.bin \
        when run from the package root, else a synthetic 3-bank log) and repeats its events until the log \
        is at least --size bytes. Build with `swift build -c release` for meaningful figures.
        """
    )

    static let defaultFixture = "Tests/Fixtures/eventlogs/tpm2-tools/event-gce-ubuntu-2104-log.bin"

    @Option(name: .long, help: "An event log to measure.")
    var file: String?

    @Option(name: .long, help: "Grow the log to at least this many bytes by repeating its events (0: as is).")
    var size = 50 * 1024

    @Option(name: .long, help: "Timed iterations per measurement.")
    var iterations = 2000

    @OptionGroup var output: OutputOptions

    struct Figure: Encodable {
        var name: String
        var medianMicroseconds: Double
        var p90Microseconds: Double
        var minMicroseconds: Double
        var megabytesPerSecond: Double
    }

    struct Result: Encodable {
        var source: String
        var logBytes: Int
        var events: Int
        var banks: [String]
        var iterations: Int
        var figures: [Figure]
    }

    func validate() throws {
        guard (1...10_000_000).contains(iterations) else { throw ValidationError("--iterations must be 1…10000000") }
        guard (0...(256 << 20)).contains(size) else { throw ValidationError("--size must be 0…268435456 bytes (256 MiB)") }
    }

    func run() throws {
        let (source, base) = try input()
        let bytes: [UInt8]
        do { bytes = try Self.grow(base, to: size) } catch { throw CLIError.parse(source, error) }
        let log: EventLog
        do { log = try EventLog(bytes: bytes) } catch { throw CLIError.parse(source, error) }

        var figures: [Figure] = []
        func measure(_ name: String, _ body: () throws -> Void) rethrows {
            for _ in 0..<min(50, iterations) { try body() } // warm-up
            var samples: [UInt64] = []
            samples.reserveCapacity(iterations)
            for _ in 0..<iterations {
                let t0 = DispatchTime.now().uptimeNanoseconds
                try body()
                samples.append(DispatchTime.now().uptimeNanoseconds - t0)
            }
            samples.sort()
            let median = Double(samples[samples.count / 2]) / 1000
            figures.append(Figure(name: name, medianMicroseconds: median,
                                  p90Microseconds: Double(samples[samples.count * 9 / 10]) / 1000,
                                  minMicroseconds: Double(samples[0]) / 1000,
                                  megabytesPerSecond: median > 0 ? Double(bytes.count) / median : 0))
        }
        var sink = 0
        try measure("parse") { sink &+= try EventLog(bytes: bytes).events.count }
        measure("replay") { sink &+= log.replay().banks.count }
        try measure("parse+replay") { sink &+= try EventLog(bytes: bytes).replay().banks.count }
        measure("digest coverage of every event") { for e in log.events { sink &+= e.verifiedData == nil ? 0 : 1 } }
        if sink == Int.min { print("") }

        let result = Result(source: source, logBytes: bytes.count, events: log.events.count,
                            banks: log.replay().banks.map(\.algorithm.rawValue), iterations: iterations, figures: figures)
        try Output.emit(result, json: output.json) {
            var lines = ["eventlog: \(source), \(bytes.count) bytes, \(log.events.count) events, banks \(result.banks.joined(separator: ", ")), \(iterations) iterations"]
            for f in figures {
                lines.append("  \(EventLogShow.pad(f.name, 32)) median \(String(format: "%8.1f", f.medianMicroseconds)) µs  p90 \(String(format: "%8.1f", f.p90Microseconds)) µs  (\(String(format: "%.0f", f.megabytesPerSecond)) MB/s)")
            }
            return lines.joined(separator: "\n")
        }
    }

    private func input() throws -> (String, [UInt8]) {
        if let file { return (file, try Files.readBytes(file)) }
        if FileManager.default.fileExists(atPath: Self.defaultFixture) {
            return (Self.defaultFixture, try Files.readBytes(Self.defaultFixture))
        }
        var w = EventLogWriter(banks: [.sha1, .sha256, .sha384])
        for i in 0..<40 {
            w.measure(pcr: i % 8, type: .EV_EFI_ACTION, data: Array("synthetic event \(i)".utf8))
            w.measure(pcr: 7, type: .EV_EFI_VARIABLE_DRIVER_CONFIG, data: [UInt8](repeating: UInt8(i), count: 600))
        }
        w.separators()
        return ("synthetic 3-bank log", w.bytes)
    }

    /// Appends copies of the log's events (not its first record, the Spec ID event), one record at
    /// a time, until the log is at least `size` bytes.
    static func grow(_ bytes: [UInt8], to size: Int) throws -> [UInt8] {
        let log = try EventLog(bytes: bytes)
        guard bytes.count < size, log.events.count > 1 else { return bytes }
        let records = log.events.dropFirst().map { e in
            bytes[e.offset..<(e.dataOffset + e.data.count)]
        }
        var out = bytes
        out.reserveCapacity(size + (records.map(\.count).max() ?? 0))
        var i = 0
        while out.count < size {
            out += records[i % records.count]
            i += 1
        }
        return out
    }
}
