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
        .library(name: "IntervenServer", targets: ["IntervenServer"]),
        .library(name: "IntervenLoad", targets: ["IntervenLoad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
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
        .target(name: "IntervenSimulation", dependencies: ["IntervenCore", "IntervenScenario", "CPlatform"],
                swiftSettings: strict),
        // What Swift does not expose of the C platform: a cache prefetch hint, the O_DIRECT flag.
        .target(name: "CPlatform"),
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
        // The gateway as an HTTP service: tenants and keys, sharded gateway actors, the event log
        // in SQLite (group commit, replay on start-up), metrics.
        .target(name: "IntervenServer",
                dependencies: ["IntervenCore", "IntervenScenario", "IntervenLoading",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "Yams", package: "Yams")],
                // Resources/openapi.yaml is a link to the repository's openapi.yaml, served at /openapi.yaml.
                resources: [.embedInCode("Resources/openapi.yaml")],
                swiftSettings: strict),
        // Load-testing a live gateway: the scenario's traffic as HTTP requests on schedule,
        // coordinated-omission corrected latency, the expectations judged against the target.
        .target(name: "IntervenLoad",
                dependencies: ["IntervenCore", "IntervenScenario", "IntervenSimulation", "IntervenResults",
                               "IntervenCheck",
                               .product(name: "AsyncHTTPClient", package: "async-http-client"),
                               .product(name: "Histogram", package: "hdrhistogram-swift"), "CZlib"],
                swiftSettings: strict),
        // zlib (Debian: zlib1g-dev): gzip activity logs, and HdrHistogram's compressed encoding
        // in the load generator's interval logs.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
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
                "IntervenServer",
                "IntervenLoad",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                "IntervenReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                "CZlib",
                "CPlatform",
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
        // Golden/ holds the expected CI reports; the tests read them by path.
        .testTarget(name: "IntervenCheckTests", dependencies: ["IntervenCheck", "IntervenSimulation", "IntervenCore",
                                                               "IntervenScenario", "IntervenLoading", "IntervenTesting"],
                    exclude: ["Golden"]),
        .testTarget(name: "IntervenReportTests", dependencies: ["IntervenReport", "IntervenResults", "IntervenSimulation",
                                                                "IntervenCore", "IntervenScenario", "IntervenLoading",
                                                                "IntervenTesting"]),
        .testTarget(name: "CLITests", dependencies: ["IntervenTesting"]),
        .testTarget(name: "IntervenServerTests", dependencies: ["IntervenServer", "IntervenCore", "IntervenScenario",
                                                                "IntervenLoading", "IntervenTesting",
                                                                .product(name: "HummingbirdTesting", package: "hummingbird"),
                                                                // Databases in the schema of earlier versions, for the upgrade tests.
                                                                .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "IntervenLoadTests", dependencies: ["IntervenLoad", "IntervenServer", "IntervenCore",
                                                              "IntervenScenario", "IntervenLoading", "IntervenTesting",
                                                              .product(name: "Hummingbird", package: "hummingbird"),
                                                              .product(name: "Histogram", package: "hdrhistogram-swift")]),
    ],
    swiftLanguageModes: [.v6]
)
