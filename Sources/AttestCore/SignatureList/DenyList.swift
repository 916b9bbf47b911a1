import Foundation
import SwiftASN1

/// A revocation list in the sense of UEFI `dbx`: Authenticode image digests and certificates that
/// must not be trusted.
///
/// `init(bytes:)` accepts, by content:
/// - a UEFI signature database (EFI_SIGNATURE_LIST binary, with or without the efivarfs attributes
///   word): EFI_CERT_SHA1/SHA256/SHA384/SHA512_GUID entries are image digests, EFI_CERT_X509_GUID
///   entries are certificates; other types are kept as ``ignoredTypes``;
/// - a single DER certificate;
/// - text, one entry per line: `#` starts a comment; a hex Authenticode digest (64 hex characters
///   for SHA-256; 40/96/128 for SHA-1/384/512); or a PEM `CERTIFICATE` block.
public struct DenyList: Sendable, Hashable {
    public struct Digest: Sendable, Hashable, Codable {
        public var algorithm: DigestAlgorithm
        public var value: [UInt8]

        public init(algorithm: DigestAlgorithm, value: [UInt8]) {
            self.algorithm = algorithm
            self.value = value
        }
    }

    public var digests: [Digest]
    /// DER certificates.
    public var certificates: [[UInt8]]
    /// Signature-list types present but not used for revocation (e.g. EFI_CERT_X509_SHA256_GUID).
    public var ignoredTypes: [EFIGUID]
    /// SHA-256 digests of revoked certificates' TBSCertificate (EFI_CERT_X509_SHA256_GUID).
    public var certificateTBSDigests: [[UInt8]]

    public static let empty = DenyList(digests: [], certificates: [], ignoredTypes: [])

    public init(digests: [Digest], certificates: [[UInt8]], ignoredTypes: [EFIGUID] = [], certificateTBSDigests: [[UInt8]] = []) {
        self.digests = digests
        self.certificates = certificates
        self.ignoredTypes = ignoredTypes
        self.certificateTBSDigests = certificateTBSDigests
    }

    public init(bytes: [UInt8]) throws {
        if bytes.first == 0x30, let length = try? PEImage.derElementLength(bytes[...], structure: "Certificate", baseOffset: 0), length == bytes.count {
            self.init(digests: [], certificates: [bytes])
            return
        }
        if let text = String(validatingUTF8CString: bytes), Self.looksLikeText(bytes) {
            try self.init(text: text)
            return
        }
        let database = try SignatureDatabase(bytes: bytes)
        self.init(database: database)
    }

    public init(database: SignatureDatabase) {
        self.init(digests: database.digests.map { Digest(algorithm: $0.0, value: $0.1) },
                  certificates: database.x509Certificates,
                  ignoredTypes: database.ignoredTypes,
                  certificateTBSDigests: database.certificateTBSDigests)
    }

    /// Parses the text format (see the type's documentation). Errors name the line.
    public init(text: String) throws {
        var digests: [Digest] = []
        var certificates: [[UInt8]] = []
        var pem: [String]? = nil
        let s = "dbx text"
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            let number = index + 1
            if var block = pem {
                if line.hasPrefix("-----END CERTIFICATE-----") {
                    guard let der = Data(base64Encoded: block.joined()), !der.isEmpty else {
                        throw ParseError(s, "line \(number): the PEM certificate block is not valid base64", code: .dbxBadEntry)
                    }
                    certificates.append(Array(der))
                    pem = nil
                } else {
                    block.append(line)
                    pem = block
                }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("-----BEGIN CERTIFICATE-----") { pem = []; continue }
            let token = String(line.split(separator: "#", maxSplits: 1)[0]).trimmingCharacters(in: .whitespaces)
            guard let value = Hex.decode(token),
                  let algorithm = DigestAlgorithm.allCases.first(where: { $0.digestSize == value.count }) else {
                throw ParseError(s, "line \(number): '\(token.prefix(40))' is neither a hex SHA-1/256/384/512 digest nor a PEM certificate", code: .dbxBadEntry)
            }
            digests.append(Digest(algorithm: algorithm, value: value))
        }
        guard pem == nil else {
            throw ParseError(s, "a PEM certificate block has no END line", code: .dbxBadEntry)
        }
        self.init(digests: digests, certificates: certificates)
    }

    /// Printable ASCII/UTF-8 with line breaks and no NUL: treat as the text format.
    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || ($0 >= 0x20 && $0 != 0x7F) }
    }

    public var isEmpty: Bool { digests.isEmpty && certificates.isEmpty && certificateTBSDigests.isEmpty }

    /// Algorithms whose digests the list names.
    public var digestAlgorithms: Set<DigestAlgorithm> { Set(digests.map(\.algorithm)) }

    public func contains(digest: [UInt8], algorithm: DigestAlgorithm) -> Bool {
        digests.contains { $0.algorithm == algorithm && ConstantTime.equal($0.value, digest) }
    }

    /// Whether the DER certificate is listed, by its encoding or by the SHA-256 of its TBSCertificate.
    public func contains(certificate der: [UInt8]) -> Bool {
        if certificates.contains(where: { $0 == der }) { return true }
        guard !certificateTBSDigests.isEmpty, let tbs = Self.tbsCertificate(der) else { return false }
        let digest = DigestAlgorithm.sha256.hash(tbs)
        return certificateTBSDigests.contains { ConstantTime.equal($0, digest) }
    }

    /// The encoded TBSCertificate (first element of the Certificate SEQUENCE, RFC 5280 4.1).
    static func tbsCertificate(_ der: [UInt8]) -> [UInt8]? {
        guard let root = try? DER.parse(der), case .constructed(let children) = root.content,
              let tbs = children.first(where: { _ in true }) else { return nil }
        return Array(tbs.encodedBytes)
    }

    /// Fuzz entry point: never traps.
    public static func fuzz(_ data: [UInt8]) {
        _ = try? DenyList(bytes: data)
    }
}

private extension String {
    /// UTF-8 decoding that fails on invalid input instead of substituting.
    init?(validatingUTF8CString bytes: [UInt8]) {
        guard let s = String(bytes: bytes, encoding: .utf8) else { return nil }
        self = s
    }
}

extension DenyList {
    /// Parses and merges several deny-list files (e.g. ``TrustAnchors/dbxFiles``).
    public init(files: [[UInt8]]) throws {
        var list = DenyList.empty
        for file in files { list = list.merged(with: try DenyList(bytes: file)) }
        self = list
    }

    /// Both lists' entries.
    public func merged(with other: DenyList) -> DenyList {
        DenyList(digests: digests + other.digests, certificates: certificates + other.certificates,
                 ignoredTypes: ignoredTypes + other.ignoredTypes.filter { !ignoredTypes.contains($0) },
                 certificateTBSDigests: certificateTBSDigests + other.certificateTBSDigests)
    }
}
