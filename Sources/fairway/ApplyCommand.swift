import ArgumentParser
import FairwayAgent
import FairwayApply
import FairwayCore
import FairwayDiff
import FairwayLive
import FairwayViews
import Logging

/// `fairway apply`: plan under the state lock, confirm, and apply.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Plan and apply the repository's desired state to the local state.",
        discussion: """
            Nothing is changed when the repository has any error. The state is locked for the whole run, \
            so two applies never interleave. Exit codes: 0 applied (or nothing to do), 1 error, refusal or cancel.
            """
    )

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var stateOptions: StateOptions

    @Flag(name: .long, help: "Apply without asking for confirmation.")
    var autoApprove = false

    @OptionGroup var deletionGuard: DeletionGuardOptions

    func run() throws {
        let evaluation = try Run.evaluate(repository.source)
        guard evaluation.isValid else { try Run.failInvalid(evaluation, output: repository.output) }
        let style = Style(colored: Terminal.colored)
        let store = LocalStateStore(root: stateOptions.state)
        let report: ApplyReport
        do {
            let locked = try store.lock()
            defer { locked.unlock() }
            let plan = try Pipeline().plan(evaluation, live: locked, maxDeletions: deletionGuard.maxDeletions)
            if repository.output == .text {
                print(PlanView.text(plan, gpu: evaluation.fairness.classes, style: style))
            }
            guard plan.canApply else { throw ExitCode(1) }
            guard plan.hasChanges else {
                if repository.output == .json {
                    print(JSONWriter.string(ApplyReportView.json(ApplyReport(revision: plan.revision, results: [])),
                                            pretty: true), terminator: "")
                }
                return
            }
            if !autoApprove { try confirm(plan) }
            report = try Applier(logger: Logger(label: "fairway.apply")).apply(plan, to: locked,
                                                                               progress: ProgressPrinter.make())
        } catch let error as ExitCode {
            throw error
        } catch let error as LiveStateError {
            Terminal.printError("error: \(error)")
            throw ExitCode(1)
        } catch let error as PipelineError {
            Terminal.printError("error: \(error)")
            throw ExitCode(1)
        } catch let error as ApplyRefusal {
            Terminal.printError("error: apply refused: \(error)")
            throw ExitCode(1)
        }
        switch repository.output {
        case .json: print(JSONWriter.string(ApplyReportView.json(report), pretty: true), terminator: "")
        case .text: print(ApplyReportView.text(report, style: style), terminator: "")
        }
        if !report.succeeded { throw ExitCode(1) }
    }

    private func confirm(_ plan: Plan) throws {
        Terminal.printError("Apply \(plan.counts.total) change(s) to \(stateOptions.state)? Only 'yes' is accepted.")
        Terminal.writeError("Enter a value: ")
        guard let answer = readLine(), answer.trimmingCharacters(in: .whitespaces) == "yes" else {
            Terminal.printError("Apply cancelled; nothing was changed.")
            throw ExitCode(1)
        }
    }
}
