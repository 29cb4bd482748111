// swift-tools-version: 6.1
import PackageDescription

/// `INTERVEN_ALLOCATOR=system swift build ...` links the system allocator (glibc malloc) instead of
/// jemalloc, to measure what jemalloc is worth (`make bench-system-alloc`). Use its own
/// `--scratch-path`: the manifest is read once per build directory.
let systemAllocator = Context.environment["INTERVEN_ALLOCATOR"] == "system"

let package = Package(
    name: "interven-sim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "interven-sim", targets: ["IntervenSimCLI"]),
        .library(name: "IntervenCore", targets: ["IntervenCore"]),
        .library(name: "IntervenLoading", targets: ["IntervenLoading"]),
        .library(name: "IntervenSimulation", targets: ["IntervenSimulation"]),
        .library(name: "IntervenCheck", targets: ["IntervenCheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // The pure core: no I/O, no actors, no clock reads, no randomness of its own.
        .target(name: "IntervenCore"),
        // Adapters that turn YAML documents into core values, with line/column errors.
        .target(
            name: "IntervenLoading",
            dependencies: ["IntervenCore", "IntervenSimulation", .product(name: "Yams", package: "Yams")],
            // Resources/default.yaml is a link to Scenarios/rules/default.yaml: the one copy of
            // every default, compiled into the binary so it works from any directory.
            resources: [.embedInCode("Resources/default.yaml")]
        ),
        // The simulation runtime: per-agent random streams, traffic, (next) actors and virtual time.
        .target(name: "IntervenSimulation", dependencies: ["IntervenCore"]),
        // Checking scenarios: discovery, parallel runs, expectations, baselines, reports.
        .target(name: "IntervenCheck", dependencies: ["IntervenCore", "IntervenLoading", "IntervenSimulation",
                                                      .product(name: "Yams", package: "Yams")]),
        // jemalloc, linked into the executable only (Debian: libjemalloc-dev), unless
        // INTERVEN_ALLOCATOR=system.
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),
        .executableTarget(
            name: "IntervenSimCLI",
            dependencies: [
                "IntervenCore",
                "IntervenLoading",
                "IntervenSimulation",
                "IntervenCheck",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ] + (systemAllocator ? [] : ["CJemalloc"]),
            path: "Sources/interven-sim"
        ),
        .testTarget(name: "IntervenCoreTests", dependencies: ["IntervenCore", "IntervenLoading"]),
        .testTarget(name: "IntervenLoadingTests", dependencies: ["IntervenLoading", "IntervenCore", "IntervenSimulation",
                                                          .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "IntervenSimulationTests", dependencies: ["IntervenSimulation", "IntervenCore", "IntervenLoading"]),
        .testTarget(name: "IntervenCheckTests", dependencies: ["IntervenCheck", "IntervenSimulation", "IntervenCore", "IntervenLoading"]),
        .testTarget(name: "CLITests"),
    ],
    swiftLanguageModes: [.v6]
)
