// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets for Fairway's parsers, built with `-sanitize=fuzzer` by scripts/fuzz-libfuzzer
/// (a separate package, so the main build never links libFuzzer's `main`).
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "fairway-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "fairway", path: "..")],
    targets: [
        // libFuzzer's driver, declared for Swift.
        .target(name: "CLibFuzzer"),
        // The YAML reader: any bytes parse or fail with a located YAMLError.
        .executableTarget(
            name: "fuzz-yaml",
            dependencies: ["CLibFuzzer", .product(name: "FairwayParsing", package: "fairway")],
            swiftSettings: swiftSettings
        ),
        // The model: the template with one file replaced by the input loads into documents or diagnostics.
        .executableTarget(
            name: "fuzz-model",
            dependencies: ["CLibFuzzer", .product(name: "FairwayParsing", package: "fairway")],
            swiftSettings: swiftSettings
        ),
        // The kubeconfig parser: any bytes give a Kubeconfig or a KubeconfigError.
        .executableTarget(
            name: "fuzz-kubeconfig",
            dependencies: ["CLibFuzzer", .product(name: "FairwayKubernetes", package: "fairway")],
            swiftSettings: swiftSettings
        ),
    ]
)
