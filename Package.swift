// swift-tools-version: 6.1
import PackageDescription

/// `INTERVEN_ALLOCATOR=system swift build ...` links the system allocator (glibc malloc) instead of
/// jemalloc, to measure what jemalloc is worth (`make bench-system-alloc`). Use its own
/// `--scratch-path`: the manifest is read once per build directory.
let systemAllocator = Context.environment["INTERVEN_ALLOCATOR"] == "system"

/// Each library target states its surface: an `import` is internal unless written `public import`.
let strict: [SwiftSetting] = [.enableUpcomingFeature("InternalImportsByDefault")]

let package = Package(
    name: "interven-sim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "interven-sim", targets: ["IntervenSimCLI"]),
        .library(name: "IntervenCore", targets: ["IntervenCore"]),
        .library(name: "IntervenScenario", targets: ["IntervenScenario"]),
        .library(name: "IntervenLoading", targets: ["IntervenLoading"]),
        .library(name: "IntervenSimulation", targets: ["IntervenSimulation"]),
        .library(name: "IntervenResults", targets: ["IntervenResults"]),
        .library(name: "IntervenCheck", targets: ["IntervenCheck"]),
        .library(name: "IntervenReport", targets: ["IntervenReport"]),
        .library(name: "IntervenTesting", targets: ["IntervenTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // The pure core: no I/O, no actors, no clock reads, no randomness of its own.
        .target(name: "IntervenCore", swiftSettings: strict),
        // What a scenario says: agent groups, traffic, phases, timeline, analyst, expectations,
        // the tool catalogue and the seeded random streams its distributions draw from.
        .target(name: "IntervenScenario", dependencies: ["IntervenCore"], swiftSettings: strict),
        // Adapters that turn YAML documents into rules and scenarios, with line/column errors.
        .target(
            name: "IntervenLoading",
            dependencies: ["IntervenCore", "IntervenScenario", .product(name: "Yams", package: "Yams")],
            // Resources/default.yaml is a link to Scenarios/rules/default.yaml: the one copy of
            // every default, compiled into the binary so it works from any directory.
            resources: [.embedInCode("Resources/default.yaml")],
            swiftSettings: strict
        ),
        // The simulation runtime: shard actors, virtual time, the event order, what shards observe.
        .target(name: "IntervenSimulation", dependencies: ["IntervenCore", "IntervenScenario"], swiftSettings: strict),
        // The results directory and single output files: JSON, CSV, atomic and durable writes.
        .target(name: "IntervenResults", dependencies: ["IntervenCore", "IntervenScenario", "IntervenSimulation"],
                swiftSettings: strict),
        // Checking scenarios: discovery, parallel runs, the evaluator, baselines, reports.
        .target(name: "IntervenCheck", dependencies: ["IntervenCore", "IntervenScenario", "IntervenLoading",
                                                      "IntervenSimulation", "IntervenResults",
                                                      .product(name: "Yams", package: "Yams")],
                swiftSettings: strict),
        // report.html: a self-contained page (inline CSS, script and SVG charts) drawn from a
        // results directory.
        .target(name: "IntervenReport", dependencies: ["IntervenCore", "IntervenScenario", "IntervenSimulation",
                                                       "IntervenResults", "IntervenCheck"],
                swiftSettings: strict),
        // Test support: gateway rigs, scenario builders, the CLI process runner, and a way to
        // run one scenario through the reference loop and the engine.
        .target(name: "IntervenTesting", dependencies: ["IntervenCore", "IntervenScenario", "IntervenLoading",
                                                        "IntervenSimulation"],
                swiftSettings: strict),
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
                "IntervenScenario",
                "IntervenLoading",
                "IntervenSimulation",
                "IntervenResults",
                "IntervenCheck",
                "IntervenReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ] + (systemAllocator ? [] : ["CJemalloc"]),
            path: "Sources/interven-sim",
            swiftSettings: strict
        ),
        .testTarget(name: "IntervenCoreTests", dependencies: ["IntervenCore", "IntervenLoading", "IntervenTesting"]),
        .testTarget(name: "IntervenScenarioTests", dependencies: ["IntervenScenario", "IntervenCore", "IntervenTesting"]),
        .testTarget(name: "IntervenLoadingTests", dependencies: ["IntervenLoading", "IntervenCore", "IntervenScenario",
                                                                 "IntervenTesting", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "IntervenSimulationTests", dependencies: ["IntervenSimulation", "IntervenCore", "IntervenScenario",
                                                                    "IntervenLoading", "IntervenTesting"]),
        .testTarget(name: "IntervenResultsTests", dependencies: ["IntervenResults", "IntervenSimulation", "IntervenCore",
                                                                 "IntervenScenario", "IntervenLoading", "IntervenTesting"]),
        .testTarget(name: "IntervenCheckTests", dependencies: ["IntervenCheck", "IntervenSimulation", "IntervenCore",
                                                               "IntervenScenario", "IntervenLoading", "IntervenTesting"]),
        .testTarget(name: "IntervenReportTests", dependencies: ["IntervenReport", "IntervenResults", "IntervenSimulation",
                                                                "IntervenCore", "IntervenScenario", "IntervenLoading",
                                                                "IntervenTesting"]),
        .testTarget(name: "CLITests", dependencies: ["IntervenTesting"]),
    ],
    swiftLanguageModes: [.v6]
)
