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
