// swift-tools-version:6.0
import PackageDescription

// Cairn's fuzz targets: one libFuzzer executable per parser of untrusted
// bytes, over the main package (by path). Build only with the fuzzer
// sanitizer (see README.md): each target's main.swift defines
// LLVMFuzzerTestOneInput and libFuzzer supplies main.
let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzRESPRequest", [.product(name: "CairnRESP", package: "Cairn")]),
    ("FuzzRESPReply", [.product(name: "CairnRESP", package: "Cairn")]),
    ("FuzzSegment", [.product(name: "Cairn", package: "Cairn"), .product(name: "CairnTestSupport", package: "Cairn")]),
    ("FuzzSnapshot", [.product(name: "Cairn", package: "Cairn"), .product(name: "CairnTestSupport", package: "Cairn")]),
    ("FuzzManifest", [.product(name: "Cairn", package: "Cairn"), .product(name: "CairnTestSupport", package: "Cairn")]),
    ("FuzzCommands", [.product(name: "Cairn", package: "Cairn"), .product(name: "CairnTestSupport", package: "Cairn")]),
]

let package = Package(
    name: "CairnFuzz",
    dependencies: [.package(name: "Cairn", path: "..")],
    targets: [
        // What the targets share: reading choices out of the input bytes,
        // and the simulated directory the file targets read from.
        .target(name: "FuzzSupport", dependencies: [
            .product(name: "Cairn", package: "Cairn"), .product(name: "CairnTestSupport", package: "Cairn"),
        ]),
    ] + fuzzTargets.map { target in
        .executableTarget(name: target.name, dependencies: target.dependencies + ["FuzzSupport"])
    }
)
