import Foundation

/// What `bench server` prints (text, or `--json`).
struct BenchFigures: Encodable {
    struct Latency: Encodable {
        var p50: Double, p90: Double, p99: Double, max: Double

        /// Percentiles (nearest rank) of round latencies in milliseconds; zeros when there are none.
        init(_ values: [Double]) {
            let v = values.sorted()
            func rank(_ p: Double) -> Double {
                guard !v.isEmpty else { return 0 }
                return v[min(v.count - 1, Int((p * Double(v.count)).rounded(.up)) - 1)]
            }
            p50 = rank(0.50); p90 = rank(0.90); p99 = rank(0.99); max = v.last ?? 0
        }
    }

    var hosts: Int
    var durationSeconds: Double
    var warmupSeconds: Double
    var events: Int
    var logBytes: Int
    var flow: String
    /// "closed" (a host's next round when its verdict arrives) or "open" (rounds due at `offeredRate`).
    var loop: String
    /// Attestations per second offered in total (open loop only); `attestationsPerSecond` is the rate achieved.
    var offeredRate: Double?
    var sqliteSynchronous: String?
    /// The child server's store ("sqlite" or "memory"); nil against an external `--server`.
    var store: String?
    /// The child server's SQLite commit delay (ms); nil for a memory store or an external `--server`.
    var commitDelayMs: Double?
    var attestations: Int
    var attestationsPerSecond: Double
    var latencyMs: Latency
    var rejections: Int
    var errors: Int
    var firstProblem: String?
    var serverRSSMiB: Double?
    var serverPeakRSSMiB: Double?
    var serverCPUSeconds: Double?
    var loadGeneratorCPUSeconds: Double
    var cores: Int

    var text: String {
        var lines = [
            "bench server: \(hosts) hosts, \(loop) loop, \(events)-event logs (\(logBytes) bytes), P-256 AKs, \(flow)"
                + (sqliteSynchronous.map { ", SQLite synchronous=\($0)" } ?? "") + (commitDelayMs.map { String(format: ", commit delay %g ms", $0) } ?? "")
                + (store == "memory" ? ", memory store (nothing durable)" : ""),
            String(format: "attestations:  %d in %.1f s = %.1f attestations/s (after %.0f s warm-up)", attestations, durationSeconds,
                   attestationsPerSecond, warmupSeconds),
        ]
        if let offeredRate {
            lines.append(String(format: "open loop:     offered %.1f attestations/s, achieved %.1f attestations/s (%.0f%%)", offeredRate,
                                attestationsPerSecond, 100 * attestationsPerSecond / offeredRate))
        }
        lines += [
            String(format: "latency (ms):  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f", latencyMs.p50, latencyMs.p90, latencyMs.p99, latencyMs.max)
                + " (a whole round, quote included, from " + (offeredRate == nil ? "its start)" : "when it was due)"),
            "rejections:    \(rejections)   errors: \(errors)" + (firstProblem.map { "   first: \($0.prefix(300))" } ?? ""),
        ]
        if let rss = serverRSSMiB, let peak = serverPeakRSSMiB {
            lines.append(String(format: "server RSS:    %.1f MiB (peak %.1f MiB)", rss, peak))
        }
        let capacity = durationSeconds * Double(cores)
        if let server = serverCPUSeconds {
            lines.append(String(format: "CPU:           server %.1f s (%.0f%%), load generator %.1f s (%.0f%%) of %.1f core-seconds on %d cores",
                                server, 100 * server / capacity, loadGeneratorCPUSeconds, 100 * loadGeneratorCPUSeconds / capacity, capacity, cores))
        } else {
            lines.append(String(format: "CPU:           load generator %.1f s (%.0f%%) of %.1f core-seconds on %d cores",
                                loadGeneratorCPUSeconds, 100 * loadGeneratorCPUSeconds / capacity, capacity, cores))
        }
        return lines.joined(separator: "\n")
    }
}
