import ArgumentParser
import AttestCore
import Foundation

/// `hostattest bench authenticode [--size-mib 256] [--json]`: Authenticode hashing throughput of a
/// generated PE against `openssl dgst -sha256` on the same file, and peak memory.
struct BenchAuthenticode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authenticode",
        abstract: "Measure Authenticode SHA-256 hashing of a large generated PE against `openssl dgst -sha256`."
    )

    @Option(name: .long, help: "Size of the generated image's section, in MiB.")
    var sizeMib: Int = 256

    @Option(name: .long, help: "Timed runs of each side (the best is reported).")
    var runs: Int = 3

    @OptionGroup var output: OutputOptions

    struct Result: Encodable {
        var fileBytes: Int
        var runs: Int
        var ourSeconds: Double
        var ourMiBPerSecond: Double
        var opensslSeconds: Double
        var opensslMiBPerSecond: Double
        var ratio: Double
        var baselineMemoryKiB: Int?
        var peakMemoryKiB: Int?
        var peakIncreaseMiB: Double?
    }

    func validate() throws {
        guard (1...4096).contains(sizeMib) else { throw ValidationError("--size-mib must be 1…4096") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1…20") }
    }

    func run() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostattest-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("large.efi").path
        try Self.writeLargeImage(path: path, sectionBytes: sizeMib << 20, pattern: true)

        let baseline = PeakMemory.kibibytes()
        // Warm the page cache once so both sides read from memory.
        _ = try Self.timeOpenSSL(path)
        var ours = Double.infinity
        var hashed = 0
        for _ in 0..<runs {
            let start = DispatchTime.now()
            let mapped = try MappedFile(path)
            let image: PEImage
            do { image = try PEImage(bytes: mapped.data) } catch let e as ParseError { throw CLIError.coded(path, e) }
            let digest = image.authenticodeDigest(.sha256) { mapped.release($0) }
            precondition(digest.count == 32)
            hashed = image.authenticodeHashedByteCount
            ours = min(ours, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        }
        let peak = PeakMemory.kibibytes()
        var theirs = Double.infinity
        for _ in 0..<runs { theirs = min(theirs, try Self.timeOpenSSL(path)) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? hashed
        let mib = Double(size) / Double(1 << 20)
        let result = Result(fileBytes: size, runs: runs, ourSeconds: ours, ourMiBPerSecond: mib / ours,
                            opensslSeconds: theirs, opensslMiBPerSecond: mib / theirs, ratio: theirs / ours,
                            baselineMemoryKiB: baseline, peakMemoryKiB: peak,
                            peakIncreaseMiB: zip2(baseline, peak).map { Double($1 - $0) / 1024 })
        try Output.emit(result, json: output.json) {
            """
            Authenticode SHA-256 of a \(String(format: "%.0f", mib)) MiB PE (best of \(runs)):
              hostattest       \(String(format: "%8.3f", ours)) s  \(String(format: "%8.1f", result.ourMiBPerSecond)) MiB/s
              openssl dgst     \(String(format: "%8.3f", theirs)) s  \(String(format: "%8.1f", result.opensslMiBPerSecond)) MiB/s (includes process start)
              ratio            \(String(format: "%.2f", result.ratio)) (hostattest / openssl throughput)
              peak memory      \(peak.map { "\($0) KiB" } ?? "?") (baseline \(baseline.map { "\($0) KiB" } ?? "?"), +\(result.peakIncreaseMiB.map { String(format: "%.1f", $0) } ?? "?") MiB)
            """
        }
    }

    /// Wall-clock seconds of `openssl dgst -sha256 PATH`.
    static func timeOpenSSL(_ path: String) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl", "dgst", "-sha256", path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let start = DispatchTime.now()
        do { try p.run() } catch { throw CLIError("cannot run openssl: \(error)") }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CLIError("openssl dgst exited \(p.terminationStatus)") }
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// Writes a PE32+ image with one section of `sectionBytes` (pseudo-random when `pattern`,
    /// else a sparse hole of zeros), streamed in 8 MiB chunks.
    static func writeLargeImage(path: String, sectionBytes: Int, pattern: Bool) throws {
        let headers = PESynthesizer.headers(sections: [(".data", sectionBytes)])
        guard FileManager.default.createFile(atPath: path, contents: Data(headers)) else {
            throw CLIError.file(path, "cannot create")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        let total = PESynthesizer.rawSize(sectionBytes)
        if pattern {
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            var chunk = [UInt64](repeating: 0, count: (8 << 20) / 8)
            var written = 0
            while written < total {
                for i in chunk.indices {
                    state ^= state << 13; state ^= state >> 7; state ^= state << 17
                    chunk[i] = state
                }
                let n = min(total - written, chunk.count * 8)
                try chunk.withUnsafeBytes { try handle.write(contentsOf: Data($0.prefix(n))) }
                written += n
            }
        } else {
            try handle.truncate(atOffset: UInt64(headers.count + total))
        }
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
