import AttestCore
import Hummingbird

/// The query of an audit listing (`GET /v1/hosts/{id}/attestations`, `GET /v1/enrollments`):
/// `limit` (1–1000, default 1000) entries after the cursor `after` (a `next` from an earlier page).
/// Anything else in them is a 400, never a silently different page.
enum AuditPaging {
    static let maxLimit = 1000

    static func parse(_ query: Parameters) throws -> (after: Int64?, limit: Int) {
        var limit = maxLimit
        if let text = try single(query, "limit") {
            guard let n = decimal(text), (1...Int64(maxLimit)).contains(n) else {
                throw APIError(400, .requestInvalid, "limit must be a whole number from 1 to \(maxLimit)")
            }
            limit = Int(n)
        }
        var after: Int64? = nil
        if let text = try single(query, "after") {
            guard let n = decimal(text) else { throw APIError(400, .requestInvalid, "after must be a cursor from an earlier page's next") }
            after = n
        }
        return (after, limit)
    }

    /// The parameter's one value, or nil; given twice is an error.
    private static func single(_ query: Parameters, _ name: String) throws -> String? {
        let values = query.getAll(name)
        guard values.count <= 1 else { throw APIError(400, .requestInvalid, "\(name) is given more than once") }
        return values.first.map { String($0) }
    }

    /// 1–19 ASCII digits that fit an Int64.
    private static func decimal(_ text: String) -> Int64? {
        guard (1...19).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(text)
    }
}
