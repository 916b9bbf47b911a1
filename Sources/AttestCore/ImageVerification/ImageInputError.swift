import Foundation

/// A file of the image could not be read, was unsafe, or could not be parsed: verification stops
/// (bad input, not a verdict; exit 2). `file` is relative to the image directory.
public struct ImageInputError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// A stable code: `image.path-symlink`, `image.not-regular-file`, `bootcfg.duplicate-key`, `vib.*`, …
    public var code: VerificationCode
    public var error: any Error
    public var description: String { "\(file): [\(code)] \(error)" }

    public init(file: String, code: VerificationCode? = nil, error: any Error) {
        self.file = file
        self.error = error
        self.code = code ?? (error as? ImageInputError)?.code ?? (error as? ParseError)?.code ?? .imageUnreadable
    }

    /// An input problem described by a sentence.
    public init(file: String, code: VerificationCode, _ problem: String) {
        self.init(file: file, code: code, error: Problem(text: problem))
    }

    struct Problem: Error, Sendable, CustomStringConvertible { var text: String; var description: String { text } }
}
