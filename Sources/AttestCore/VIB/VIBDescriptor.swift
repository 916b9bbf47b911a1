import Foundation

/// `descriptor.xml` of a VIB (`<vib version="5.0">`), the metadata that `sig.pkcs7` signs.
///
/// Element names follow VMware's descriptor layout: `type`, `name`, `version`, `vendor`, `summary`,
/// `description`, `release-date`, `relationships` (`depends`, `conflicts`, `replaces`, `provides`,
/// each a list of `constraint`/`provide` with `name`, `relation`, `version`), `acceptance-level`,
/// `live-install-allowed`, `live-remove-allowed`, and `payloads` with one `payload` (`name`, `type`,
/// `size`) per payload member carrying `checksum` elements (`checksum-type` `sha-256`/`sha-1`, optional
/// `verify-process="gunzip"`). Other elements (`urls`, `software-tags`, `system-requires`, `file-list`,
/// …) are kept in ``xml`` and round-trip unchanged, but hostattest does not interpret them.
public struct VIBDescriptor: Sendable, Hashable {
    /// The `version` attribute of `<vib>` (the descriptor format, `5.0`).
    public var formatVersion: String
    /// `bootbank`, `locker`, …
    public var type: String
    public var name: String
    public var version: String
    public var vendor: String
    public var summary: String
    public var description: String
    public var releaseDate: String
    public var relationships: Relationships
    public var acceptanceLevel: AcceptanceLevel
    public var liveInstallAllowed: Bool
    public var liveRemoveAllowed: Bool
    public var payloads: [Payload]
    /// The parsed document, including elements not modelled above.
    public var xml: StrictXMLElement

    public struct Constraint: Sendable, Hashable, Codable {
        public var name: String
        /// `<<`, `<=`, `=`, `>=`, `>>` (as written in the descriptor, unescaped).
        public var relation: String?
        public var version: String?
        public init(name: String, relation: String? = nil, version: String? = nil) {
            self.name = name; self.relation = relation; self.version = version
        }
    }

    public struct Relationships: Sendable, Hashable, Codable {
        public var depends: [Constraint] = []
        public var conflicts: [Constraint] = []
        public var replaces: [Constraint] = []
        public var provides: [Constraint] = []
        public init() {}
    }

    public enum PayloadType: String, Sendable, Hashable, Codable, CaseIterable {
        /// gzip-compressed vmtar.
        case vgz
        /// gzip-compressed tar.
        case tgz
    }

    /// One `<payload>`: the ar member of the same name, its size and checksums.
    public struct Payload: Sendable, Hashable {
        public var name: String
        public var type: PayloadType
        /// `size`: the member's size in bytes (nil in a template before `vib build` fills it).
        public var size: Int?
        /// `sha-256` over the member bytes.
        public var sha256: [UInt8]?
        /// `sha-256` with `verify-process="gunzip"`: over the decompressed stream.
        public var gunzipSHA256: [UInt8]?
        /// `sha-1` with `verify-process="gunzip"`.
        public var gunzipSHA1: [UInt8]?
        /// `uncompressed-size` (a hostattest extension, written by `vib build`): the exact size of the
        /// decompressed stream. `--deep` stops decompressing past it (`vib.payload-too-large`) and
        /// requires it exactly (`vib.gunzip-size-mismatch`).
        public var uncompressedSize: Int?

        public init(name: String, type: PayloadType, size: Int? = nil, sha256: [UInt8]? = nil, gunzipSHA256: [UInt8]? = nil, gunzipSHA1: [UInt8]? = nil,
                    uncompressedSize: Int? = nil) {
            self.name = name; self.type = type; self.size = size
            self.sha256 = sha256; self.gunzipSHA256 = gunzipSHA256; self.gunzipSHA1 = gunzipSHA1
            self.uncompressedSize = uncompressedSize
        }
    }

    /// Most payloads a descriptor may list (`vib.too-many-payloads`); VMware's VIBs carry a handful.
    public static let maxPayloads = 256

    /// Largest descriptor accepted.
    public static let maxSize = StrictXMLParser.maxSize
    /// Member names reserved for the descriptor and signature.
    public static let reservedMemberNames: Set<String> = ["descriptor.xml", "sig.pkcs7"]

