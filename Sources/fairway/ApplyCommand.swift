import ArgumentParser
import FairwayAgent
import FairwayApply
import FairwayCore
import FairwayDiff
import FairwayLive
import FairwayPipeline
import FairwayViews
import Foundation
import Logging

/// `fairway apply [PATH | FILE]`: plan under the state lock, confirm, and apply; or apply a plan
/// saved by `fairway plan --out FILE` after checking nothing moved since it was made.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Plan and apply the repository's desired state, or apply a saved plan.",
        discussion: """
            Nothing is changed when the repository has any error: in particular nothing is ever pruned. \
            The target is the local state (--state, locked for the whole run) or a cluster (--kubeconfig, \
            --context or --in-cluster): its objects by server-side apply as field manager `fairway`, its EKS \
            managed node groups and its Helm releases, in stages: CRDs and namespaces, node groups, releases \
            (by dependency), cluster-scoped objects, namespaced objects, workloads, then deletions. Each stage \
            waits for readiness (CRDs established, Deployments available, Ray clusters ready, node groups \
            ACTIVE); the first failure stops the apply, and running it again converges. Given a FILE saved by \
            `fairway plan --out`, the plan's commit is rendered again and the live state read again; the apply \
            is refused when anything moved since the plan was made, and otherwise goes ahead without asking \
            (the plan was reviewed). Exit codes: 0 applied (or nothing to do), 1 error, refusal, stale plan, \
            failed step or cancel.
            """
    )

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var target: TargetOptions

    @Flag(name: .long, help: "Apply without asking for confirmation.")
    var autoApprove = false

    @OptionGroup var deletionGuard: DeletionGuardOptions

    @Flag(name: .long, help: "Take over fields that other field managers own (server-side apply conflicts).")
    var forceConflicts = false

    @OptionGroup var cluster: ClusterApplyOptions

    func run() async throws {
        var source = repository.source
        var saved: SavedPlan?
        if let path = source.path, FileIO.exists(path), !FileIO.isDirectory(path) {
            let plan = try loadPlan(path)
            source = try plan.sourceOptions(from: source)
            saved = plan
        }
        if target.isCluster {
            try await applyToCluster(source, saved: saved)
        } else {
            try applyToLocalState(source, saved: saved)
        }
    }

    /// The local state: planned and applied under its lock.
    private func applyToLocalState(_ source: SourceOptions, saved: SavedPlan?) throws {
        let evaluation = try Run.evaluate(source)
        guard evaluation.isValid else { try Run.failInvalid(evaluation, output: repository.output) }
        let style = Style(colored: Terminal.colored)
        let store = LocalStateStore(root: target.state)
        let report: ApplyReport
        do {
            let locked = try store.lock()
            defer { locked.unlock() }
            let maxDeletions = saved.map(\.maxDeletions) ?? deletionGuard.maxDeletions
            let adopt = saved.map { Set($0.adopt) } ?? deletionGuard.adoptions
            let plan = try Pipeline().plan(evaluation, live: locked, maxDeletions: maxDeletions, adopt: adopt)
            if let saved {
                try check(saved, against: plan, targetName: "local state \(target.state)")
            } else if repository.output == .text {
                print(PlanView.text(plan, gpu: evaluation.fairness.classes, style: style))
            }
            switch ApplyGate.decide(plan) {
            case let .refused(refusals):
                for refusal in refusals { Terminal.printError("error: apply refused: \(refusal.message)") }
                throw ExitCode(1)
            case .nothingToDo:
                if repository.output == .json {
                    print(JSONWriter.string(ApplyReportView.json(ApplyReport(revision: plan.revision, results: [])),
                                            pretty: true), terminator: "")
                } else if saved != nil {
                    print("No changes. The live state matches revision \(plan.revision).")
                }
                return
            case .needsConfirmation, .cannotCheck, .apply:
                // The local state holds no running work: only `apply` comes from a plan alone.
                break
            }
            if !autoApprove && saved == nil { try confirm(plan, target: target.state) }
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
        try finish(report, style: style)
    }

    /// Prints the report as asked; exits 1 when any step failed.
    func finish(_ report: ApplyReport, style: Style) throws {
        switch repository.output {
        case .json: print(JSONWriter.string(ApplyReportView.json(report), pretty: true), terminator: "")
        case .text: print(ApplyReportView.text(report, style: style), terminator: "")
        }
        if !report.succeeded { throw ExitCode(1) }
    }

    func loadPlan(_ path: String) throws -> SavedPlan {
        do {
            return try SavedPlan.parse(try FileIO.readAll(path), path: path)
        } catch let error as SavedPlanError {
            Terminal.printError("error: \(error)")
        } catch {
            Terminal.printError("error: cannot read \(path): \(error)")
        }
        throw ExitCode(1)
    }

    /// Refuses a saved plan made for another target, or one the live state or repository moved away from.
    func check(_ saved: SavedPlan, against plan: Plan, targetName: String) throws {
        let reasons = saved.staleness(of: plan, target: targetName)
        guard reasons.isEmpty else {
            Terminal.printError("error: the saved plan is stale; nothing was changed. Plan again.")
            for reason in reasons.prefix(20) { Terminal.printError("  \(reason)") }
            if reasons.count > 20 { Terminal.printError("  ... and \(reasons.count - 20) more") }
            throw ExitCode(1)
        }
    }

    /// Asks on standard input; anything but `yes` (and end of input) cancels.
    func confirm(_ plan: Plan, target: String) throws {
        Terminal.printError("Apply \(plan.changeCount) change(s) to \(target)? Only 'yes' is accepted.")
        Terminal.writeError("Enter a value: ")
        guard let answer = readLine(), answer.trimmingCharacters(in: .whitespaces) == "yes" else {
            Terminal.printError("Apply cancelled; nothing was changed.")
            throw ExitCode(1)
        }
    }
}

extension SavedPlan {
    /// The source a saved plan names, replacing PATH (which named the plan file).
    func sourceOptions(from options: SourceOptions) throws -> SourceOptions {
        var options = options
        options.path = self.source.directory
        options.repo = self.source.repository
        options.ref = self.source.repository == nil ? nil : self.source.revision
        return options
    }
}
