import ArgumentParser
import AttestCore
import Foundation

/// `hostattest vib build`: a descriptor template plus payload files → an unsigned VIB, with sizes and
/// checksums filled in.
struct VIBBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build an unsigned VIB from descriptor.xml and payload files (fills sizes and checksums).",
        discussion: """
        Payload files are matched to the descriptor's <payload name=…> entries by file name; a file with
        no entry is added (type tgz for *.tgz / *tar.gz, else vgz). Payloads must be gzip streams.
        Sign the result with `hostattest vib sign`.
        """)

    @Option(name: .long, help: "The descriptor.xml template.") var descriptor: String
    @Option(name: .long, parsing: .upToNextOption, help: "Payload file(s); the file name is the member name.") var payload: [String] = []
    @Option(name: .shortAndLong, help: "Output .vib file.") var output: String
    @OptionGroup var out: OutputOptions

    func run() throws {
        let template = try Files.readBytes(descriptor)
        let inputs = try payload.map { path in
            VIBBuilder.PayloadInput(name: URL(fileURLWithPath: path).lastPathComponent, bytes: try Files.readBytes(path))
        }
        let built: (vib: [UInt8], descriptor: VIBDescriptor)
        do {
            built = try VIBBuilder.build(descriptor: template, payloads: inputs)
        } catch let e as ParseError {
            throw CLIError.parse(descriptor, e)
        }
        try Files.write(Data(built.vib), to: output)
        let summary = try VIBSummary(vib: VIB(bytes: built.vib), file: output)
        try Output.emit(summary, json: out.json) {
            "built \(output): \(built.descriptor.name) \(built.descriptor.version) (\(built.descriptor.acceptanceLevel)), \(built.descriptor.payloads.count) payload(s), unsigned"
        }
    }
}
