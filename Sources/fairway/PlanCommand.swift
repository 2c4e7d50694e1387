import ArgumentParser
#if canImport(Glibc)
import FairwayPipeline
import FairwaySource
import Glibc
#endif
import FairwayAgent
import FairwayCore
import FairwayDiff
import FairwayLive
import FairwayViews
import Foundation

/// `fairway plan`: show what an apply would change in the local state or a cluster.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes that would bring the live state to the repository's desired state.",
        discussion: """
            The target is the local state (--state), or a cluster named with --kubeconfig/--context or \
            --in-cluster: its Kubernetes objects, EKS managed node groups (cluster.yaml's spec.eks) and Helm \
            releases. Secrets and sensitive values are masked in every output. --out FILE saves the plan for \
            `fairway apply FILE`, bound to the commit and to the live versions it was computed against. \
            Exit codes: 0 success, 1 error (invalid repository, unreadable target, refused plan). With \
            --detailed-exitcode: 0 no changes, 2 changes present, 1 error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, github
    }

    @OptionGroup var source: SourceOptions
    @OptionGroup var target: TargetOptions

    @Option(name: .long, help: "Output format: text, json, markdown (a pull-request comment) or github (workflow annotations).")
    var output: Format = .text

    @Option(name: .long, help: "Save the plan to FILE for `fairway apply FILE`.")
    var out: String?

    @Flag(name: .long, help: "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    @OptionGroup var deletionGuard: DeletionGuardOptions

    func run() async throws {
        let pass: (evaluation: Evaluation, plan: Plan?)
        let targetName: String
        do {
            let source = source
            let snapshot: @Sendable () throws(PipelineError) -> SourceSnapshot = { () throws(PipelineError) in try source.snapshot() }
            if target.isCluster {
                (targetName, pass) = try await ClusterTarget.with(target.clusterAccess) { cluster in
                    (cluster.name, try await Pipeline().evaluateAndPlan(source: snapshot, target: cluster,
                                                                        maxDeletions: deletionGuard.maxDeletions, adopt: deletionGuard.adoptions))
                }
            } else {
                targetName = "local state \(target.state)"
                // The local state is read while the repository is evaluated.
                pass = try Pipeline().evaluateAndPlan(source: snapshot, live: LocalStateStore(root: target.state),
                                                      maxDeletions: deletionGuard.maxDeletions, adopt: deletionGuard.adoptions)
            }
        } catch {
            Terminal.printError("error: \(error)")
            throw ExitCode(1)
        }
        let evaluation = pass.evaluation
        guard let plan = pass.plan else {
            switch output {
            case .github: print(GitHubAnnotations.render(evaluation.diagnostics), terminator: "")
            case .markdown:
                // A comment is written even now: it says the repository is invalid and lists every diagnostic.
                print(DiagnosticsView.invalidMarkdown(title: "Fairway plan for `\(targetName)`", revision: evaluation.snapshot.revision,
                                                      diagnostics: evaluation.diagnostics, subject: "The repository at",
                                                      consequence: "Nothing was planned"), terminator: "")
            case .text, .json: try Run.failInvalid(evaluation, output: output == .json ? .json : .text)
            }
            throw ExitCode(1)
        }
        let gpu = evaluation.fairness.classes
        if let out { try save(plan, evaluation: evaluation, target: targetName, to: out) }
        switch output {
        case .json: print(JSONWriter.string(PlanView.json(plan, gpu: gpu), pretty: true), terminator: "")
        case .markdown: print(PlanView.markdown(plan, target: targetName), terminator: "")
        case .github: print(GitHubAnnotations.render(evaluation.diagnostics) + PlanView.github(plan, target: targetName), terminator: "")
        case .text:
            let style = Style(colored: Terminal.colored)
            print(DiagnosticsView.text(evaluation.diagnostics, style: style), terminator: "")
            print(PlanView.text(plan, gpu: gpu, style: style), terminator: "")
            if let out { print("Saved the plan to \(out); apply it with: fairway apply \(out)") }
        }
        Run.exit(!plan.canApply ? 1 : detailedExitcode && plan.hasChanges ? 2 : 0)
    }

    /// Writes the saved plan (mode 0600: it names the cluster and its objects).
    private func save(_ plan: Plan, evaluation: Evaluation, target: String, to path: String) throws {
        let directory = source.repo == nil ? URL(fileURLWithPath: source.path ?? ".").standardizedFileURL.path : nil
        let saved = SavedPlan(source: SavedPlan.Source(repository: source.repo, directory: directory, revision: plan.revision),
                              target: target, maxDeletions: deletionGuard.maxDeletions, adopt: deletionGuard.adopt.sorted(), plan: plan,
                              gpu: evaluation.fairness.classes)
        do {
            try FileIO.writeAtomically(JSONWriter.bytes(saved.json(), pretty: true), to: path, mode: 0o600)
        } catch {
            Terminal.printError("error: cannot save the plan: \(error)")
            throw ExitCode(1)
        }
    }
}
