// swift-tools-version:6.0
import PackageDescription

// Dependencies: the engine needs only the standard library, liblz4 (through
// the CLZ4 system-library target) and a small C target for CRC-32C. The
// server alone brings in SwiftNIO (NIOCore, NIOPosix) and swift-log, and
// cairn-dump's executable alone swift-argument-parser, so the engine and its
// tests build without them.
let package = Package(
    name: "Cairn",
    products: [
        .library(name: "Cairn", targets: ["Cairn"]),
        .library(name: "CairnRESP", targets: ["CairnRESP"]),
        // The simulated file system, for the fuzz targets (Fuzz/).
        .library(name: "CairnTestSupport", targets: ["CairnTestSupport"]),
        .executable(name: "cairn-server", targets: ["cairn-server"]),
        .executable(name: "cairn-dump", targets: ["cairn-dump"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // cairn-dump's command line alone (the CairnDump library stays free of it).
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // liblz4 through pkg-config; Debian's provider is liblz4-dev.
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        // CRC-32C for the log and snapshots: SSE4.2 chosen at run time, so no
        // build flags; a table elsewhere.
        .target(name: "CCRC32C"),
        .target(
            name: "Cairn",
            dependencies: ["CLZ4", "CCRC32C"]
        ),
        // RESP2/RESP3 requests and replies: pure, imports neither NIO nor Cairn.
        .target(name: "CairnRESP"),
        // The network server: configuration (redis.conf directives, command
        // line, CONFIG GET/SET), engine replies onto RESP, connections.
        .target(
            name: "CairnServer",
            dependencies: [
                "Cairn", "CairnRESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The redis-server drop-in: configuration, startup log, signals.
        .executableTarget(
            name: "cairn-server",
            dependencies: ["CairnServer", .product(name: "Logging", package: "swift-log")]
        ),
        // cairn-dump's logic: inspect, verify and read Cairn's files
        // without opening an engine; testable, and free of the command line.
        .target(
            name: "CairnDump",
            dependencies: ["Cairn"]
        ),
        // The thin command line over CairnDump.
        .executableTarget(
            name: "cairn-dump",
            dependencies: ["Cairn", "CairnDump", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The simulated file system for crash tests: a FileIO that knows what
        // a power cut keeps. A library so later test targets can share it.
        .target(
            name: "CairnTestSupport",
            dependencies: ["Cairn"]
        ),
        .executableTarget(
            name: "cairn-bench",
            dependencies: ["Cairn"],
            path: "Benchmarks/cairn-bench"
        ),
        // The README's embedding example, built (and run by `make test`) so it cannot rot.
        .executableTarget(
            name: "cairn-example",
            dependencies: ["Cairn"],
            path: "Examples/ProductCache"
        ),
        .testTarget(
            name: "CairnTests",
            dependencies: ["Cairn", "CairnTestSupport"]
        ),
        .testTarget(
            name: "CairnDumpTests",
            dependencies: ["CairnDump", "Cairn", "CairnRESP", "CairnTestSupport"]
        ),
        .testTarget(
            name: "CairnRESPTests",
            // Cairn for its seeded RandomSource only; the library stays pure.
            dependencies: ["CairnRESP", "Cairn"]
        ),
        .testTarget(
            name: "CairnServerTests",
            dependencies: ["CairnServer", "Cairn", "CairnRESP", "CairnTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