    /// Parses and validates `descriptor.xml`. Throws ``ParseError`` (structure `descriptor.xml`) for
    /// malformed XML, a DOCTYPE/entity declaration, a missing required element, an unknown acceptance
    /// level, payload type or checksum algorithm, or a malformed size or checksum.
    public init(bytes: [UInt8]) throws {
        let s = "descriptor.xml"
        let root = try StrictXMLParser.parse(bytes, structure: s)
        guard root.name == "vib" else { throw ParseError(s, at: root.offset, "root element is <\(root.name)>, expected <vib>", code: .vibDescriptor) }
        func required(_ name: String) throws -> String {
            guard let e = root.first(name) else { throw ParseError(s, at: root.offset, "missing required element <\(name)>", code: .vibDescriptor) }
            let t = e.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !t.isEmpty else { throw ParseError(s, at: e.offset, "<\(name)> is empty", code: .vibDescriptor) }
            return t
        }
        func optional(_ name: String) -> String { root.first(name)?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
        func flag(_ name: String) throws -> Bool {
            guard let e = root.first(name) else { return false }
            switch e.text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
            case "true", "1": return true
            case "false", "0", "": return false
            case let other: throw ParseError(s, at: e.offset, "<\(name)> is \"\(other)\", expected true or false", code: .vibDescriptor)
            }
        }
        formatVersion = root.attribute("version") ?? ""
        guard formatVersion.hasPrefix("5.") || formatVersion.hasPrefix("4.") else {
            throw ParseError(s, at: root.offset, "unsupported <vib version=\"\(formatVersion)\">, expected 5.0", code: .vibDescriptor)
        }
        type = try required("type")
        name = try required("name")
        version = try required("version")
        vendor = try required("vendor")
        summary = optional("summary")
        description = optional("description")
        releaseDate = optional("release-date")
        let levelText = try required("acceptance-level")
        guard let level = AcceptanceLevel(rawValue: levelText.lowercased()) else {
            throw ParseError(s, at: root.first("acceptance-level")?.offset, "unknown acceptance level \"\(levelText)\" (expected certified, accepted, partner or community)", code: .vibDescriptor)
        }
        acceptanceLevel = level
        liveInstallAllowed = try flag("live-install-allowed")
        liveRemoveAllowed = try flag("live-remove-allowed")

        var rel = Relationships()
        if let r = root.first("relationships") {
            func constraints(_ group: String) -> [Constraint] {
                (r.first(group)?.elements ?? []).compactMap { c in
                    guard let n = c.attribute("name") else { return nil }
                    return Constraint(name: n, relation: c.attribute("relation"), version: c.attribute("version"))
                }
            }
            rel.depends = constraints("depends")
            rel.conflicts = constraints("conflicts")
            rel.replaces = constraints("replaces")
            rel.provides = constraints("provides")
        }
        relationships = rel

        var payloads: [Payload] = []
        var seen = Set<String>()
        let payloadElements = root.first("payloads")?.elements(named: "payload") ?? []
        guard payloadElements.count <= Self.maxPayloads else {
            throw ParseError(s, at: payloadElements[Self.maxPayloads].offset, "lists \(payloadElements.count) payloads; at most \(Self.maxPayloads) are accepted", code: .vibTooManyPayloads)
        }
        for p in payloadElements {
            let payload = try Self.payload(p, structure: s)
            guard seen.insert(payload.name).inserted else {
                throw ParseError(s, at: p.offset, "payload \"\(payload.name)\" is listed twice", code: .vibDescriptor)
            }
            payloads.append(payload)
        }
        self.payloads = payloads
        xml = root
    }

