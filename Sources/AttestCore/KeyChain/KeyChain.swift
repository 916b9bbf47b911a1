import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Generates the hostattest signing key chain: the UEFI-style platform root, the boot vendor CA with its
/// kernel signer, and the VIB hierarchy (root, one CA per acceptance level, one signer per CA, and the
/// profile CA with its profile signer).
///
/// Pure: returns PEM text; takes the time as an argument. Keys come from the system's secure random
/// generator (through swift-crypto).
public enum KeyChain {
    /// The trust file written beside the certificates (format `hostattest-trust/1`).
    public static let trustFileName = "trust.json"
    /// The organization (O=) of the committed demo chain.
    public static let demoOrganization = "hostattest demo"
    /// The organization used when none is given.
    public static let defaultOrganization = "hostattest"

    /// The names of every file a generated chain consists of (see ``GeneratedKeyChain/files``), known
    /// before generating, so a caller can refuse to overwrite without spending time on keys.
    public static let fileNames: [String] =
        KeyChainRole.allCases.flatMap { [$0.certificateFile, $0.privateKeyFile] } + [trustFileName, "README.md"]

    /// Makes a complete, self-consistent chain.
    ///
    /// - Parameters:
    ///   - algorithm: key type of every key (RSA-2048 by default, what UEFI firmware must accept).
    ///   - organization: the O= of every subject; nil means ``defaultOrganization`` (or
    ///     ``demoOrganization`` for the demo chain).
    ///   - demo: mark the chain as the public demo chain: `DEMO` in every common name, `demoOnly: true`.
    ///   - now: generation time; certificates are valid from `now − 1 hour` (clock skew) for 20 years
    ///     (roots), 10 (intermediates) or 5 (leaves).
    ///   - progress: called after each certificate with (done, total); RSA-4096 takes seconds per key.
    public static func generate(algorithm: KeyAlgorithm = .default, organization: String? = nil,
                                demo: Bool = false, now: Date,
                                progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> GeneratedKeyChain {
        let org = organization ?? (demo ? demoOrganization : defaultOrganization)
        try validateOrganization(org)
        // Certificate times have whole-second precision.
        let now = Date(timeIntervalSince1970: (now.timeIntervalSince1970).rounded(.down))
        let notBefore = now.addingTimeInterval(-3600)

        var issued: [KeyChainRole: Issued] = [:]
        var entries: [GeneratedKeyChain.Entry] = []
        for role in KeyChainRole.allCases {
            let key = try SigningKeyMaterial(algorithm: algorithm)
            let subject = try DistinguishedName {
                OrganizationName(org)
                CommonName(role.commonName(demo: demo))
            }
            let issuer: Issued?
            if let issuerRole = role.issuer {
                guard let found = issued[issuerRole] else {
                    throw KeyChainError.generationFailed("\(role.rawValue): issuer \(issuerRole.rawValue) not generated yet")
                }
                issuer = found
            } else {
                issuer = nil
            }
            let notAfter = try addYears(role.validityYears, to: now)
            let ski = SubjectKeyIdentifier(hash: key.certificateKey.publicKey)
            let extensions = try makeExtensions(for: role, subjectKeyIdentifier: ski,
                                                authorityKeyIdentifier: issuer?.subjectKeyIdentifier)
            let certificate: Certificate
            do {
                certificate = try Certificate(
                    version: .v3,
                    serialNumber: randomSerialNumber(),
                    publicKey: key.certificateKey.publicKey,
                    notValidBefore: notBefore,
                    notValidAfter: notAfter,
                    issuer: issuer?.certificate.subject ?? subject,
                    subject: subject,
                    signatureAlgorithm: algorithm.certificateSignatureAlgorithm,
                    extensions: extensions,
                    issuerPrivateKey: issuer?.key ?? key.certificateKey
                )
            } catch {
                throw KeyChainError.generationFailed("\(role.rawValue): cannot build certificate: \(error)")
            }
            issued[role] = Issued(certificate: certificate, key: key.certificateKey, subjectKeyIdentifier: ski.keyIdentifier)

            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            let der = serializer.serializedBytes
            entries.append(GeneratedKeyChain.Entry(
                role: role,
                certificatePEM: pemText(PEMDocument(type: "CERTIFICATE", derBytes: der).pemString),
                certificateDER: der,
                privateKeyPEM: pemText(key.pkcs8PEM),
                subject: certificate.subject.description,
                issuer: certificate.issuer.description,
                serialHex: Array(certificate.serialNumber.bytes).hex,
                notBefore: notBefore,
                notAfter: notAfter,
                sha256Fingerprint: Array(SHA256.hash(data: der)).hex
            ))
            progress(entries.count, KeyChainRole.allCases.count)
        }
        return GeneratedKeyChain(algorithm: algorithm, demoOnly: demo, organization: org,
                                 generatedAt: now, entries: entries)
    }

    // MARK: - Pieces

    private struct Issued {
        var certificate: Certificate
        var key: Certificate.PrivateKey
        var subjectKeyIdentifier: ArraySlice<UInt8>
    }

    /// The extensions each role carries (RFC 5280, 4.2.1).
    static func makeExtensions(for role: KeyChainRole, subjectKeyIdentifier ski: SubjectKeyIdentifier,
                               authorityKeyIdentifier aki: ArraySlice<UInt8>?) throws -> Certificate.Extensions {
        var list: [Certificate.Extension] = []
        switch role {
        case .platformRoot:
            // The UEFI db role: a CA that also signs bootloaders directly.
            list.append(try .init(BasicConstraints.isCertificateAuthority(maxPathLength: nil), critical: true))
            list.append(try .init(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true), critical: true))
            list.append(try .init(ExtendedKeyUsage([.codeSigning]), critical: false))
        case .bootVendorCA:
            list.append(try .init(BasicConstraints.isCertificateAuthority(maxPathLength: nil), critical: true))
            list.append(try .init(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true), critical: true))
        case .vibRootCA:
            list.append(try .init(BasicConstraints.isCertificateAuthority(maxPathLength: nil), critical: true))
            list.append(try .init(KeyUsage(keyCertSign: true, cRLSign: true), critical: true))
        case .vibCertifiedCA, .vibAcceptedCA, .vibPartnerCA, .profileCA:
            list.append(try .init(BasicConstraints.isCertificateAuthority(maxPathLength: 0), critical: true))
            list.append(try .init(KeyUsage(keyCertSign: true, cRLSign: true), critical: true))
        case .kernelSigner, .vibCertifiedSigner, .vibAcceptedSigner, .vibPartnerSigner:
            list.append(try .init(BasicConstraints.notCertificateAuthority, critical: true))
            list.append(try .init(KeyUsage(digitalSignature: true), critical: true))
            list.append(try .init(ExtendedKeyUsage([.codeSigning]), critical: false))
        case .profileSigner:
            // Its own usage, not codeSigning: this key signs image profiles and nothing else.
            list.append(try .init(BasicConstraints.notCertificateAuthority, critical: true))
            list.append(try .init(KeyUsage(digitalSignature: true), critical: true))
            let oid = try ASN1ObjectIdentifier(dotRepresentation: SignerPolicy.profileSigningOID)
            list.append(try .init(ExtendedKeyUsage([.init(oid: oid)]), critical: false))
        }
        list.append(try .init(ski, critical: false))
        if let aki {
            list.append(try .init(AuthorityKeyIdentifier(keyIdentifier: aki), critical: false))
        }
        return try Certificate.Extensions(list)
    }

    /// A positive 16-byte serial number (RFC 5280, 4.1.2.2: positive, at most 20 octets; CA/B forum
    /// practice: at least 64 random bits). The top bit is cleared (positive) and the next one set, so
    /// the DER INTEGER is always exactly 16 bytes with no leading zero.
    static func randomSerialNumber() -> Certificate.SerialNumber {
        var rng = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        bytes[0] = (bytes[0] & 0x7F) | 0x40
        return Certificate.SerialNumber(bytes: bytes)
    }

    static func addYears(_ years: Int, to date: Date) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(identifier: "UTC") else { throw KeyChainError.generationFailed("no UTC time zone") }
        calendar.timeZone = utc
        guard let result = calendar.date(byAdding: .year, value: years, to: date) else {
            throw KeyChainError.generationFailed("cannot add \(years) years to \(date)")
        }
        return result
    }

    /// O= must be a non-empty printable line of at most 64 characters (X.520 ub-organization-name).
    static func validateOrganization(_ org: String) throws {
        guard !org.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw KeyChainError.invalidOrganization("must not be empty")
        }
        guard org.count <= 64 else {
            throw KeyChainError.invalidOrganization("at most 64 characters, got \(org.count)")
        }
        guard !org.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw KeyChainError.invalidOrganization("must not contain control characters")
        }
    }

    /// PEM text always ends with exactly one newline.
    static func pemText(_ pem: String) -> String {
        var text = pem
        while text.hasSuffix("\n") { text.removeLast() }
        return text + "\n"
    }
}

