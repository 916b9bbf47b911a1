// swift-tools-version:6.0
import PackageDescription

// hostattest: a measured-boot pipeline and attestation gate.
//
// Modules (see README "Layout"):
//   COpenSSL     system library over libssl-dev (CMS/PKCS#7, X.509 stores); reached only from AttestCore
//   CZlib        system library over zlib1g-dev (gunzip of VIB payloads); reached only from AttestCore
//   CTSS2        system library over libtss2-dev (tss2-esys, -tctildr, -mu, -rc); reached only from AttestTPM
//   AttestCore   pure core: parsers and verifiers that take bytes, trust anchors and a time
//   AttestIO     reads host images from disk safely (no symlinks, regular files only, mmap); shared by the
//                CLI and future agents/servers
//   AttestTPM    the TPM protocol and its backends: an in-process software TPM and tpm2-tss ESAPI
//   hostattest   the CLI: thin commands that read files, call AttestCore and format results
let package = Package(
    name: "hostattest",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hostattest", targets: ["hostattest"]),
        .library(name: "AttestCore", targets: ["AttestCore"]),
        .library(name: "AttestIO", targets: ["AttestIO"]),
        .library(name: "AttestTPM", targets: ["AttestTPM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CTSS2",
            pkgConfig: "tss2-esys",
            providers: [.apt(["libtss2-dev"])]
        ),
        .target(
            name: "AttestCore",
            dependencies: [
                "COpenSSL",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "AttestIO",
            dependencies: ["AttestCore"]
        ),
        .target(
            name: "AttestTPM",
            dependencies: [
                "AttestCore",
                "CTSS2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .executableTarget(
            name: "hostattest",
            dependencies: [
                "AttestCore",
                "AttestIO",
                "AttestTPM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "AttestCoreTests",
            dependencies: [
                "AttestCore",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(
            name: "AttestTPMTests",
            dependencies: [
                "AttestTPM",
                "AttestCore",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(
            name: "HostattestTests",
            dependencies: [
                "AttestCore",
                "AttestIO",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
    ]
)
