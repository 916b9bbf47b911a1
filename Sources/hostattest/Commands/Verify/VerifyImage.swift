import ArgumentParser
import AttestCore
import Foundation

/// `hostattest verify image`: the whole host image against its signed profile, in boot order.
struct VerifyImage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Verify a host image (bootloader, kernel, boot.cfg, vibs/*.vib) against its signed profile.",
        discussion: """
        Walks the chain as the host boots it: profile signature (PROFILE.json.p7s) → bootloader (Authenticode,
        platform anchors) → vendor certificate in the bootloader → kernel → boot.cfg → every VIB (signature, chain,
        acceptance level against the profile's host level, payload checksums) → profile completeness.
        Image layout: bootx64.efi, kernel.efi, boot.cfg, vibs/*.vib.
        Exit 0 verified, 1 refused (every component is listed with its verdict and reasons), 2 bad input.
        """)

    @Argument(help: "The image directory.") var imageDir: String
    @Option(name: .long, help: "The image profile (its signature is read from PROFILE.p7s).") var profile: String
    @Option(name: .long, help: "The profile signature, default PROFILE.p7s.") var signature: String?
    @Option(name: .long, help: "trust.json, or certificate file(s) trusted for every role.") var trust: [String] = []
    @Flag(name: .long, help: "Also check the VIB payloads' gunzip checksums.") var deep = false
    @OptionGroup var time: CheckTimeOptions
    @OptionGroup var out: OutputOptions

    func run() throws {
        let anchors = try TrustLoader.load(trust)
        let revoked = try DBXLoader.revocations(anchors)
        let image = try ImageLoader.load(imageDir)
        let profileBytes = try Files.readBytes(profile)
        let sigPath = signature ?? profile + ".p7s"
        let sigBytes: [UInt8]? = FileManager.default.fileExists(atPath: sigPath) ? try Files.readBytes(sigPath) : nil
        let bar = LockedProgress(ProgressBar(total: image.vibFiles.count, label: "verifying VIBs"))
        let result: ImageVerification
        do {
            result = try ImageVerifier.verify(
                image: image, imageName: imageDir, profileBytes: profileBytes, profileName: profile,
                profileSignature: sigBytes, trust: anchors, revoked: revoked, boot: try BootVerifiers.current(anchors),
                options: .init(time: try time.rule(), deep: deep), progress: { bar.update($0) })
        } catch let e as ImageInputError {
            bar.finish()
            throw CLIError.parse(URL(fileURLWithPath: imageDir).appendingPathComponent(e.file).path, e.error)
        } catch let e as ParseError {
            bar.finish()
            throw CLIError.parse(profile, e)
        }
        bar.finish()
        try Output.emit(result, json: out.json) { Self.describe(result) }
        if !result.isValid { throw ExitCode.rejected }
    }

    static func describe(_ r: ImageVerification) -> String {
        var lines = [r.isValid ? "VERIFIED: image \(r.image) matches \(r.profile)" : "REFUSED: image \(r.image) (\(r.report.failures.count) check(s) failed)"]
        for c in r.components {
            let reason = c.verdict == .verified ? Self.reason(c.passed).map { " — \($0)" } ?? "" : ""
            lines.append("  \(c.verdict == .verified ? "✓" : "✗") \(c.kind): \(c.name)\(reason)")
            for f in c.failures { lines.append("      [\(f.code)] \(f.message)") }
        }
        return lines.joined(separator: "\n")
    }

    /// The check that best says why a component was accepted: who signed it, else what matched.
    static func reason(_ passed: [String]) -> String? {
        passed.first { $0.hasPrefix("signed by") || $0.hasPrefix("profile signed by") }
            ?? passed.first { $0.hasPrefix("chain to trust anchor") }
            ?? passed.last
    }
}

/// Reads an image directory: the boot files memory-mapped, and a loader that maps each VIB on demand.
enum ImageLoader {
    static let bootloader = "bootx64.efi", kernel = "kernel.efi", bootConfig = "boot.cfg", vibDir = "vibs"

    static func load(_ dir: String) throws -> ImageContents {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError.file(dir, "is not an image directory")
        }
        let base = URL(fileURLWithPath: dir)
        let files = try vibFiles(dir)
        return ImageContents(
            bootloader: try Files.read(base.appendingPathComponent(bootloader).path),
            kernel: try Files.read(base.appendingPathComponent(kernel).path),
            bootConfig: try Files.readBytes(base.appendingPathComponent(bootConfig).path),
            vibFiles: files,
            loadVIB: { file in try VIBFileMapping.read(base.appendingPathComponent(file).path) })
    }

    /// `vibs/*.vib`, sorted by name.
    static func vibFiles(_ dir: String) throws -> [String] {
        let vibs = URL(fileURLWithPath: dir).appendingPathComponent(vibDir).path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: vibs) else { return [] }
        return names.filter { $0.hasSuffix(".vib") }.sorted().map { "\(vibDir)/\($0)" }
    }
}

/// Read-only memory mapping of a whole file, unmapped when the returned `Data` is released. Used for
/// VIBs so that verifying an image touches each VIB's pages once and drops them right after (peak RSS
/// stays at a few VIBs, not the image).
enum VIBFileMapping {
    static func read(_ path: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError.file(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CLIError.file(path, "cannot stat: \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CLIError.file(path, "is not a regular file") }
        let size = Int(st.st_size)
        if size == 0 { return Data() }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw CLIError.file(path, "cannot map: \(String(cString: strerror(errno)))")
        }
        _ = madvise(base, size, MADV_SEQUENTIAL)
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in _ = munmap(pointer, count) })
    }
}

/// The PE/Authenticode implementation behind `verify image` and `profile create`.
enum BootVerifiers {
    static func current(_ trust: TrustAnchors) throws -> any BootComponentVerifier {
        AuthenticodeBootVerifier(dbx: try DBXLoader.denyList(trust))
    }
}

/// ``BootComponentVerifier`` over the Authenticode verifier: the bootloader against the platform
/// anchors (UEFI db semantics) and dbx; the kernel against the vendor certificate the bootloader carries.
struct AuthenticodeBootVerifier: BootComponentVerifier {
    let dbx: DenyList

    func authenticodeSHA256(of image: Data) throws -> [UInt8] {
        try PEImage(bytes: image).authenticodeDigest(.sha256)
    }

    func verifyBootloader(_ image: Data, anchors: [X509Certificate], component: String) -> BootComponentVerification {
        verify(image, anchors: anchors, component: component, wantVendor: true)
    }

    func verifyKernel(_ image: Data, vendorCertificates: [X509Certificate], component: String) -> BootComponentVerification {
        verify(image, anchors: vendorCertificates, component: component, wantVendor: false)
    }

    private func verify(_ bytes: Data, anchors: [X509Certificate], component: String, wantVendor: Bool) -> BootComponentVerification {
        let pe: PEImage
        do { pe = try PEImage(bytes: bytes) } catch {
            var r = VerificationReport()
            r.fail("authenticode.malformed", "not a PE image: \(error)", component: component)
            return BootComponentVerification(report: r)
        }
        // The deployment gate is strict: no SHA-1, and no data hidden in a certificate table.
        let v = AuthenticodeVerifier.verify(pe, anchors: anchors, dbx: dbx, component: component,
                                            options: AuthenticodeOptions(allowWeakAlgorithms: false, strictCertificateTable: true))
        var report = v.report
        var vendor: X509Certificate? = nil
        if wantVendor {
            do {
                if let der = try pe.vendorCertificate { vendor = try X509Certificate(derEncoded: der) }
            } catch {
                report.fail("boot.vendor-cert-malformed", "the .vendor_cert section is malformed: \(error)", component: component)
            }
        }
        return BootComponentVerification(report: report, authenticodeSHA256: v.digests[.sha256] ?? pe.authenticodeDigest(.sha256), vendorCertificate: vendor)
    }
}

/// A ProgressBar updated from several threads.
final class LockedProgress: @unchecked Sendable {
    private let bar: ProgressBar
    private let lock = NSLock()
    init(_ bar: ProgressBar) { self.bar = bar }
    func update(_ done: Int) { lock.lock(); bar.update(done); lock.unlock() }
    func finish() { lock.lock(); bar.finish(); lock.unlock() }
}
