import AttestCore
import AttestIO
import Foundation

/// The image verification `verify image` and `boot` share: read the image directory, the profile and
/// its signature, verify with a progress bar, and turn unreadable or unsafe input into exit 2 naming the file.
struct ImageVerificationRun {
    let image: ImageContents
    let profileBytes: [UInt8]
    let verification: ImageVerification

    static func run(imageDir: String, profile: String, signature: String?, trust: TrustAnchors, dbx: DenyList,
                    time: SignatureTimeRule, deep: Bool) throws -> ImageVerificationRun {
        let image: ImageContents
        do { image = try ImageDirectory.open(imageDir) } catch let e as ImageInputError { throw CLIError.image(imageDir, e) }
        let profileBytes = try Files.readBytes(profile)
        let sigPath = signature ?? profile + ".p7s"
        let sigBytes: [UInt8]? = FileManager.default.fileExists(atPath: sigPath) ? try Files.readBytes(sigPath) : nil
        let bar = LockedProgress(ProgressBar(total: (try? BootConfig(bytes: image.bootConfig))?.modulePaths.count ?? 0, label: "verifying modules"))
        defer { bar.finish() }
        let verification = try inputErrors(imageDir: imageDir, profile: profile) {
            try ImageVerifier.verify(
                image: image, imageName: imageDir, profileBytes: profileBytes, profileName: profile, profileSignature: sigBytes,
                trust: trust, revoked: VIBRevocations(dbx), boot: AuthenticodeBootVerifier(dbx: dbx),
                options: .init(time: time, deep: deep), progress: { bar.update($0) })
        }
        return ImageVerificationRun(image: image, profileBytes: profileBytes, verification: verification)
    }

    /// Runs `body`; an image file that cannot be read or is refused, or a malformed profile, becomes a CLIError (exit 2).
    static func inputErrors<T>(imageDir: String, profile: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as ImageInputError {
            throw CLIError.image(imageDir, e)
        } catch let e as ParseError {
            throw CLIError.parse(profile, e)
        }
    }
}
