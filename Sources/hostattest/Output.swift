import ArgumentParser
import AttestCore
import Foundation

/// `--json` for every command.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false
}

enum Output {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    /// The one JSON shape of a verdict, for every command that verifies something (`verify pe|vib|image|quote`,
    /// `boot`, `baseline verify`, `token verify`): the command's own fields, plus `verdict` (`verified` or
    /// `refused`) and `verified` (a Boolean); the checks are in `report` (`failures`, `passed`, `warnings`)
    /// wherever the command has one report.
    struct Verdict<Body: Encodable>: Encodable {
        var verified: Bool
        var body: Body
        enum Key: String, CodingKey { case verdict, verified }
        func encode(to encoder: any Encoder) throws {
            try body.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(verified ? "verified" : "refused", forKey: .verdict)
            try c.encode(verified, forKey: .verified)
        }
    }

    /// Prints a verdict (``Verdict``) as JSON when `json` is set, else the text.
    static func emitVerdict<T: Encodable>(_ value: T, verified: Bool, json: Bool, text: () -> String) throws {
        try emit(Verdict(verified: verified, body: value), json: json, text: text)
    }

    /// Prints `value` as JSON when `json` is set, else the text.
    static func emit<T: Encodable>(_ value: T, json: Bool, text: () -> String) throws {
        if json {
            let data = try encoder.encode(value)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(text())
        }
    }

    /// Text lines for a report: one line per failure with its code, then a verdict.
    static func describe(_ report: VerificationReport, subject: String) -> String {
        var lines: [String] = []
        if report.isValid {
            lines.append("VERIFIED: \(subject)")
        } else {
            lines.append("FAILED: \(subject) (\(report.failures.count) check\(report.failures.count == 1 ? "" : "s") failed)")
            for f in report.failures { lines.append("  ✗ \(f)") }
        }
        for w in report.warnings { lines.append("  ! warning \(w)") }
        return lines.joined(separator: "\n")
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("hostattest: warning: \(message)\n".utf8))
    }
}

/// A one-line progress bar on stderr, shown only when stderr is a terminal (never in --json runs'
/// stdout and never in CI logs).
final class ProgressBar {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private var lastDrawn = -1

    init(total: Int, label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = max(total, 1)
        self.label = label
        self.enabled = enabled
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% (\(done)/\(total))".utf8))
    }

    func finish() {
        guard enabled, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
