import CLibFuzzer
import FairwayYAML

/// libFuzzer entry point: parse the input as a YAML stream. Errors are expected; a trap, a hang or
/// memory growth beyond libFuzzer's limits is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let stream = try? YAMLParser.parse(bytes) {
        // Read every scalar as the core schema would, so its number and boolean parsing is fuzzed too.
        for document in stream.documents { visit(document) }
    }
    return 0
}

private func visit(_ node: YAMLNode) {
    if let scalar = node.scalar {
        _ = YAMLCoreSchema.int(scalar)
        _ = YAMLCoreSchema.double(scalar)
        _ = YAMLCoreSchema.bool(scalar)
    }
    for pair in node.pairs ?? [] {
        visit(pair.key)
        visit(pair.value)
    }
    for item in node.items ?? [] { visit(item) }
}

/// The entry point SwiftPM links as `main` (`fuzz_yaml_main`): hands the command line to libFuzzer's driver.
@_cdecl("fuzz_yaml_main")
public func fuzzYamlMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in data.map { fuzzYAML($0, size) } ?? 0 }
}

