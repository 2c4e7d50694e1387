import CLibFuzzer
import Foundation
import FairwayModel
import FairwaySource

/// The template's files, read once from `FAIRWAY_TEMPLATE` (default `platform-repo-template`).
let templateFiles: [SourceFile] = {
    let root = ProcessInfo.processInfo.environment["FAIRWAY_TEMPLATE"] ?? "platform-repo-template"
    guard let snapshot = try? DirectorySource(root: root).read(), !snapshot.files.isEmpty else {
        FileHandle.standardError.write(Data("fuzz-model: cannot read the template at \(root)\n".utf8))
        exit(2)
    }
    return snapshot.files
}()

/// libFuzzer entry point: the first byte picks a template file, the rest replaces it, and the
/// repository is loaded. Diagnostics are expected; a trap or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    var files = templateFiles
    let index = Int(data[0]) % files.count
    files[index] = SourceFile(path: files[index].path, bytes: Array(UnsafeBufferPointer(start: data + 1, count: size - 1)))
    let snapshot = SourceSnapshot(origin: "fuzz", revision: "fuzz", files: files, diagnostics: [])
    _ = PlatformLoader().load(snapshot)
    return 0
}

/// The entry point SwiftPM links as `main` (`fuzz_model_main`): hands the command line to libFuzzer's driver.
@_cdecl("fuzz_model_main")
public func fuzzModelMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in data.map { fuzzModel($0, size) } ?? 0 }
}

