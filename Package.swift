// swift-tools-version:6.0
import PackageDescription

// hostattest: a measured-boot pipeline and attestation gate.
//
// Modules (see README "Layout"):
//   COpenSSL     system library over libssl-dev (CMS/PKCS#7, X.509 stores); reached only from AttestCore
//   CZlib        system library over zlib1g-dev (gunzip of VIB payloads); reached only from AttestCore
//   CTSS2        system library over libtss2-dev (tss2-esys, -tctildr, -mu, -rc); reached only from AttestTPM
//   AttestCore   pure core: parsers and verifiers that take bytes, trust anchors and a time
//   AttestIO     reads host images from disk safely (no symlinks, regular files only, mmap), writes files
//                atomically, locks a store's lock file; shared by the CLI and future agents/servers
//   AttestTPM    the TPM protocol and its backends: an in-process software TPM and tpm2-tss ESAPI
//   AttestWire   the JSON wire types of the attestation API (requests, responses, verdicts); Foundation only,
//                shared by the server and the future agent
//   AttestServer the attestation server: Hummingbird app, controllers, store protocol + SQLite (GRDB) and
//                in-memory stores, EAR token signing (jwt-kit)
//   AttestAgent  the host agent: enrollment (ActivateCredential), challenge → quote → attest over HTTP
//                (AsyncHTTPClient), its state directory and retry backoff
//   hostattest   the CLI: thin commands that read files, call AttestCore and format results
let package = Package(
    name: "hostattest",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hostattest", targets: ["hostattest"]),
        .library(name: "AttestCore", targets: ["AttestCore"]),
        .library(name: "AttestIO", targets: ["AttestIO"]),
        .library(name: "AttestTPM", targets: ["AttestTPM"]),
        .library(name: "AttestWire", targets: ["AttestWire"]),
        .library(name: "AttestServer", targets: ["AttestServer"]),
        .library(name: "AttestAgent", targets: ["AttestAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
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
                "AttestIO",
                "CTSS2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(name: "AttestWire"),
        .target(
            name: "AttestServer",
            dependencies: [
                "AttestCore",
                "AttestIO",
                "AttestWire",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("OpenAPI/openapi.json")]
        ),
        .target(
            name: "AttestAgent",
            dependencies: [
                "AttestCore",
                "AttestTPM",
                "AttestWire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "hostattest",
            dependencies: [
                "AttestAgent",
                "AttestCore",
                "AttestIO",
                "AttestTPM",
                "AttestWire",
                "AttestServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
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
            name: "AttestServerTests",
            dependencies: [
                "AttestCore",
                "AttestWire",
                "AttestServer",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "AttestAgentTests",
            dependencies: ["AttestAgent", "AttestCore", "TestSupport"]
        ),
        .testTarget(
            name: "HostattestTests",
            dependencies: [
                "hostattest",
                "AttestCore",
                "AttestIO",
                "AttestWire",
                "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
    ]
)
