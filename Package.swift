// swift-tools-version: 6.1
import PackageDescription

/// Fairway's modules follow the pipeline in one direction:
/// Source -> Model -> Fairness -> Render -> Diff -> Apply, with Live feeding Diff and serving Apply.
/// FairwayCore is the shared vocabulary (JSON tree, object keys, kind order, diagnostics);
/// only FairwayPipeline (the one pass), FairwayAgent (the sync daemon) and the `fairway` executable
/// join stages together.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "fairway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fairway", targets: ["fairway"]),
        .library(name: "FairwayModel", targets: ["FairwayModel"]),
        // For the libFuzzer package in fuzz/: the YAML reader and the model, and the live clients
        // (the kubeconfig parser).
        .library(name: "FairwayParsing", targets: ["FairwayYAML", "FairwaySource", "FairwayModel"]),
        .library(name: "FairwayKubernetes", targets: ["FairwayLive", "FairwayKubernetes"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            path: "Sources/CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CZ3",
            path: "Sources/CZ3",
            pkgConfig: "z3",
            providers: [.apt(["libz3-dev"])]
        ),
        .systemLibrary(
            name: "CLibGit2",
            path: "Sources/CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "CFairwaySys", path: "Sources/CFairwaySys"),
        .target(name: "FairwayCore", swiftSettings: swiftSettings),
        .target(name: "FairwayYAML", dependencies: ["CYAML", "FairwayCore"], swiftSettings: swiftSettings),
        .target(
            name: "FairwaySource",
            dependencies: ["FairwayCore", "CLibGit2", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FairwayModel",
            dependencies: ["FairwayCore", "FairwayYAML", "FairwaySource"],
            swiftSettings: swiftSettings
        ),
        // Kueue's admission semantics (quota tree, dominant resource share, flavor assignment, the
        // fair-sharing scheduler and preemption), pure and independent of Fairway's documents.
        // Exclusivity is checked statically only: its dynamic checks on the quota tree's and the
        // scheduler's arrays were a quarter of the replay's time. SwiftPM accepts unsafe flags in a
        // root package's own targets; no library product exposes this target.
        .target(
            name: "FairwayAdmission",
            dependencies: ["FairwayCore"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .target(
            name: "FairwayFairness",
            dependencies: ["FairwayCore", "FairwayModel", "FairwayAdmission", "CZ3"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FairwayRender",
            dependencies: ["FairwayCore", "FairwayYAML", "FairwayModel", "FairwayFairness"],
            swiftSettings: swiftSettings
        ),
        // Live state: what a plan reads and an apply writes (LiveStateReader/Writer), file I/O, and the
        // local state store (SQLite).
        .target(
            name: "FairwayLive",
            dependencies: ["FairwayCore", "FairwayYAML", "CFairwaySys", "CSQLite"],
            swiftSettings: swiftSettings
        ),
        // The Kubernetes API client: kubeconfig and in-cluster access, discovery, reads, server-side apply.
        .target(
            name: "FairwayKubernetes",
            dependencies: [
                "FairwayCore", "FairwayYAML", "FairwayLive",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // AWS: the credential chain, SigV4, the EKS client and EKS tokens for kubeconfigs.
        .target(
            name: "FairwayAWS",
            dependencies: [
                "FairwayCore", "FairwayLive", "FairwayKubernetes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The helm CLI as a client: releases read, installed, upgraded and uninstalled.
        .target(
            name: "FairwayHelm",
            dependencies: ["FairwayCore", "FairwayYAML", "FairwayLive", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FairwayDiff",
            dependencies: ["FairwayCore", "FairwayFairness", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FairwayApply",
            dependencies: ["FairwayCore", "FairwayDiff", "FairwayLive", "FairwayKubernetes", "FairwayAWS", "FairwayHelm", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FairwayViews",
            dependencies: ["FairwayCore", "FairwayYAML", "FairwayFairness", "FairwayDiff", "FairwayApply"],
            swiftSettings: swiftSettings
        ),
        // The one pass every command runs: evaluate, read a target, plan, decide, apply; cluster targets.
        .target(
            name: "FairwayPipeline",
            dependencies: [
                "FairwayCore", "FairwayYAML", "FairwaySource", "FairwayModel", "FairwayFairness", "FairwayRender",
                "FairwayLive", "FairwayKubernetes", "FairwayAWS", "FairwayHelm", "FairwayDiff", "FairwayApply",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The in-cluster sync daemon: reconciler, Lease election, status, metrics, webhook server.
        .target(
            name: "FairwayAgent",
            dependencies: [
                "FairwayCore", "FairwayYAML", "FairwaySource", "FairwayModel", "FairwayFairness", "FairwayRender",
                "FairwayLive", "FairwayKubernetes", "FairwayAWS", "FairwayHelm", "FairwayDiff", "FairwayApply", "FairwayPipeline", "CFairwaySys",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fairway",
            dependencies: [
                "FairwayCore", "FairwayYAML", "FairwayModel", "FairwayPipeline", "FairwayAgent", "FairwayViews", "FairwayLive", "FairwayKubernetes", "FairwayAWS", "FairwayHelm",
                "FairwayDiff", "FairwayApply", "FairwaySource",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fairway-bench",
            dependencies: [
                "FairwayCore", "FairwaySource", "FairwayModel", "FairwayFairness", "FairwayYAML", "FairwayRender", "FairwayPipeline",
                "FairwayDiff", "FairwayLive", "FairwayKubernetes", "FairwayAWS", "FairwayHelm", "FairwayViews",
            ],
            swiftSettings: swiftSettings
        ),
        // Test support: an in-memory Kubernetes API server for tests, scripts and the benchmark. Nothing in
        // the product depends on it.
        .target(
            name: "FairwayTestCluster",
            dependencies: [
                "FairwayCore", "FairwayYAML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fairway-testcluster",
            dependencies: [
                "FairwayTestCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FairwayTests",
            dependencies: [
                "FairwayCore", "FairwayYAML", "FairwaySource", "FairwayModel", "FairwayFairness", "FairwayAdmission",
                "FairwayRender", "FairwayLive", "FairwayKubernetes", "FairwayAWS", "FairwayHelm", "FairwayDiff", "FairwayApply", "FairwayViews", "FairwayPipeline", "FairwayAgent",
            ],
            exclude: ["Golden", "Corpus"],
            swiftSettings: swiftSettings
        ),
        // Kueue's own test expectations, ported as fixtures, held against FairwayAdmission.
        .testTarget(
            name: "AdmissionTests",
            dependencies: ["FairwayCore", "FairwayAdmission"],
            swiftSettings: swiftSettings
        ),
        // What the test targets share: repository paths, kubectl/helm lookup, a client sandbox, and a
        // test cluster in-process or as a separate process.
        .target(
            name: "FairwayTestSupport",
            dependencies: ["FairwayCore", "FairwayTestCluster"],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        // Live clients against real peers: the test API server, moto_server (EKS), the real helm.
        .testTarget(
            name: "LiveTests",
            dependencies: [
                "FairwayCore", "FairwayYAML", "FairwayLive", "FairwayKubernetes", "FairwayAWS", "FairwayHelm", "FairwayDiff", "FairwayApply", "FairwayPipeline", "FairwayAgent",
                "FairwayRender", "FairwayViews", "FairwayTestCluster", "FairwayTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TestClusterTests",
            dependencies: ["FairwayCore", "FairwayYAML", "FairwayPipeline", "FairwayAgent", "FairwayTestCluster", "FairwayTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
