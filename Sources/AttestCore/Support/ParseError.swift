/// A malformed input: which structure, at which byte offset, and what is wrong with it.
///
/// Parsers throw this; verifiers return a ``VerificationReport`` instead. The description reads
/// like a sentence, e.g. `TCG_PCR_EVENT2 at offset 0x1a4: eventSize 4294967295 runs past the end of the data`.
public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The structure being parsed, in its spec name where it has one (`TPMS_ATTEST`, `IMAGE_NT_HEADERS`).
    public var structure: String
    /// Byte offset of the problem from the start of the input given to the parser, when known.
    public var offset: Int?
    /// What is wrong, as a sentence fragment.
    public var problem: String
    /// A stable machine code (`parse.truncated`, `parse.bad-magic`, …).
    public var code: VerificationCode

    public init(_ structure: String, at offset: Int? = nil, _ problem: String, code: VerificationCode = .parseMalformed) {
        self.structure = structure
        self.offset = offset
        self.problem = problem
        self.code = code
    }

    public var description: String {
        if let offset {
            return "\(structure) at offset 0x\(String(offset, radix: 16)): \(problem)"
        }
        return "\(structure): \(problem)"
    }

    /// The data ended before a field could be read.
    public static func truncated(_ structure: String, at offset: Int, field: String, need: Int, have: Int) -> ParseError {
        ParseError(structure, at: offset, "truncated: \(field) needs \(need) bytes but only \(have) remain", code: .parseTruncated)
    }
}
