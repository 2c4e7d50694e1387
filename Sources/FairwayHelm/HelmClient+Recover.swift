/// What `recoverStuck` did.
public enum HelmRecovery: Sendable, Hashable {
    /// The release's latest revision was not pending; nothing was changed.
    case notStuck(HelmReleaseStatus)
    /// The pending revision was abandoned by rolling back to the last deployed revision.
    case rolledBack(stuckRevision: Int, to: Int)
    /// The release had never been deployed, so it was uninstalled; the next install starts afresh.
    case uninstalled(stuckRevision: Int)
}

/// Recovering a release that an interrupted helm left pending.
extension HelmClient {
    /// Unlocks a release stuck in `pending-install`, `pending-upgrade` or `pending-rollback`.
    ///
    /// helm marks a release pending while it works on it and refuses every other operation until then
    /// ("another operation (install/upgrade/rollback) is in progress"). When the helm that did so died
    /// (killed, node lost, deadline passed), the release stays locked for ever. This rolls it back to
    /// the last revision that was deployed (or superseded, when the pending one was a rollback), or, when
    /// no revision ever was, uninstalls it.
    ///
    /// With `wait`, the rollback waits until the restored revision's workloads are ready (up to `timeout`).
    ///
    /// Only call it when no other helm can be working on the release: recovering a release that another
    /// helm is really changing races with that helm. A release whose latest revision is not pending is
    /// left alone (`.notStuck`), so calling this on a healthy release is harmless.
    public func recoverStuck(name: String, namespace: String, timeout: Duration = .seconds(300),
                             wait: Bool = true) async throws(HelmError) -> HelmRecovery {
        let id = "\(namespace)/\(name)"
        let revisions = try await history(name: name, namespace: namespace)
        guard let latest = revisions.last else {
            throw HelmError(.releaseNotFound, .history, release: id, message: "the release has no revisions")
        }
        guard latest.status.isPending else { return .notStuck(latest.status) }
        let earlier = revisions.dropLast()
        let target = earlier.last { $0.status == .deployed } ?? earlier.last { $0.status == .superseded }
        guard let target else {
            try await uninstall(name: name, namespace: namespace, timeout: timeout)
            logger.notice("helm stuck release uninstalled", metadata: ["helm.release": "\(id)", "helm.revision": "\(latest.revision)"])
            return .uninstalled(stuckRevision: latest.revision)
        }
        var arguments = ["rollback", name, String(target.revision), "--namespace", namespace, "--timeout", timeout.goSeconds]
        if wait { arguments.append("--wait") }
        try await run(.rollback, release: id, arguments, deadline: timeout + deadline)
        logger.notice("helm stuck release rolled back", metadata: [
            "helm.release": "\(id)", "helm.revision": "\(latest.revision)", "helm.target_revision": "\(target.revision)",
        ])
        return .rolledBack(stuckRevision: latest.revision, to: target.revision)
    }
}
