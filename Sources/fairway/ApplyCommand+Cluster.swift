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

/// The options a cluster apply and the sync agent take.
struct ClusterApplyOptions: ParsableArguments {
    @Option(name: .long, help: "How long one object may take to become ready, and one Helm operation to finish (Go duration).")
    var timeout: String = "5m"

    @Option(name: .long, help: "How long one EKS node group may take to become ACTIVE or be deleted (Go duration).")
    var nodeGroupTimeout: String = "30m"

    @Flag(name: .long, help: "Do not wait for workloads to become ready (CRDs are still waited on).")
    var noWait = false

    @Option(name: .long, help: "Objects written at once within a stage.")
    var concurrency: Int = 16

    @Option(name: .long, help: "Directory of local charts (<chart>-<version>.tgz or <chart>/) to install instead of fetching them.")
    var charts: String?

    @Option(name: .long, help: "Delete this tenant namespace even though RayJobs or notebooks still run in it (repeatable).")
    var confirmDeleteNamespace: [String] = []

    func validate() throws {
        guard let timeout = GoDuration(timeout), timeout.nanoseconds > 0 else { throw ValidationError("--timeout must be a duration such as 5m") }
        guard let groups = GoDuration(nodeGroupTimeout), groups.nanoseconds > 0 else {
            throw ValidationError("--node-group-timeout must be a duration such as 30m")
        }
        if concurrency < 1 { throw ValidationError("--concurrency must be 1 or more") }
    }

    func applierOptions(forceConflicts: Bool) -> ClusterApplier.Options {
        var options = ClusterApplier.Options()
        options.forceConflicts = forceConflicts
        options.waitForWorkloads = !noWait
        options.timeout = .nanoseconds(GoDuration(timeout)?.nanoseconds ?? 300_000_000_000)
        options.nodeGroupTimeout = .nanoseconds(GoDuration(nodeGroupTimeout)?.nanoseconds ?? 1_800_000_000_000)
        options.concurrency = concurrency
        return options
    }
}

extension ApplyCommand {
    /// A cluster: plan against what is live, confirm, apply in stages, report.
    func applyToCluster(_ source: SourceOptions, saved: SavedPlan?) async throws {
        do {
            try await ClusterTarget.with(target.clusterAccess) { cluster in try await applyToCluster(cluster, source, saved: saved) }
        } catch let error as PipelineError {
            Terminal.printError("error: \(error)")
            throw ExitCode(1)
        }
    }

    private func applyToCluster(_ target: ClusterTarget, _ source: SourceOptions, saved: SavedPlan?) async throws {
        let style = Style(colored: Terminal.colored)
        let pass: (evaluation: Evaluation, plan: Plan?)
        do {
            let maxDeletions = saved.map(\.maxDeletions) ?? deletionGuard.maxDeletions
            let adopt = saved.map { Set($0.adopt) } ?? deletionGuard.adoptions
            pass = try await Pipeline().evaluateAndPlan(source: { () throws(PipelineError) in try source.snapshot() }, target: target,
                                                        maxDeletions: maxDeletions, adopt: adopt)
        } catch {
            Terminal.printError("error: \(error)")
            throw ExitCode(1)
        }
        // An invalid repository is never applied, and so never prunes anything.
        guard let plan = pass.plan else { try Run.failInvalid(pass.evaluation, output: repository.output) }
        if let saved {
            try check(saved, against: plan, targetName: target.name)
        } else if repository.output == .text {
            print(PlanView.text(plan, gpu: pass.evaluation.fairness.classes, style: style), terminator: "")
        }
        let applier = target.applier(for: pass.evaluation, options: cluster.applierOptions(forceConflicts: forceConflicts), charts: cluster.charts,
                                     logger: Logger(label: "fairway.apply"))
        let decision = await ApplyGate.decide(plan, confirmed: Set(cluster.confirmDeleteNamespace)) {
            try await applier.busyNamespaces(in: plan)
        }
        switch decision {
        case let .refused(refusals):
            for refusal in refusals { Terminal.printError("error: apply refused: \(refusal.message)") }
            throw ExitCode(1)
        case .nothingToDo:
            if repository.output == .json {
                print(JSONWriter.string(ApplyReportView.json(ApplyReport(revision: plan.revision, results: [])), pretty: true),
                      terminator: "")
            } else if saved != nil {
                print("No changes. The cluster matches revision \(plan.revision).")
            }
            return
        case let .cannotCheck(message):
            Terminal.printError("error: \(message)")
            throw ExitCode(1)
        case let .needsConfirmation(busy):
            try confirmDeleting(busy)
        case .apply:
            break
        }
        if !autoApprove && saved == nil { try confirm(plan, target: target.name) }
        let report: ApplyReport
        do {
            report = try await applier.apply(plan, progress: repository.output == .text ? ProgressPrinter.make() : nil)
        } catch {
            Terminal.printError("error: apply refused: \(error)")
            throw ExitCode(1)
        }
        try finish(report, style: style)
    }

    /// Deleting a namespace where RayJobs or notebooks still run needs the namespace named, with
    /// --confirm-delete-namespace or typed at the prompt; otherwise nothing is changed.
    private func confirmDeleting(_ unconfirmed: [BusyNamespace]) throws {
        for namespace in unconfirmed {
            Terminal.printError(namespace.namespaceDeleted ? "The plan deletes namespace \(namespace.description)."
                                                           : "The plan deletes volumes in namespace \(namespace.description).")
        }
        guard !autoApprove, Terminal.stdinIsTerminal else {
            let flags = unconfirmed.map { "--confirm-delete-namespace \($0.name)" }.joined(separator: " ")
            Terminal.printError("error: apply refused: work still runs or data is kept in the namespaces above; nothing was changed. "
                                + "Pass \(flags) to delete them anyway.")
            throw ExitCode(1)
        }
        for namespace in unconfirmed {
            Terminal.writeError("Type '\(namespace.name)' to delete it with the work running in it: ")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == namespace.name else {
                Terminal.printError("Apply cancelled; nothing was changed.")
                throw ExitCode(1)
            }
        }
    }
}
