/// An XML element as read by ``StrictXMLParser``: a name, attributes in document order, and
/// children (elements and text). Only the subset a VIB descriptor uses is representable: no DTD,
/// no entities beyond the five predefined ones and character references, no namespaces processing.
public struct StrictXMLElement: Sendable, Hashable {
    public enum Child: Sendable, Hashable {
        case element(StrictXMLElement)
        case text(String)
    }

    public var name: String
    public var attributes: [(name: String, value: String)] {
        get { attributeList.map { ($0.name, $0.value) } }
        set { attributeList = newValue.map { Attribute(name: $0.name, value: $0.value) } }
    }
    public var children: [Child]
    /// Byte offset of the element's `<` in the parsed document (0 for built elements).
    public var offset: Int

    struct Attribute: Sendable, Hashable { var name: String; var value: String }
    var attributeList: [Attribute]

    public init(_ name: String, attributes: [(name: String, value: String)] = [], children: [Child] = [], offset: Int = 0) {
        self.name = name
        self.attributeList = attributes.map { Attribute(name: $0.name, value: $0.value) }
        self.children = children
        self.offset = offset
    }

    /// Convenience: an element holding only text.
    public init(_ name: String, text: String, attributes: [(name: String, value: String)] = []) {
        self.init(name, attributes: attributes, children: [.text(text)])
    }

    public func attribute(_ name: String) -> String? { attributeList.first { $0.name == name }?.value }

    public var elements: [StrictXMLElement] {
        children.compactMap { if case .element(let e) = $0 { return e } else { return nil } }
    }

    public func elements(named name: String) -> [StrictXMLElement] { elements.filter { $0.name == name } }

    public func first(_ name: String) -> StrictXMLElement? { elements.first { $0.name == name } }

    /// Concatenated text content of this element (not of its descendants).
    public var text: String {
        children.reduce(into: "") { if case .text(let t) = $1 { $0 += t } }
    }

    /// Serialises with two-space indentation; elements holding only text stay on one line.
    public func serialized(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        var s = pad + "<" + name
        for a in attributeList { s += " \(a.name)=\"\(Self.escape(a.value, attribute: true))\"" }
        if children.isEmpty { return s + "/>" }
        let hasElements = children.contains { if case .element = $0 { return true } else { return false } }
        if !hasElements { return s + ">" + Self.escape(text, attribute: false) + "</\(name)>" }
        s += ">\n"
        for child in children {
            switch child {
            case .element(let e): s += e.serialized(indent: indent + 1) + "\n"
            case .text(let t):
                let trimmed = t.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { s += pad + "  " + Self.escape(trimmed, attribute: false) + "\n" }
            }
        }
        return s + pad + "</\(name)>"
    }

    static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension StrictXMLElement {
    public static func == (a: StrictXMLElement, b: StrictXMLElement) -> Bool {
        a.name == b.name && a.attributeList == b.attributeList && a.children == b.children
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(attributeList)
        hasher.combine(children)
    }
}

import Foundation
