/// Orders VIB version strings such as `6.7.0-3.0.14320388` or `1.2.3-1OEM.700.1.0.15843807`:
/// the strings are split into runs of digits and runs of other characters (separators `.`, `-`, `_`
/// only delimit); digit runs compare numerically, other runs by their characters.
public enum VIBVersion {
    public static func compare(_ a: String, _ b: String) -> Int {
        let x = segments(a), y = segments(b)
        for (p, q) in zip(x, y) {
            switch (p, q) {
            case (.number(let m), .number(let n)):
                if m.count != n.count { return m.count < n.count ? -1 : 1 }
                if m != n { return m < n ? -1 : 1 }
            case (.number, .text): return 1
            case (.text, .number): return -1
            case (.text(let s), .text(let t)):
                if s != t { return s < t ? -1 : 1 }
            }
        }
        if x.count == y.count { return 0 }
        return x.count < y.count ? -1 : 1
    }

    public static func isLower(_ a: String, than b: String) -> Bool { compare(a, b) < 0 }

    private enum Segment { case number(String), text(String) }

    /// Digit runs with leading zeros removed (so "007" equals "7" and compares by length, then text).
    private static func segments(_ s: String) -> [Segment] {
        var out: [Segment] = []
        var current = ""
        var digits = false
        func flush() {
            guard !current.isEmpty else { return }
            if digits {
                let trimmed = String(current.drop { $0 == "0" })
                out.append(.number(trimmed))
            } else {
                out.append(.text(current))
            }
            current = ""
        }
        for c in s {
            if c == "." || c == "-" || c == "_" { flush(); continue }
            let isDigit = c.isASCII && c.isNumber
            if isDigit != digits { flush(); digits = isDigit }
            current.append(c)
        }
        flush()
        return out
    }
}
