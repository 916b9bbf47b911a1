import AttestCore
import Hummingbird

/// The query of a listing: `GET /v1/hosts/{id}/attestations` and `GET /v1/enrollments` (audit lists:
/// `after` a position cursor) and `GET /v1/hosts` (`after` a host name): `limit` (1–1000, default
/// 1000) entries after `after` (a `next` from an earlier page). Anything else in them is a 400, never a
/// silently different page.
enum AuditPaging {
    static let maxLimit = 1000

    static func parse(_ query: Parameters) throws -> (after: Int64?, limit: Int) {
        let limit = try self.limit(query)
        var after: Int64? = nil
        if let text = try single(query, "after") {
            guard let n = decimal(text) else { throw APIError(400, .requestInvalid, "after must be a cursor from an earlier page's next") }
            after = n
        }
        return (after, limit)
    }

    /// The query of `GET /v1/hosts`: `limit` as above, `after` a host name (the `next` of an earlier page).
    static func parseNames(_ query: Parameters) throws -> (after: String?, limit: Int) {
        let limit = try self.limit(query)
        let after = try single(query, "after")
        if let after, !EnrollmentService.validName(after) {
            throw APIError(400, .requestInvalid, "after must be a host name (the next of an earlier page)")
        }
        return (after, limit)
    }

    /// `limit`: 1…``maxLimit``, ``maxLimit`` when absent.
    private static func limit(_ query: Parameters) throws -> Int {
        guard let text = try single(query, "limit") else { return maxLimit }
        guard let n = decimal(text), (1...Int64(maxLimit)).contains(n) else {
            throw APIError(400, .requestInvalid, "limit must be a whole number from 1 to \(maxLimit)")
        }
        return Int(n)
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
