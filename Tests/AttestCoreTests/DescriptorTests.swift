import Foundation
import Testing
import TestSupport
@testable import AttestCore

@Suite struct DescriptorTests {
    static let template = """
    <vib version="5.0">
      <type>bootbank</type>
      <name>net-demo</name>
      <version>1.2.0-1.0.1</version>
      <vendor>Example &amp; Co</vendor>
      <summary>Demo NIC driver</summary>
      <description>A demo driver</description>
      <release-date>2026-01-15T10:00:00+00:00</release-date>
      <urls/>
      <relationships>
        <depends><constraint name="esx-base" relation="&gt;=" version="7.0.0"/></depends>
        <conflicts/>
        <replaces><constraint name="net-old"/></replaces>
        <provides><provide name="net-api" version="1.0"/></provides>
      </relationships>
      <software-tags/>
      <acceptance-level>partner</acceptance-level>
      <live-install-allowed>true</live-install-allowed>
      <live-remove-allowed>false</live-remove-allowed>
      <payloads>
        <payload name="netdemo" type="vgz"/>
      </payloads>
    </vib>
    """

    @Test func parsesTheVMwareLayout() throws {
        let d = try VIBDescriptor(bytes: Array(Self.template.utf8))
        #expect(d.formatVersion == "5.0")
        #expect(d.name == "net-demo" && d.version == "1.2.0-1.0.1" && d.vendor == "Example & Co")
        #expect(d.acceptanceLevel == .partner)
        #expect(d.liveInstallAllowed && !d.liveRemoveAllowed)
        #expect(d.relationships.depends == [.init(name: "esx-base", relation: ">=", version: "7.0.0")])
        #expect(d.relationships.replaces.map(\.name) == ["net-old"])
        #expect(d.payloads == [.init(name: "netdemo", type: .vgz)])
    }

    @Test func buildFillsSizesAndChecksumsAndRoundTrips() throws {
        let raw = Array("hello vib payload\n".utf8)
        let gz = try Gzip.compress(raw)
        let built = try VIBBuilder.build(descriptor: Array(Self.template.utf8), payloads: [.init(name: "netdemo", bytes: gz)])
        let vib = try VIB(bytes: built.vib)
        let p = try #require(vib.descriptor.payloads.first)
        #expect(p.size == gz.count)
        #expect(p.sha256 == DigestAlgorithm.sha256.hash(gz))
        #expect(p.gunzipSHA256 == DigestAlgorithm.sha256.hash(raw))
        #expect(p.gunzipSHA1 == DigestAlgorithm.sha1.hash(raw))
        #expect(vib.descriptor.relationships == (try VIBDescriptor(bytes: Array(Self.template.utf8))).relationships)
        #expect(!vib.isSigned)
        let report = VIBPayloadCheck.check(vib, deep: true, component: "x")
        #expect(report.isValid, "\(report.failures)")
        #expect(try Gzip.decompress(gz) == raw)
    }