    private static func payload(_ p: StrictXMLElement, structure s: String) throws -> Payload {
        guard let name = p.attribute("name"), !name.isEmpty else {
            throw ParseError(s, at: p.offset, "<payload> has no name", code: .vibDescriptor)
        }
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= 16, nameBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") }),
              !reservedMemberNames.contains(name) else {
            throw ParseError(s, at: p.offset, "payload name \"\(name)\" is not a valid VIB member name (1-16 printable ASCII characters, not descriptor.xml or sig.pkcs7)", code: .vibDescriptor)
        }
        guard let typeText = p.attribute("type"), let type = PayloadType(rawValue: typeText) else {
            throw ParseError(s, at: p.offset, "payload \"\(name)\" has unknown type \"\(p.attribute("type") ?? "")\" (expected vgz or tgz)", code: .vibDescriptor)
        }
        var payload = Payload(name: name, type: type)
        for (attribute, keyPath) in [("size", \Payload.size), ("uncompressed-size", \Payload.uncompressedSize)] {
            guard let sizeText = p.attribute(attribute), !sizeText.isEmpty else { continue }
            guard sizeText.utf8.count <= 15, sizeText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let size = Int(sizeText) else {
                throw ParseError(s, at: p.offset, "payload \"\(name)\" \(attribute) \"\(sizeText)\" is not a decimal number", code: .vibDescriptor)
            }
            payload[keyPath: keyPath] = size
        }
        for c in p.elements(named: "checksum") {
            let algName = c.attribute("checksum-type") ?? ""
            let process = c.attribute("verify-process")
            guard let alg = DigestAlgorithm(name: algName), alg == .sha256 || alg == .sha1 else {
                throw ParseError(s, at: c.offset, "payload \"\(name)\" has unknown checksum-type \"\(algName)\"", code: .vibDescriptor)
            }
            guard process == nil || process == "gunzip" else {
                throw ParseError(s, at: c.offset, "payload \"\(name)\" has unknown verify-process \"\(process ?? "")\"", code: .vibDescriptor)
            }
            let hexText = c.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let digest = Hex.decode(hexText), digest.count == alg.digestSize else {
                throw ParseError(s, at: c.offset, "payload \"\(name)\" \(algName) checksum \"\(hexText.prefix(80))\" is not \(alg.digestSize * 2) hex digits", code: .vibDescriptor)
            }
            switch (alg, process) {
            case (.sha256, nil): payload.sha256 = digest
            case (.sha256, "gunzip"): payload.gunzipSHA256 = digest
            case (.sha1, "gunzip"): payload.gunzipSHA1 = digest
            default: break // sha-1 over the compressed member is legacy: accepted, not used
            }
        }
        return payload
    }

    /// Fuzz entry point: parses arbitrary bytes; must never trap.
    public static func fuzz(_ data: [UInt8]) {
        _ = try? VIBDescriptor(bytes: data)
    }
}

extension VIBDescriptor {
    /// The descriptor with `<payloads>` replaced by ``payloads`` (sizes and checksums as set),
    /// serialised as UTF-8 XML. Everything else in the document is kept.
    public func rendered() -> [UInt8] {
        var root = xml
        let payloadElements: [StrictXMLElement.Child] = payloads.map { p in
            var attrs: [(name: String, value: String)] = [("name", p.name), ("type", p.type.rawValue)]
            if let size = p.size { attrs.append(("size", String(size))) }
            if let size = p.uncompressedSize { attrs.append(("uncompressed-size", String(size))) }
            var checks: [StrictXMLElement.Child] = []
            if let d = p.sha256 { checks.append(.element(StrictXMLElement("checksum", text: d.hex, attributes: [("checksum-type", "sha-256")]))) }
            if let d = p.gunzipSHA256 { checks.append(.element(StrictXMLElement("checksum", text: d.hex, attributes: [("checksum-type", "sha-256"), ("verify-process", "gunzip")]))) }
            if let d = p.gunzipSHA1 { checks.append(.element(StrictXMLElement("checksum", text: d.hex, attributes: [("checksum-type", "sha-1"), ("verify-process", "gunzip")]))) }
            return .element(StrictXMLElement("payload", attributes: attrs, children: checks))
        }
        let payloadsElement = StrictXMLElement.Child.element(StrictXMLElement("payloads", children: payloadElements))
        if let index = root.children.firstIndex(where: { if case .element(let e) = $0 { return e.name == "payloads" } else { return false } }) {
            root.children[index] = payloadsElement
        } else {
            root.children.append(payloadsElement)
        }
        return Array((root.serialized() + "\n").utf8)
    }
}
