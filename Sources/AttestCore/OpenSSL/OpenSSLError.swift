internal import COpenSSL

/// An error reported by OpenSSL. This is the one place where OpenSSL's error queue becomes a Swift
/// error: every call into OpenSSL that can fail goes through ``OpenSSL/check(_:_:)`` or
/// ``OpenSSL/nonNull(_:_:)``.
public struct OpenSSLError: Error, Sendable, CustomStringConvertible {
    /// The OpenSSL function that failed.
    public var function: String
    /// OpenSSL's error strings, oldest first (may be empty).
    public var reasons: [String]

    public var description: String {
        reasons.isEmpty ? "\(function) failed" : "\(function) failed: \(reasons.joined(separator: "; "))"
    }
}

enum OpenSSL {
    /// Drains OpenSSL's thread-local error queue into a Swift error.
    static func error(_ function: String) -> OpenSSLError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let end = buffer.firstIndex(of: 0) ?? buffer.count
            reasons.append(String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return OpenSSLError(function: function, reasons: reasons)
    }

    /// Throws unless an OpenSSL status return is 1 (or, with `positive: true`, > 0).
    @discardableResult
    static func check(_ rc: Int32, _ function: String, positive: Bool = false) throws -> Int32 {
        if rc == 1 || (positive && rc > 0) { return rc }
        throw error(function)
    }

    /// Throws if an OpenSSL constructor returned NULL.
    static func nonNull<T>(_ pointer: T?, _ function: String) throws -> T {
        guard let pointer else { throw error(function) }
        return pointer
    }

    /// Clears any stale errors before a sequence of calls whose failures we report.
    static func clearErrors() { ERR_clear_error() }
}
