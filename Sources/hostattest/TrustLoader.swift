import AttestCore
import Foundation

/// Turns `--trust` arguments into ``TrustAnchors``: a `trust.json` (roles, paths relative to it) or
/// one or more certificate files (PEM/DER) that anchor every role.
enum TrustLoader {
    static func load(_ paths: [String]) throws -> TrustAnchors {
        guard !paths.isEmpty else { throw CLIError("--trust is required: nothing is trusted by default") }
        if paths.count == 1, paths[0].hasSuffix(".json") {
            return try loadTrustFile(paths[0])
        }
        var certs: [X509Certificate] = []
        for path in paths {
            if path.hasSuffix(".json") { throw CLIError.file(path, "a trust file cannot be combined with other --trust arguments") }
            certs += try loadCertificates(path)
        }
        return .anchoringEverything(certs)
    }

    static func loadTrustFile(_ path: String) throws -> TrustAnchors {
        let file: TrustFile
        do { file = try TrustFile(jsonData: try Files.readBytes(path)) } catch let e as ParseError { throw CLIError.parse(path, e) }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ name: String) -> String {
            name.hasPrefix("/") ? name : base.appendingPathComponent(name).path
        }
        func certs(_ names: [String]?) throws -> [X509Certificate] {
            try (names ?? []).flatMap { try loadCertificates(resolve($0), via: path) }
        }
        var levels: [AcceptanceLevel: [X509Certificate]] = [:]
        for level in AcceptanceLevel.signedLevels { levels[level] = try certs(file.vib?.files(for: level)) }
        let anchors = TrustAnchors(
            platform: try certs(file.platform),
            bootVendor: try certs(file.bootVendor),
            vibRoot: try certs(file.vib?.root),
            vibLevels: levels,
            profile: try certs(file.profile),
            dbxFiles: try (file.dbx ?? []).map { try Files.readBytes(resolve($0)) },
            demoOnly: file.demoOnly ?? false)
        if anchors.demoOnly {
            Output.warn("\(path) is a DEMO-ONLY trust file: its private keys are public; never use it to trust a real host")
        }
        return anchors
    }

    static func loadCertificates(_ path: String, via trustFile: String? = nil) throws -> [X509Certificate] {
        do {
            return try X509Certificate.load(try Files.readBytes(path))
        } catch let e as ParseError {
            throw CLIError.parse(trustFile.map { "\(path) (named in \($0))" } ?? path, e)
        }
    }
}
