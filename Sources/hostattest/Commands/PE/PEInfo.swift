import ArgumentParser
import AttestCore
import Foundation

/// `hostattest pe info FILE [--json]`: headers, sections, signatures, Authenticode digests and the
/// embedded `.vendor_cert`.
struct PEInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a PE/EFI image's headers, sections, signatures, Authenticode digests and embedded vendor certificate."
    )

    @Argument(help: "The PE/EFI image.")
    var file: String

    @OptionGroup var output: OutputOptions

    struct Section: Encodable {
        var name: String
        var virtualAddress: String
        var virtualSize: UInt32
        var pointerToRawData: String
        var sizeOfRawData: UInt32
        var characteristics: String
    }

    struct Signature: Encodable {
        var index: Int
        var offset: Int
        var length: UInt32
        var revision: String
        var type: String
        var signerSubject: String?
        var signerIssuer: String?
        var signerSerial: String?
        var digestAlgorithm: String?
        var signedDigest: String?
        var certificates: Int?
        var error: String?
    }

    struct VendorCertificate: Encodable {
        var subject: String?
        var issuer: String?
        var sha256: String
        var length: Int
        var error: String?
    }

    struct Info: Encodable {
        var file: String
        var size: Int
        var format: String
        var machine: String
        var subsystem: String
        var entryPoint: String
        var imageBase: String
        var checksumStored: String
        var checksumComputed: String
        var checksumMatches: Bool
        var sections: [Section]
        var certificateTable: String?
        var signatures: [Signature]
        var authenticodeDigests: [String: String]
        var vendorCertificate: VendorCertificate?
    }

    func run() throws {
        let mapped = try MappedFile(file)
        let image: PEImage
        do { image = try PEImage(bytes: mapped.data) } catch let e as ParseError { throw CLIError.coded(file, e) }
        let digests = image.authenticodeDigests(DigestAlgorithm.allCases)
        var signatures: [Signature] = []
        for (i, entry) in image.certificates.enumerated() {
            var s = Signature(index: i + 1, offset: entry.offset, length: entry.length,
                              revision: hex(entry.revision), type: hex(entry.certificateType))
            do {
                let sig = try AuthenticodeSignature(certificate: entry)
                s.signerSubject = sig.signerSubjectName
                s.signerIssuer = sig.signerIssuerName
                s.signerSerial = sig.signerSerialNumber
                s.digestAlgorithm = sig.digestAlgorithm.rawValue
                s.signedDigest = sig.imageDigest.hex
                s.certificates = sig.certificates.count
            } catch {
                s.error = "\(error)"
            }
            signatures.append(s)
        }
        var vendor: VendorCertificate? = nil
        do {
            if let der = try image.vendorCertificate {
                let cert = try? X509Certificate(derEncoded: der)
                vendor = VendorCertificate(subject: cert?.subject, issuer: cert?.issuer, sha256: DigestAlgorithm.sha256.hash(der).hex,
                                           length: der.count, error: cert == nil ? "not a parseable X.509 certificate" : nil)
            }
        } catch {
            vendor = VendorCertificate(subject: nil, issuer: nil, sha256: "", length: 0, error: "\(error)")
        }
        let computed = image.computedChecksum
        let info = Info(
            file: file, size: image.bytes.count, format: image.format.rawValue,
            machine: Self.machineName(image.machine), subsystem: Self.subsystemName(image.subsystem),
            entryPoint: hex(image.addressOfEntryPoint), imageBase: "0x" + String(image.imageBase, radix: 16),
            checksumStored: hex(image.storedChecksum), checksumComputed: hex(computed),
            checksumMatches: image.storedChecksum == computed,
            sections: image.sections.map {
                Section(name: $0.name, virtualAddress: hex($0.virtualAddress), virtualSize: $0.virtualSize,
                        pointerToRawData: hex($0.pointerToRawData), sizeOfRawData: $0.sizeOfRawData,
                        characteristics: hex($0.characteristics))
            },
            certificateTable: image.certificateTable.map { "0x\(String($0.lowerBound, radix: 16))+0x\(String($0.count, radix: 16))" },
            signatures: signatures,
            authenticodeDigests: Dictionary(uniqueKeysWithValues: digests.map { ($0.key.rawValue, $0.value.hex) }),
            vendorCertificate: vendor)
        try Output.emit(info, json: output.json) { text(info) }
    }

    private func text(_ info: Info) -> String {
        var lines = [
            "\(info.file): \(info.format) \(info.machine), subsystem \(info.subsystem), \(info.size) bytes",
            "  entry point \(info.entryPoint), image base \(info.imageBase)",
            "  checksum stored \(info.checksumStored), computed \(info.checksumComputed)\(info.checksumMatches ? "" : " (MISMATCH)")",
            "sections:",
        ]
        let nameWidth = max(8, info.sections.map(\.name.count).max() ?? 0)
        for s in info.sections {
            lines.append("  \(s.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)) va \(s.virtualAddress) vsize \(s.virtualSize) raw \(s.pointerToRawData)+\(s.sizeOfRawData) flags \(s.characteristics)")
        }
        lines.append("signatures: \(info.signatures.isEmpty ? "none" : "")\(info.certificateTable.map { "(table \($0))" } ?? "")")
        for s in info.signatures {
            if let error = s.error {
                lines.append("  #\(s.index) type \(s.type): unparseable: \(error)")
            } else {
                lines.append("  #\(s.index) \(s.digestAlgorithm ?? "?") signer \(s.signerSubject ?? "(not carried)"), issuer \(s.signerIssuer ?? "?")")
                lines.append("      signed digest \(s.signedDigest ?? "?")")
            }
        }
        lines.append("Authenticode digests:")
        for alg in DigestAlgorithm.allCases {
            lines.append("  \(alg.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(info.authenticodeDigests[alg.rawValue] ?? "?")")
        }
        if let v = info.vendorCertificate {
            if let error = v.error {
                lines.append("vendor certificate (.vendor_cert): \(error)")
            } else {
                lines.append("vendor certificate (.vendor_cert): \(v.subject ?? "?"), issuer \(v.issuer ?? "?"), SHA-256 \(v.sha256)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func machineName(_ m: UInt16) -> String {
        switch m {
        case 0x14C: return "i386"
        case 0x8664: return "x86_64"
        case 0xAA64: return "aarch64"
        case 0x1C2, 0x1C4: return "arm"
        case 0x5064: return "riscv64"
        case 0xEBC: return "EFI byte code"
        default: return "machine 0x\(String(m, radix: 16))"
        }
    }

    static func subsystemName(_ s: UInt16) -> String {
        switch s {
        case 10: return "EFI application"
        case 11: return "EFI boot service driver"
        case 12: return "EFI runtime driver"
        case 13: return "EFI ROM"
        case 2: return "Windows GUI"
        case 3: return "Windows console"
        default: return "\(s)"
        }
    }
}

private func hex<I: BinaryInteger>(_ v: I) -> String { "0x" + String(v, radix: 16) }
