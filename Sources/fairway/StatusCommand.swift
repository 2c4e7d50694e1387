import ArgumentParser
import FairwayAgent
import FairwayCore
import FairwayPipeline
import Foundation

/// `fairway status`: what the sync agent last did, from its status ConfigMap.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where the sync agent stands: commits fetched and applied, the last run, errors and GPU fairness.",
        discussion: """
            Reads the agent's status ConfigMap. Exit codes: 0 the last run applied or found the cluster in sync, \
            1 error (no status, cannot read), 2 errors stand (an invalid commit, a refused plan, a failed apply).
            """
    )

    @OptionGroup var access: ClusterAccessOptions

    @Option(name: .long, help: "The agent's namespace.")
    var namespace: String = "fairway-system"

    @Option(name: .long, help: "Name of the status ConfigMap.")
    var statusConfigmap: String = StatusStore.defaultName

    @Option(name: .long, help: "Output format: text or json.")
    var output: OutputFormat = .text

    func run() async throws {
        let status: SyncStatus?
        do {
            let (_, client) = try ClusterTarget.kubernetesClient(access.clusterAccess)
            defer { Task { try? await client.shutdown() } }
            status = try await StatusStore(client: client, namespace: namespace, name: statusConfigmap).read()
        } catch {
            Terminal.printError("error: cannot read the sync status: \(error)")
            throw ExitCode(1)
        }
        guard let status else {
            Terminal.printError("error: no sync status: ConfigMap \(namespace)/\(statusConfigmap) does not exist (is the agent running?)")
            throw ExitCode(1)
        }
        switch output {
        case .json: print(JSONWriter.string(status.json, pretty: true), terminator: "")
        case .text: print(StatusView.text(status), terminator: "")
        }
        if status.needsAttention { throw ExitCode(2) }
    }
}

/// The status as people read it on a terminal.
enum StatusView {
    static func text(_ status: SyncStatus) -> String {
        var lines = ["Repository:     \(status.repository) (\(status.ref))"]
        lines.append("Leader:         \(status.leader ?? "-")")
        lines.append("Last fetched:   \(status.lastFetchedCommit.map { String($0.prefix(12)) } ?? "-") at \(status.lastFetchedAt ?? "-")")
        lines.append("Last applied:   \(status.lastAppliedCommit.map { String($0.prefix(12)) } ?? "-") at \(status.lastAppliedAt ?? "-")")
        if let run = status.lastRun {
            var line = "Last run:       \(run.result?.rawValue ?? "?") (\(run.trigger?.rawValue ?? "?"), "
                + "\(String(format: "%.1f", run.seconds)) s, started \(run.startedAt))"
            if let plan = run.plan {
                line += "\n                plan: \(plan.create) create, \(plan.update) update, \(plan.delete) delete, "
                    + "\(plan.nodeGroups) nodeGroups, \(plan.releases) releases"
            }
            if run.drift > 0 { line += "\n                drift corrected: \(run.drift) changes" }
            lines.append(line)
        }
        if status.errors.isEmpty {
            lines.append("Errors:         none")
        } else {
            lines.append("Errors:")
            lines += status.errors.map { "  \($0)" }
        }
        if !status.fairness.isEmpty {
            lines.append("GPU fairness:")
            for allocation in status.fairness {
                lines.append("  \(allocation.gpuClass): \(allocation.guaranteed) of \(allocation.capacity) \(allocation.unit) guaranteed across "
                    + "\(allocation.tenantCount) tenants")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
