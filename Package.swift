// swift-tools-version:6.2
// SPDX-License-Identifier: Apache-2.0
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode, `any` spelled out for existentials,
/// members visible only through modules a file imports itself (MemberImportVisibility), and imports
/// internal unless marked `public import` where a module's public API shows the imported types
/// (InternalImportsByDefault).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The release `bridge-relay` links the Swift runtime and Foundation statically (lld; the linker drops what is
/// never referenced): an idle validator keeps 5 MiB less code resident than with the shared libraries (issue 16,
/// README "Resource use"). lld does not pull Foundation's own archives (ICU, CoreFoundation, …) by itself, so
/// they are named. Debug builds and tests keep the shared libraries (faster links).
let staticReleaseLink: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-static-stdlib", "-use-ld=lld",
            "-Xlinker", "-l:lib_FoundationICU.a", "-Xlinker", "-l:lib_FoundationCollections.a",
            "-Xlinker", "-l:lib_FoundationCShims.a", "-Xlinker", "-l:libCoreFoundation.a",
        ],
        .when(platforms: [.linux], configuration: .release)
    ),
]

let nio = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioEmbedded = Target.Dependency.product(name: "NIOEmbedded", package: "swift-nio")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")

let package = Package(
    name: "koinos-bridge-relay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bridge-relay", targets: ["BridgeRelayCLI"]),
        .executable(name: "bridge-bench", targets: ["BridgeBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // L1: C system libraries (pkg-config). Imported only by `*+C<Lib>.swift` files.
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CLibcrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Below L0: primitives shared by every layer (hex, varint, protobuf, a seeded generator; imports nothing).
        .target(name: "Primitives", swiftSettings: swiftSettings),
        // L0: the domain. Imports only Primitives.
        .target(name: "BridgeCore", dependencies: ["Primitives"], swiftSettings: swiftSettings),

        // L2: primitives.
        .target(name: "ChainCrypto", dependencies: ["Primitives", "CSecp256k1", "CSodium", crypto], swiftSettings: swiftSettings),
        .target(name: "JSONRPC", swiftSettings: swiftSettings),
        .target(name: "Multiformats", dependencies: ["ChainCrypto", "Primitives", nio, crypto], swiftSettings: swiftSettings),

        // L3: protocol libraries (never import Bridge*).
        .target(name: "CurlTransport", dependencies: ["JSONRPC", "CCurl"], swiftSettings: swiftSettings),
        .target(name: "Ethereum", dependencies: ["JSONRPC", "ChainCrypto", "Primitives"], swiftSettings: swiftSettings),
        .target(name: "Koinos", dependencies: ["JSONRPC", "ChainCrypto", "Primitives"], swiftSettings: swiftSettings),
        .target(name: "Libp2pMultistream", dependencies: ["Multiformats", nio], swiftSettings: swiftSettings),
        .target(
            name: "Libp2pNoise", dependencies: ["Multiformats", "ChainCrypto", "CLibcrypto", "Primitives", nio, crypto],
            swiftSettings: swiftSettings),
        .target(name: "Libp2pYamux", dependencies: [nio], swiftSettings: swiftSettings),
        .target(
            name: "Libp2pHost",
            dependencies: [
                "Multiformats", "Libp2pMultistream", "Libp2pNoise", "Libp2pYamux", "ChainCrypto", "Primitives",
                nio, nioPosix, lifecycle, logging, metrics,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Libp2pGossipsub",
            dependencies: ["Multiformats", "Libp2pHost", "ChainCrypto", "Primitives", nio, crypto, lifecycle, logging, metrics],
            swiftSettings: swiftSettings
        ),
        // What Koinos nodes expect of a peer: peer RPC over msgpack (koinos.md §1.4–1.5).
        .target(name: "KoinosP2P", dependencies: ["Libp2pHost", "Multiformats", "Primitives", nio, logging], swiftSettings: swiftSettings),

        // L4/L5: bridge logic and adapters.
        .target(name: "BridgeSigning", dependencies: ["BridgeCore", "ChainCrypto"], swiftSettings: swiftSettings),
        .target(name: "BridgeKeystore", dependencies: ["ChainCrypto", "Multiformats", crypto], swiftSettings: swiftSettings),
        .target(
            name: "BridgeStore", dependencies: ["BridgeCore", "Primitives", grdb, .product(name: "GRDBSQLite", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        .target(name: "BridgeAttestation", dependencies: ["BridgeCore", "Primitives", lifecycle, logging, metrics], swiftSettings: swiftSettings),
        .target(
            name: "BridgeEthereum",
            dependencies: ["BridgeCore", "Ethereum", "JSONRPC", "BridgeStore", "ChainCrypto", "BridgeSigning", lifecycle, logging, metrics],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BridgeGossip",
            dependencies: ["BridgeCore", "Libp2pHost", "Libp2pGossipsub", "Multiformats", "Primitives", nio, lifecycle, logging, metrics],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BridgeKoinos",
            dependencies: ["BridgeCore", "Koinos", "JSONRPC", "Primitives", "BridgeSigning", "ChainCrypto", lifecycle, logging, metrics],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BridgeHTTPAPI",
            dependencies: [
                "BridgeCore", "BridgeStore", "ChainCrypto", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"), nio, logging, metrics,
            ],
            resources: [.embedInCode("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),

        // L6: composition root and executables.
        .target(
            name: "BridgeNode",
            dependencies: [
                "BridgeCore", "BridgeSigning", "BridgeKeystore", "BridgeStore", "BridgeAttestation", "Primitives",
                "BridgeEthereum", "BridgeGossip", "BridgeKoinos", "BridgeHTTPAPI",
                "Libp2pHost", "Libp2pGossipsub", "KoinosP2P", "Multiformats", "CurlTransport", "ChainCrypto", "Ethereum", "Koinos",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                grdb, nio, nioPosix, lifecycle, logging, metrics,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BridgeRelayCLI",
            dependencies: [
                "BridgeNode", "BridgeHTTPAPI", "BridgeCore", "BridgeSigning", "BridgeKeystore", "ChainCrypto", "Multiformats",
                "Ethereum", "BridgeEthereum", "BridgeStore", "Koinos", "Libp2pHost", "KoinosP2P", "CurlTransport", "JSONRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                logging, metrics, lifecycle,
            ],
            swiftSettings: swiftSettings,
            linkerSettings: staticReleaseLink
        ),
        .target(name: "CBenchFloor", dependencies: ["CSecp256k1"], linkerSettings: [.linkedLibrary("crypto")]),
        .executableTarget(
            name: "BridgeBenchmarks",
            dependencies: [
                "ChainCrypto", "CBenchFloor", "BridgeCore", "BridgeSigning", "BridgeStore", "CurlTransport", "JSONRPC",
                "Ethereum", "BridgeEthereum", "Koinos", "BridgeKoinos", "Multiformats", "Libp2pYamux", "Libp2pNoise", "Libp2pMultistream", "Libp2pHost", "Libp2pGossipsub",
                "BridgeAttestation", "BridgeGossip", "BridgeHTTPAPI", "BridgeNode", "BridgeTesting", "KoinosP2P",
                grdb, logging, nio, nioPosix, crypto,
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests.
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"], swiftSettings: swiftSettings),
        .testTarget(name: "BridgeCoreTests", dependencies: ["BridgeCore"], swiftSettings: swiftSettings),
        .testTarget(name: "ChainCryptoTests", dependencies: ["ChainCrypto"], swiftSettings: swiftSettings),
        .testTarget(name: "BridgeSigningTests", dependencies: ["BridgeSigning", "BridgeCore", "ChainCrypto"], swiftSettings: swiftSettings),
        .testTarget(name: "BridgeKeystoreTests", dependencies: ["BridgeKeystore", "ChainCrypto", "Multiformats", crypto], swiftSettings: swiftSettings),
        // Runs the built `bridge-relay` binary as a subprocess (built by `swift build --build-tests`).
        .testTarget(name: "BridgeRelayCLITests", dependencies: ["ChainCrypto", "ProcessTestSupport"], swiftSettings: swiftSettings),
        // Test support: child processes (devnets, test servers) with deadlines.
        .target(
            name: "ProcessTestSupport",
            dependencies: [.product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"), nio],
            path: "Tests/ProcessTestSupport", swiftSettings: swiftSettings
        ),
        // Test support for the bridge stages: a virtual clock, an in-memory gossip network, a scripted Koinos chain
        // (shared by the tests and the in-process benchmarks; no production target depends on it).
        .target(name: "BridgeTesting", dependencies: ["BridgeCore", "BridgeGossip", "Koinos", "Ethereum", "JSONRPC", "ChainCrypto", "Primitives"], path: "Tests/BridgeTesting", swiftSettings: swiftSettings),
        .testTarget(name: "ProcessTestSupportTests", dependencies: ["ProcessTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "CurlTransport", "ProcessTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "EthereumTests", dependencies: ["Ethereum", "JSONRPC", "CurlTransport", "ChainCrypto", "Primitives"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BridgeEthereumTests",
            dependencies: [
                "BridgeEthereum", "BridgeCore", "BridgeStore", "BridgeSigning", "ChainCrypto", "Ethereum", "CurlTransport", "JSONRPC", "ProcessTestSupport", "Primitives", "BridgeTesting",
                grdb, lifecycle, logging, metrics,
            ],
            swiftSettings: swiftSettings
        ),
        // Test support shared by the Koinos test targets: the simulator as a child process.
        .target(
            name: "KoinosTestSupport", dependencies: ["Koinos", "ChainCrypto", "JSONRPC", "CurlTransport", "ProcessTestSupport"],
            path: "Tests/KoinosTestSupport", swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KoinosTests", dependencies: ["Koinos", "KoinosTestSupport", "ChainCrypto", "JSONRPC", "CurlTransport", "Primitives"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BridgeKoinosTests",
            dependencies: [
                "BridgeKoinos", "BridgeCore", "BridgeSigning", "BridgeStore", "Koinos", "KoinosTestSupport", "ProcessTestSupport", "Primitives", "ChainCrypto", "BridgeTesting",
                "CurlTransport", "JSONRPC", grdb, .product(name: "MetricsTestKit", package: "swift-metrics"), .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "Libp2pTests",
            dependencies: [
                "Multiformats", "Libp2pMultistream", "Libp2pNoise", "Libp2pYamux", "Libp2pGossipsub", "Libp2pHost", "KoinosP2P", "Primitives",
                "ChainCrypto", "ProcessTestSupport", nio, nioPosix, nioEmbedded, logging, lifecycle,
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "Libp2pGossipsubTests",
            dependencies: ["Libp2pGossipsub", "Libp2pHost", "Multiformats", "ChainCrypto", "ProcessTestSupport", "Primitives", nio, nioPosix, nioEmbedded, crypto, logging],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BridgeAttestationTests",
            dependencies: [
                "BridgeAttestation", "BridgeGossip", "BridgeCore", "Primitives", "BridgeSigning", "BridgeStore", "ChainCrypto", grdb,
                "Libp2pGossipsub", "Libp2pHost", "Multiformats", "BridgeTesting", "ProcessTestSupport", logging, nio,
                "BridgeKoinos", "Koinos", "KoinosTestSupport", .product(name: "MetricsTestKit", package: "swift-metrics"),
                "BridgeEthereum", "Ethereum", "CurlTransport", "JSONRPC",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BridgeStoreTests", dependencies: ["BridgeStore", "BridgeCore", "Primitives", grdb], swiftSettings: swiftSettings),
        .testTarget(
            name: "BridgeNodeTests",
            dependencies: [
                "BridgeNode", "BridgeHTTPAPI", "BridgeCore", "BridgeStore", "BridgeKeystore", "ChainCrypto", "BridgeSigning", "ProcessTestSupport",
                "BridgeAttestation", "BridgeEthereum", "Ethereum", "CurlTransport", "BridgeKoinos", "Koinos", "KoinosTestSupport",
                "KoinosP2P", "BridgeGossip", "Libp2pHost", "Libp2pGossipsub", "Multiformats", "JSONRPC",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                nio, nioPosix, logging, metrics, lifecycle,
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
