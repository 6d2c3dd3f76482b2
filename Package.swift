// swift-tools-version:6.0
import PackageDescription

// Dependencies: none yet. The engine needs only the standard library,
// liblz4 (through the CLZ4 system-library target) and a small C target for
// CRC-32C. swift-collections comes in when a target uses it (Deque for lists,
// TreeDictionary for snapshots), so a clean build stays fast on two cores.
let package = Package(
    name: "Cairn",
    products: [
        .library(name: "Cairn", targets: ["Cairn"]),
        .library(name: "CairnRESP", targets: ["CairnRESP"]),
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
            dependencies: ["Cairn", "CairnRESP"]
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
            name: "CairnRESPTests",
            dependencies: ["CairnRESP"]
        ),
        .testTarget(
            name: "CairnServerTests",
            dependencies: ["CairnServer"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