    @Test func buildRefusesAPayloadThatIsNotGzip() {
        #expect(throws: ParseError.self) {
            try VIBBuilder.build(descriptor: Array(Self.template.utf8), payloads: [.init(name: "netdemo", bytes: [1, 2, 3])])
        }
    }

    static func replacing(_ a: String, _ b: String) -> [UInt8] { Array(template.replacingOccurrences(of: a, with: b).utf8) }

    static let laughs = """
    <?xml version="1.0"?>
    <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
    <vib version="5.0">&lol2;</vib>
    """

    static let malformed = malformedTable.map(MalformedCase.init)
    static let malformedTable: [(String, [UInt8], String)] = [
        ("empty", [], "xml.malformed"),
        ("not XML", Array("hello".utf8), "xml.malformed"),
        ("unclosed root", Array(template.dropLast(6).utf8), "xml.malformed"),
        ("mismatched tag", replacing("</vendor>", "</vendorx>"), "xml.malformed"),
        ("billion laughs", Array(laughs.utf8), "xml.doctype"),
        ("external entity", Array("<!DOCTYPE vib [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><vib>&x;</vib>".utf8), "xml.doctype"),
        ("doctype lower-case in comment", Array("<!-- <!doctype x> --><vib/>".utf8), "xml.doctype"),
        ("undefined entity", replacing("Example &amp; Co", "Example &nbsp; Co"), "xml.malformed"),
        ("processing instruction", replacing("<urls/>", "<?php x?>"), "xml.malformed"),
        ("duplicate attribute", replacing("name=\"netdemo\"", "name=\"a\" name=\"b\""), "xml.malformed"),
        ("bad char reference", replacing("Demo NIC", "&#0;"), "xml.malformed"),
        ("invalid UTF-8", Array(template.utf8) + [0xff, 0xfe], "xml.encoding"),
        ("too large", Array("<vib>".utf8) + [UInt8](repeating: 0x61, count: 1 << 20) + Array("</vib>".utf8), "xml.too-large"),
        ("too deep", Array((String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)).utf8), "xml.malformed"),
        ("text after root", Array((template + "junk").utf8), "xml.malformed"),
        ("wrong root", Array("<bundle version=\"5.0\"/>".utf8), "vib.descriptor"),
        ("missing name", replacing("<name>net-demo</name>", ""), "vib.descriptor"),
        ("unknown acceptance level", replacing(">partner<", ">vmwarecertified<"), "vib.descriptor"),
        ("unknown payload type", replacing("type=\"vgz\"", "type=\"zip\""), "vib.descriptor"),
        ("non-numeric payload size", replacing("type=\"vgz\"", "type=\"vgz\" size=\"12x\""), "vib.descriptor"),
        ("huge payload size", replacing("type=\"vgz\"", "type=\"vgz\" size=\"99999999999999999999\""), "vib.descriptor"),
        ("unknown checksum algorithm", replacing("type=\"vgz\"/>", "type=\"vgz\"><checksum checksum-type=\"md5\">00</checksum></payload>"), "vib.descriptor"),
        ("short checksum", replacing("type=\"vgz\"/>", "type=\"vgz\"><checksum checksum-type=\"sha-256\">abcd</checksum></payload>"), "vib.descriptor"),
        ("payload named descriptor.xml", replacing("name=\"netdemo\"", "name=\"descriptor.xml\""), "vib.descriptor"),
        ("payload name with slash", replacing("name=\"netdemo\"", "name=\"a/b\""), "vib.descriptor"),
        ("duplicate payload", replacing("<payload name=\"netdemo\" type=\"vgz\"/>", "<payload name=\"p\" type=\"vgz\"/><payload name=\"p\" type=\"tgz\"/>"), "vib.descriptor"),
        ("bad flag", replacing("<live-install-allowed>true", "<live-install-allowed>maybe"), "vib.descriptor"),
        ("unsupported vib version", replacing("<vib version=\"5.0\">", "<vib version=\"9.0\">"), "vib.descriptor"),
    ]

    @Test(arguments: malformed)
    func malformedDescriptorThrows(_ m: MalformedCase) {
        let c = m.t
        do {
            _ = try VIBDescriptor(bytes: c.1)
            Issue.record("\(c.0): parsed")
        } catch let e as ParseError {
            #expect(e.code.rawValue == c.2, "\(c.0): \(e)")
            #expect(e.structure == "descriptor.xml", "\(c.0): \(e)")
        } catch {
            Issue.record("\(c.0): unexpected \(error)")
        }
    }

    /// libFuzzer find (slow unit): the duplicate-attribute check searched the attributes read so far,
    /// so one start tag with n attributes cost O(n²): `<vib a0="" a1="" … a7999=""/>` (71 KB) took 3 s
    /// under the fuzzer build, and a 1 MiB descriptor (~10^5 attributes) minutes. Duplicates are now
    /// found with a set; a duplicate is still refused.
    @Test func manyAttributesParseAtScale() throws {
        var xml = "<vib"
        var n = 0
        while xml.utf8.count < StrictXMLParser.maxSize - 32 { xml += " a\(n)=\"\""; n += 1 }
        xml += "/>"
        var root: StrictXMLElement?
        root = try? StrictXMLParser.parse(Array(xml.utf8))
        #expect(root?.attributeList.count == n)
        #expect(throws: ParseError.self) { try StrictXMLParser.parse(Array("<vib a=\"1\" b=\"2\" a=\"3\"/>".utf8)) }
    }

    @Test func fuzzNeverTraps() {
        var rng = SplitMix64(seed: 0xD35C)
        let base = Array(Self.template.utf8)
        for _ in 0..<3000 { VIBDescriptor.fuzz(rng.mutate(base)) }
        // And whole VIBs.
        let vib = (try? VIBBuilder.build(descriptor: base, payloads: [.init(name: "netdemo", bytes: (try? Gzip.compress([1, 2, 3])) ?? [])]).vib) ?? []
        for _ in 0..<2000 { VIB.fuzz(rng.mutate(vib)) }
    }

    @Test func gzipRejectsCorruptAndTruncatedStreams() throws {
        let gz = try Gzip.compress(Array(repeating: 7, count: 10_000))
        #expect(throws: ParseError.self) { try Gzip.decompress(Array(gz.prefix(gz.count / 2))) }
        var bad = gz; bad[12] ^= 0xff
        #expect(throws: ParseError.self) { try Gzip.decompress(bad) }
        #expect(throws: ParseError.self) { try Gzip.decompress([]) }
        // Concatenated members decompress to the concatenation.
        #expect(try Gzip.decompress(gz + gz).count == 20_000)
    }

    @Test(arguments: [("1.0", "1.0", 0), ("1.0", "1.1", -1), ("1.10", "1.9", 1), ("6.7.0-3.0.14320388", "6.7.0-3.0.9", 1), ("1.0-1", "1.0", 1), ("1.0a", "1.0b", -1)])
    func versionOrder(_ c: (String, String, Int)) {
        #expect(VIBVersion.compare(c.0, c.1) == c.2)
    }
}
