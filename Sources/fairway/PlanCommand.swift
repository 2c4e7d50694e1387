import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import FairwayAgent
import FairwayCore
import FairwayDiff
import FairwayLive
import FairwayViews

/// `fairway plan`: show what an apply would change in the local state.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes that would bring the live state to the repository's desired state.",
        discussion: """
            Exit codes: 0 success, 1 error (invalid repository, unreadable state). With --detailed-exitcode: \
            0 no changes, 2 changes present, 1 error.
            """
    )

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var stateOptions: StateOptions

    @Flag(name: .long, help: "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    @OptionGroup var deletionGuard: DeletionGuardOptions

    func run() throws {
        let pass: (evaluation: Evaluation, plan: Plan?)
        do {
            pass = try Pipeline().evaluateAndPlan(source: { () throws(PipelineError) in try repository.source.snapshot() },
                                                  live: LocalStateStore(root: stateOptions.state),
                                                  maxDeletions: deletionGuard.maxDeletions)
        } catch {
            Terminal.printError("error: \(error)")
            throw ExitCode(1)
        }
        let evaluation = pass.evaluation
        guard let plan = pass.plan else { try Run.failInvalid(evaluation, output: repository.output) }
        let gpu = evaluation.fairness.classes
        switch repository.output {
        case .json: print(JSONWriter.string(PlanView.json(plan, gpu: gpu), pretty: true), terminator: "")
        case .text:
            let style = Style(colored: Terminal.colored)
            print(DiagnosticsView.text(evaluation.diagnostics, style: style), terminator: "")
            print(PlanView.text(plan, gpu: gpu, style: style), terminator: "")
        }
        // Exit without tearing down the desired and live trees: at scale that teardown costs more
        // than it saves (the output is complete and flushed by exit).
        if !plan.canApply { Glibc.exit(1) }
        Glibc.exit(detailedExitcode && plan.hasChanges ? 2 : 0)
    }
}
