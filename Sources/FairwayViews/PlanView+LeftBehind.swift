import FairwayCore
import FairwayDiff

/// What `spec.reconcile.prune: false` leaves behind: owned objects gone from Git that an apply
/// would otherwise delete, shown in every plan and diff so that removing a tenant never reads as
/// "nothing to do" while its ClusterQueues still hold quota in their cohorts.
extension PlanView {
    /// "Left behind (pruning is off): ..." with one object per line; nothing when there are none.
    static func leftBehindText(_ plan: Plan, style: Style) -> String {
        guard !leftBehindEntries(plan).isEmpty else { return "" }
        var out = style.yellow("Left behind: \(leftBehindSummary(plan))") + "\n"
        out += "  (spec.reconcile.prune is false: Fairway created these, Git no longer has them, and they are not deleted)\n"
        for entry in leftBehindEntries(plan) { out += "  ! \(entry.name)\(entry.note)\n" }
        return out + "\n"
    }

    /// The same as a Markdown warning with the objects in a collapsible list; nothing when there are none.
    static func leftBehindMarkdown(_ plan: Plan) -> String {
        guard !leftBehindEntries(plan).isEmpty else { return "" }
        var out = "> [!WARNING]\n> Left behind: \(leftBehindSummary(plan)). `spec.reconcile.prune` is false, so these "
        out += "objects Fairway created and Git no longer has are not deleted.\n\n"
        out += "<details><summary>\(leftBehindEntries(plan).count) left behind</summary>\n\n"
        for entry in leftBehindEntries(plan) { out += "- `\(entry.name)`\(entry.note)\n" }
        return out + "\n</details>\n\n"
    }

    /// A workflow warning with the count; nothing when there are none.
    static func leftBehindAnnotation(_ plan: Plan) -> String {
        guard !leftBehindEntries(plan).isEmpty else { return "" }
        let message = leftBehindSummary(plan) + " (spec.reconcile.prune is false)"
        return "::warning title=fairway left behind::\(GitHubAnnotations.escapeData(message))\n"
    }

    /// "14 objects would have been pruned and are kept" (with the releases and node groups, when any).
    static func leftBehindSummary(_ plan: Plan) -> String {
        let n = plan.orphaned.count
        var text = "\(n) object\(n == 1 ? "" : "s")"
        let releases = plan.orphanedTargets.count { $0.hasPrefix("release/") }
        let groups = plan.orphanedTargets.count - releases
        if releases > 0 { text += ", \(releases) Helm release\(releases == 1 ? "" : "s")" }
        if groups > 0 { text += ", \(groups) node group\(groups == 1 ? "" : "s")" }
        let one = n + releases + groups == 1
        return text + " would have been pruned and \(one ? "is" : "are") kept"
    }

    /// Every object, release and node group left behind, with why it matters where it does.
    static func leftBehindEntries(_ plan: Plan) -> [(name: String, note: String)] {
        plan.orphaned.map { ("\($0)", note($0)) } + plan.orphanedTargets.map { ($0, "") }
    }

    /// Why a kept object matters, for the kinds where it does.
    private static func note(_ key: ObjectKey) -> String {
        switch key.kind {
        case "ClusterQueue": return " (still holds its nominal quota in its cohort)"
        default: return ""
        }
    }
}
