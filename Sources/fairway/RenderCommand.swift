import ArgumentParser
import FairwayAgent
import FairwayCore
import FairwayPipeline
import Foundation

/// `fairway render`: write the desired state as YAML files, one per object.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write the desired state of a repository as files: Kubernetes objects, Helm values, EKS requests.",
        discussion: """
            Writes kubernetes/<namespace>/<kind>.yaml (cluster-scoped objects under _cluster), \
            helm/<release>.values.yaml with helm/releases.yaml (chart, repository, version), and \
            eks/<nodegroup>.json (CreateNodegroup and UpdateNodegroupConfig requests). An earlier render in \
            DIR is replaced; any other non-empty DIR is refused. Exit codes: 0 written, 1 error.
            """
    )

    @OptionGroup var repository: RepositoryOptions

    @Option(name: .long, help: "Directory to write into (created if missing).")
    var out: String

    func run() throws {
        let evaluation = try Run.evaluate(repository.source)
        guard evaluation.isValid, let desired = evaluation.desired else {
            try Run.failInvalid(evaluation, output: repository.output)
        }
        let summary: RenderWriter.Summary
        do {
            summary = try RenderWriter(directory: out).write(desired)
        } catch {
            Terminal.printError("error: cannot write \(out): \(error)")
            throw ExitCode(1)
        }
        switch repository.output {
        case .json:
            print(JSONWriter.string(["formatVersion": 2, "directory": .string(out), "revision": .string(desired.revision),
                                     "objects": .int(Int64(summary.objects)),
                                     "files": .array(summary.files.map(JSONValue.string))], pretty: true), terminator: "")
        case .text:
            print("Wrote \(summary.objects) objects, \(desired.helmReleases.count) Helm releases and \(desired.nodeGroups.count) node groups to \(out)")
        }
    }
}