/// A key pair of one of the supported algorithms.
private struct SigningKeyMaterial {
    var certificateKey: Certificate.PrivateKey
    var pkcs8PEM: String

    init(algorithm: KeyAlgorithm) throws {
        do {
            switch algorithm {
            case .rsa2048, .rsa3072, .rsa4096:
                let size: _RSA.Signing.KeySize = switch algorithm {
                case .rsa3072: .bits3072
                case .rsa4096: .bits4096
                default: .bits2048
                }
                let key = try _RSA.Signing.PrivateKey(keySize: size)
                certificateKey = Certificate.PrivateKey(key)
                pkcs8PEM = key.pkcs8PEMRepresentation
            case .p256:
                let key = P256.Signing.PrivateKey()
                certificateKey = Certificate.PrivateKey(key)
                pkcs8PEM = key.pemRepresentation
            case .p384:
                let key = P384.Signing.PrivateKey()
                certificateKey = Certificate.PrivateKey(key)
                pkcs8PEM = key.pemRepresentation
            }
        } catch {
            throw KeyChainError.generationFailed("cannot generate \(algorithm.displayName) key: \(error)")
        }
    }
}

extension KeyAlgorithm {
    var certificateSignatureAlgorithm: Certificate.SignatureAlgorithm {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096: .sha256WithRSAEncryption
        case .p256: .ecdsaWithSHA256
        case .p384: .ecdsaWithSHA384
        }
    }
}

/// Why a key chain could not be generated.
public enum KeyChainError: Error, Sendable, CustomStringConvertible {
    case invalidOrganization(String)
    case generationFailed(String)

    public var description: String {
        switch self {
        case .invalidOrganization(let problem): "invalid organization name: \(problem)"
        case .generationFailed(let problem): "key chain generation failed: \(problem)"
        }
    }
}
