import Foundation

// The libFuzzer driver. SwiftPM links an executable target's entry point as `<Target>_main`, so the
// harness defines `FuzzTargets_main` itself and hands control to libFuzzer through
// `LLVMFuzzerRunDriver` (from the `-sanitize=fuzzer` runtime). Besides libFuzzer's own options it
// answers two requests from Scripts/fuzz.sh:
//   FuzzTargets --list                      one line per target: name, dictionary, seed paths (tab-separated)
//   FuzzTargets --write-seeds NAME DIR      writes NAME's generated seeds into DIR
// Otherwise FUZZ_TARGET names the target and the arguments go to libFuzzer unchanged.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The target named by `FUZZ_TARGET`, resolved once.
let selectedTarget: FuzzTarget? = ProcessInfo.processInfo.environment["FUZZ_TARGET"].flatMap(FuzzTargetTable.named)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let target = selectedTarget else { return -1 }
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    target.run(bytes)
    return 0
}

@_cdecl("FuzzTargets_main")
public func fuzzTargetsMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    let arguments = (0..<Int(argc)).map { argv[$0].map { String(cString: $0) } ?? "" }
    if arguments.count == 2, arguments[1] == "--list" {
        for t in FuzzTargetTable.all {
            print([t.name, t.dictionary ?? "-", t.seedPaths.joined(separator: " ")].joined(separator: "\t"))
        }
        return 0
    }
    if arguments.count == 4, arguments[1] == "--write-seeds" {
        guard let target = FuzzTargetTable.named(arguments[2]) else { return unknownTarget(arguments[2]) }
        for (i, seed) in target.generatedSeeds().enumerated() {
            let url = URL(fileURLWithPath: arguments[3]).appendingPathComponent("generated-\(i)")
            guard FileManager.default.createFile(atPath: url.path, contents: Data(seed)) else {
                FileHandle.standardError.write(Data("FuzzTargets: cannot write \(url.path)\n".utf8))
                return 2
            }
        }
        return 0
    }
    guard let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] else {
        FileHandle.standardError.write(Data("FuzzTargets: set FUZZ_TARGET to one of: \(FuzzTargetTable.all.map(\.name).joined(separator: " "))\n".utf8))
        return 2
    }
    guard selectedTarget != nil else { return unknownTarget(name) }
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &vector, fuzzTestOneInput)
}

func unknownTarget(_ name: String) -> Int32 {
    FileHandle.standardError.write(Data("FuzzTargets: unknown target \"\(name)\"; targets: \(FuzzTargetTable.all.map(\.name).joined(separator: " "))\n".utf8))
    return 2
}
