import Foundation

/// The server's RFC 3339 timestamps (with or without fractional seconds).
enum ServerTime {
    static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let whole = Date.ISO8601FormatStyle()

    static func parse(_ text: String) -> Date? {
        guard text.count <= 64 else { return nil }
        return (try? fractional.parse(text)) ?? (try? whole.parse(text))
    }
}
