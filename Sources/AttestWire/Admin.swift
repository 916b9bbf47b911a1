/// `POST /v1/baselines` (admin): a signed baseline, base64 of the exact bytes and of the detached
/// CMS signature, and the group it becomes active for.
public struct BaselineUpload: Sendable, Hashable, Codable {
    public var baseline: String
    public var signature: String
    public var group: String
    public init(baseline: String, signature: String, group: String) { self.baseline = baseline; self.signature = signature; self.group = group }
}

public struct BaselineView: Sendable, Hashable, Codable {
    /// SHA-256 of the baseline bytes.
    public var id: String
    public var name: String
    public var version: String
    public var group: String
    public var pcrs: [Int]
    public var signer: String
    public var addedAt: String
    public init(id: String, name: String, version: String, group: String, pcrs: [Int], signer: String, addedAt: String) {
        self.id = id; self.name = name; self.version = version; self.group = group; self.pcrs = pcrs; self.signer = signer; self.addedAt = addedAt
    }
}

public struct BaselineList: Sendable, Hashable, Codable {
    public var baselines: [BaselineView]
    public init(baselines: [BaselineView]) { self.baselines = baselines }
}

/// `PUT /v1/hosts/{id}/group` (admin).
public struct GroupAssignment: Sendable, Hashable, Codable {
    public var group: String
    public init(group: String) { self.group = group }
}

/// RFC 9457 problem details (`application/problem+json`).
public struct Problem: Sendable, Hashable, Codable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// hostattest's stable code (`request.malformed-json`, `host.unknown`, …).
    public var code: String
    public init(type: String = "about:blank", title: String, status: Int, detail: String, code: String) {
        self.type = type; self.title = title; self.status = status; self.detail = detail; self.code = code
    }
}
