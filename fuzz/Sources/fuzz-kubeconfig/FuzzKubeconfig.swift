import CLibFuzzer
import FairwayKubernetes
import FairwayLive

/// libFuzzer entry point: parse the input as a kubeconfig file. A KubeconfigError is expected; a
/// trap or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKubeconfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let config = try? Kubeconfig.parse(bytes, path: "fuzz/kubeconfig") {
        _ = Kubeconfig.merged([config, config])
    }
    return 0
}

/// The entry point SwiftPM links as `main` (`fuzz_kubeconfig_main`): hands the command line to libFuzzer's driver.
@_cdecl("fuzz_kubeconfig_main")
public func fuzzKubeconfigMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in data.map { fuzzKubeconfig($0, size) } ?? 0 }
}

