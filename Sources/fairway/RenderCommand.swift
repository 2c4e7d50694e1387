import ArgumentParser
import FairwayAgent
import FairwayCore
import FairwayYAML
import Foundation

/// `fairway render`: write the desired state as YAML files, one per object.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write the desired Kubernetes objects of a repository as YAML files.",
        discussion: "Files are named <index>-<kind>-<namespace>-<name>.yaml in apply order. Exit codes: 0 written, 1 error."
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(name: .long, help: "Directory to write into (created if missing).")
    var out: String

    func run() throws {
        let evaluation = try Run.evaluate(repository.source)
        guard evaluation.isValid, let desired = evaluation.desired else {
            try Run.failInvalid(evaluation, output: repository.output)
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var written: [JSONValue] = []
            let digits = String(desired.manifests.count).count
            for (index, manifest) in desired.sortedStampedManifests.enumerated() {
                let number = String(index + 1)
                let prefix = String(repeating: "0", count: digits - number.count) + number
                let name = "\(prefix)-\(manifest.key.kind.lowercased())-\(manifest.key.namespace.map { "\($0)-" } ?? "")\(manifest.key.name).yaml"
                let yaml = try YAMLEmitter.emit(manifest.body)
                try Data(yaml.utf8).write(to: URL(fileURLWithPath: "\(out)/\(name)"), options: .atomic)
                written.append(.string(name))
            }
            switch repository.output {
            case .json:
                print(JSONWriter.string(["formatVersion": 1, "directory": .string(out), "files": .array(written)], pretty: true),
                      terminator: "")
            case .text: print("Wrote \(written.count) objects to \(out)")
            }
        } catch {
            Terminal.printError("error: cannot write \(out): \(error)")
            throw ExitCode(1)
        }
    }
}
