import ArgumentParser
import AttestCore
import Foundation

/// `hostattest vib info`: what a VIB says about itself (nothing here is verified).
struct VIBInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a VIB's descriptor, members and (unverified) signer.")

    @Argument(help: "The VIB file.") var file: String
    @OptionGroup var out: OutputOptions

    func run() throws {
        let vib: VIB
        do { vib = try VIB(data: try Files.read(file)) } catch let e as ParseError { throw CLIError.parse(file, e) }
        let summary = VIBSummary(vib: vib, file: file)
        try Output.emit(summary, json: out.json) { summary.text }
    }
}

/// A VIB's metadata as printed by `vib info` and inside `verify vib --json`.
struct VIBSummary: Encodable {
    struct Payload: Encodable {
        var name: String, type: String, size: Int?, sha256: String?, gunzipSHA256: String?, gunzipSHA1: String?
    }
    struct Member: Encodable { var name: String, offset: Int, size: Int }

    var file: String
    var name: String
    var version: String
    var vendor: String
    var type: String
    var summary: String
    var description: String
    var releaseDate: String
    var acceptanceLevel: AcceptanceLevel
    var liveInstallAllowed: Bool
    var liveRemoveAllowed: Bool
    var relationships: VIBDescriptor.Relationships
    var payloads: [Payload]
    var members: [Member]
    var descriptorSHA256: String
    var signed: Bool
    /// From the signature, unverified.
    var untrustedSigner: String?
    var untrustedSigningTime: Date?

    init(vib: VIB, file: String) {
        let d = vib.descriptor
        self.file = file
        name = d.name; version = d.version; vendor = d.vendor; type = d.type
        summary = d.summary; description = d.description; releaseDate = d.releaseDate
        acceptanceLevel = d.acceptanceLevel
        liveInstallAllowed = d.liveInstallAllowed; liveRemoveAllowed = d.liveRemoveAllowed
        relationships = d.relationships
        payloads = d.payloads.map { Payload(name: $0.name, type: $0.type.rawValue, size: $0.size, sha256: $0.sha256?.hex,
                                            gunzipSHA256: $0.gunzipSHA256?.hex, gunzipSHA1: $0.gunzipSHA1?.hex) }
        members = vib.archive.members.map { Member(name: $0.name, offset: $0.dataOffset, size: $0.size) }
        descriptorSHA256 = vib.descriptorSHA256.hex
        signed = vib.isSigned
        if signed, let sig = try? DetachedCMSSignature(bytes: vib.signature) {
            untrustedSigningTime = sig.untrustedSigningTime
            untrustedSigner = sig.untrustedCertificates.first.map(\.subject)
        }
    }

    var text: String {
        var lines = [
            "\(file): \(name) \(version)",
            "  vendor:            \(vendor)",
            "  type:              \(type)",
            "  acceptance level:  \(acceptanceLevel)",
            "  summary:           \(summary)",
            "  release date:      \(releaseDate)",
            "  live install/remove: \(liveInstallAllowed)/\(liveRemoveAllowed)",
            "  descriptor SHA-256: \(descriptorSHA256)",
            "  signature:         \(signed ? "present (unverified)\(untrustedSigner.map { ", carries \($0)" } ?? "")" : "none (community only)")",
            "  members:",
        ]
        for m in members { lines.append("    \(m.name)  \(m.size) bytes at \(m.offset)") }
        for p in payloads {
            lines.append("  payload \(p.name) (\(p.type), \(p.size.map(String.init) ?? "?") bytes)")
            lines.append("    sha-256:          \(p.sha256 ?? "-")")
            lines.append("    gunzip sha-256:   \(p.gunzipSHA256 ?? "-")")
            lines.append("    gunzip sha-1:     \(p.gunzipSHA1 ?? "-")")
        }
        for (kind, list) in [("depends", relationships.depends), ("conflicts", relationships.conflicts), ("replaces", relationships.replaces)] where !list.isEmpty {
            lines.append("  \(kind): " + list.map { "\($0.name)\($0.relation.map { " \($0)" } ?? "")\($0.version.map { " \($0)" } ?? "")" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
