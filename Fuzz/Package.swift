// swift-tools-version:6.0
import Foundation
import PackageDescription

// libFuzzer harness for every AttestCore parser, kept out of the root package so that `swift build`
// and `make test` never build it. Built by `make fuzz` / `Scripts/fuzz.sh` with
// `-sanitize=fuzzer,address` into its own scratch path (`.build-fuzz`). See Docs/design/fuzzing.md.
//
// The root package is a path dependency; SwiftPM names a path dependency after its directory, which
// differs between clones (`hostattest`, a worktree's name, …), so the name is read from the path.
let rootDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = rootDirectory.lastPathComponent

let package = Package(
    name: "hostattest-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "FuzzTargets",
            dependencies: [.product(name: "AttestCore", package: rootIdentity), .product(name: "AttestWire", package: rootIdentity)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
