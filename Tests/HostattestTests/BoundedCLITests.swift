import AttestCore
import Foundation
import Testing
import TestSupport

/// Issue #7 at the CLI: inputs whose cost used to multiply are refused with exit 2 naming the file,
/// and `eventlog show` streams its output one record at a time.
@Suite struct BoundedCLITests {
    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// A crypto-agile log: a Spec ID event declaring `algorithms` (id, size), then `events` EV_IPL
    /// records in PCR 8, each carrying one digest per algorithm.
    static func log(algorithms: [(UInt16, UInt16)], events: Int) -> [UInt8] {
        var spec = Array("Spec ID Event03".utf8) + [0] + le(UInt32(0)) + [0, 2, 0, 2] + le(UInt32(algorithms.count))
        for (id, size) in algorithms { spec += le(id) + le(size) }
        spec += [0]
        var out = le(UInt32(0)) + le(UInt32(3)) + [UInt8](repeating: 0, count: 20) + le(UInt32(spec.count)) + spec
        var record = le(UInt32(8)) + le(UInt32(0x0D)) + le(UInt32(algorithms.count))
        for (id, size) in algorithms { record += le(id) + [UInt8](repeating: 0xAB, count: Int(size)) }
        record += le(UInt32(4)) + Array("boot".utf8)
        for _ in 0..<events { out += record }
        return out
    }

    /// The most digests a record may carry (16 algorithms of 64 bytes) over thousands of records:
    /// the JSON is written record by record and is still one valid document.
    @Test func eventlogShowStreamsLargeLogs() throws {
        let dir = TempDir("bounded")
        let path = dir.file("wide.bin").path
        let algorithms = (0..<TCGEfiSpecIDEvent.maxAlgorithms).map { (UInt16(0x100 + $0), UInt16(64)) }
        try Data(Self.log(algorithms: algorithms, events: 2000)).write(to: URL(fileURLWithPath: path))
        let json = try Run.hostattest(["eventlog", "show", path, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        struct Out: Decodable {
            struct Event: Decodable { var number: Int }
            var format: String
            var size: Int
            var events: [Event]
            var workarounds: [String]
        }
        let out = try JSONDecoder().decode(Out.self, from: json.stdoutBytes)
        #expect(out.format == "cryptoAgile")
        #expect(out.events.count == 2001)
        #expect(out.events.last?.number == 2000)
        let object = try JSONSerialization.jsonObject(with: json.stdoutBytes) as? [String: Any]
        let spec = object?["specID"] as? [String: Any]
        #expect((spec?["algorithms"] as? [Any])?.count == algorithms.count)
        let events = object?["events"] as? [[String: Any]]
        #expect((events?.last?["digests"] as? [Any])?.count == algorithms.count)
        let text = try Run.hostattest(["eventlog", "show", path])
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("#") }.count == 2001)
        #expect(lines.filter { $0.hasPrefix("      alg_0x") }.count == 2000 * algorithms.count)
    }

    /// The issue's input: thousands of digests per record. Refused at the Spec ID event.
    @Test func eventlogWithThousandsOfAlgorithmsIsExit2() throws {
        let dir = TempDir("bounded")
        let path = dir.file("thousands.bin").path
        let algorithms = (0..<5000).map { (UInt16(0x100 + $0), UInt16(1)) }
        try Data(Self.log(algorithms: algorithms, events: 50)).write(to: URL(fileURLWithPath: path))
        for command in [["show", "--json"], ["show"], ["replay"]] {
            let r = try Run.hostattest(["eventlog", command[0], path] + command.dropFirst())
            #expect(r.status == 2)
            #expect(r.stderr.contains("thousands.bin"))
            #expect(r.stderr.contains("numberOfAlgorithms 5000"))
            #expect(r.stdout.isEmpty)
        }
    }

    /// The issue's input: many sections over the same bytes. Exit 2 naming the file and the problem.
    @Test func peWithSectionsOverTheSameBytesIsExit2() throws {
        var image = PESynthesizer.image(sections: [(".a", [UInt8](repeating: 1, count: 4096)), (".b", [UInt8](repeating: 2, count: 4096))])
        // Point .b at .a's bytes.
        let a = 0x148, b = 0x148 + 40
        for i in 16..<24 { image[b + i] = image[a + i] }
        let dir = TempDir("bounded")
        let path = dir.file("overlap.efi").path
        try Data(image).write(to: URL(fileURLWithPath: path))
        for args in [["pe", "info", path], ["verify", "pe", path, "--trust", Fixtures.url("pe/go-uefi/db.pem").path]] {
            let r = try Run.hostattest(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains("overlap.efi"))
            #expect(r.stderr.contains("overlaps section '.a'"))
        }
    }
}
