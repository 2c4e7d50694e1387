import FairwayCore
import FairwayDiff

/// The parts of a plan beyond Kubernetes objects: EKS node groups, Helm releases and the GPU
/// guarantees the plan moves, in text, JSON and Markdown. Field values arrive masked from the
/// differ; nothing here sees a secret.
extension PlanView {
    /// Field lines under an object, node group or release.
    static func fieldLines(_ fields: [FieldChange], indent: String, style: Style) -> String {
        var out = ""
        for field in fields {
            if FieldValueText.isMultiline(field.before) || FieldValueText.isMultiline(field.after) {
                out += indent + "~ \(field.path):\n"
                for line in FieldValueText.lineDiff(field.before?.stringValue ?? "", field.after?.stringValue ?? "") {
                    let text = indent + "    " + line
                    out += (line.hasPrefix("+") ? style.green(text) : line.hasPrefix("-") ? style.red(text) : text) + "\n"
                }
                continue
            }
            let before = field.before.map { FieldValueText.inline($0, path: field.path) }
            let after = field.after.map { FieldValueText.inline($0, path: field.path) }
            switch (before, after) {
            case let (nil, a?): out += indent + style.green("+ \(field.path): \(a)") + "\n"
            case let (b?, nil): out += indent + style.red("- \(field.path): \(b)") + "\n"
            case let (b?, a?): out += indent + "~ \(field.path): \(style.red(b)) -> \(style.green(a))\n"
            default: break
            }
        }
        return out
    }

    static func targetsText(_ plan: Plan, style: Style) -> String {
        var out = ""
        if let groups = plan.nodeGroups, !groups.isEmpty {
            out += style.bold("EKS managed node groups") + "\n"
            for group in groups {
                out += "  " + nodeGroupLine(group, style: style) + "\n"
                if let note = group.note { out += "      " + style.yellow(note) + "\n" }
                out += fieldLines(group.fields, indent: "      ", style: style)
            }
            out += "\n"
        }
        if let releases = plan.releases, !releases.isEmpty {
            out += style.bold("Helm releases") + "\n"
            for release in releases {
                let name = "release/\(release.namespace)/\(release.name)"
                switch release.action {
                case .install: out += "  " + style.green("+ \(name)") + " (\(release.chart) \(release.versionAfter ?? ""))\n"
                case .uninstall: out += "  " + style.red("- \(name)") + " (\(release.chart) \(release.versionBefore ?? ""))\n"
                case .upgrade:
                    let versions = release.versionBefore == release.versionAfter ? (release.versionAfter ?? "")
                        : "\(release.versionBefore ?? "?") -> \(release.versionAfter ?? "?")"
                    out += "  " + style.yellow("~ \(name)") + " (\(release.chart) \(versions))\n"
                }
                if let note = release.note { out += "      " + style.yellow(note) + "\n" }
                out += fieldLines(release.fields, indent: "      ", style: style)
            }
            out += "\n"
        }
        if !plan.gpu.isEmpty {
            out += style.bold("GPU guarantees") + "\n"
            for change in plan.gpu { out += "  \(change.summary)\n" }
            out += "\n"
        }
        return out
    }

    /// A node group's headline, by the EKS group it acts on (or creates), naming the node pool when
    /// that group is named otherwise (after a replacement).
    static func nodeGroupLine(_ group: NodeGroupPlan, style: Style) -> String {
        let live = group.liveName ?? group.name
        let pool = live == group.name ? "" : "node pool \(group.name), "
        switch group.action {
        case .create: return style.green("+ nodegroup/\(group.newName ?? group.name)")
        case .delete: return style.red("- nodegroup/\(live)")
        case .update: return style.yellow("~ nodegroup/\(live)") + " (\(pool)in place)"
        case .replace:
            let changed = group.fields.map(\.path).joined(separator: ", ")
            return style.red("-/+ nodegroup/\(live)") + " (\(pool)replaced by \(group.newName ?? "a new group"): \(changed) changed; "
                + "the old group is deleted once the new one is active)"
        }
    }

    /// "2 node groups (1 to create, 1 to update)" style totals for node groups and releases.
    static func targetSummary(_ plan: Plan) -> [String] {
        var parts: [String] = []
        if let groups = plan.nodeGroups {
            let counts = Dictionary(grouping: groups, by: \.action).mapValues(\.count)
            parts.append("node groups: \(counts[.create] ?? 0) to create, \(counts[.update] ?? 0) to update, "
                + "\(counts[.replace] ?? 0) to replace, \(counts[.delete] ?? 0) to delete")
        }
        if let releases = plan.releases {
            let counts = Dictionary(grouping: releases, by: \.action).mapValues(\.count)
            parts.append("Helm releases: \(counts[.install] ?? 0) to install, \(counts[.upgrade] ?? 0) to upgrade, "
                + "\(counts[.uninstall] ?? 0) to uninstall")
        }
        return parts
    }

    static func fieldsJSON(_ fields: [FieldChange]) -> JSONValue {
        .array(fields.map { ["path": .string($0.path), "before": $0.before ?? .null, "after": $0.after ?? .null] })
    }

    static func targetsJSON(_ plan: Plan) -> [(String, JSONValue)] {
        [
            ("nodeGroups", plan.nodeGroups.map { groups in
                .array(groups.map {
                    [
                        "name": .string($0.name), "action": .string($0.action.rawValue),
                        "liveName": $0.liveName.map(JSONValue.string) ?? .null, "newName": $0.newName.map(JSONValue.string) ?? .null,
                        "note": $0.note.map(JSONValue.string) ?? .null, "fields": fieldsJSON($0.fields),
                    ]
                })
            } ?? .null),
            ("releases", plan.releases.map { releases in
                .array(releases.map {
                    [
                        "name": .string($0.name), "namespace": .string($0.namespace), "action": .string($0.action.rawValue),
                        "chart": .string($0.chart), "versionBefore": $0.versionBefore.map(JSONValue.string) ?? .null,
                        "versionAfter": $0.versionAfter.map(JSONValue.string) ?? .null, "note": $0.note.map(JSONValue.string) ?? .null,
                        "fields": fieldsJSON($0.fields),
                    ]
                })
            } ?? .null),
            ("gpuChanges", .array(plan.gpu.map {
                ["tenant": .string($0.tenant), "class": .string($0.gpuClass), "guaranteedBefore": .int(Int64($0.before)),
                 "guaranteedAfter": .int(Int64($0.after))]
            })),
        ]
    }

    /// A pull-request comment for a plan against a live target: totals, per-tenant table, GPU
    /// guarantees, refusals, and every change in a collapsible section.
    public static func markdown(_ plan: Plan, target: String) -> String {
        let counts = plan.counts
        var out = "## Fairway plan for `\(target)`\n\n"
        out += "Revision `\(plan.revision.prefix(12))`: **\(summary(counts))**"
        for part in targetSummary(plan) { out += "; \(part)" }
        out += "; \(plan.unchanged) unchanged.\n\n"
        for refusal in plan.refusals { out += "> [!CAUTION]\n> Refused: \(refusal.message)\n\n" }
        out += leftBehindMarkdown(plan)
        out += markdownTenantTable(plan)
        if !plan.gpu.isEmpty {
            out += "### GPU guarantees\n\n"
            for change in plan.gpu { out += "- \(change.summary)\n" }
            out += "\n"
        }
        if plan.hasChanges {
            let total = plan.changeCount
            let text = changeList(plan.changes, style: .plain) + targetsText(Plan.targetsOnly(plan), style: .plain)
            out += markdownDetails(text, summary: "\(total) change\(total == 1 ? "" : "s")")
        } else {
            out += "No changes: the cluster matches the repository.\n"
        }
        return out
    }

    /// The per-tenant counts as a Markdown table (nothing when no change belongs to a tenant).
    static func markdownTenantTable(_ plan: Plan) -> String {
        let byTenant = plan.countsByTenant
        guard !byTenant.isEmpty else { return "" }
        var out = "| tenant | create | update | delete |\n|---|--:|--:|--:|\n"
        for row in byTenant { out += "| \(row.tenant) | \(row.counts.create) | \(row.counts.update) | \(row.counts.delete) |\n" }
        return out + "\n"
    }

    /// A plain change list in a collapsible diff block, unindented so `+`, `-` and `~` start the
    /// line and diff highlighting applies.
    static func markdownDetails(_ text: String, summary: String) -> String {
        var out = "<details><summary>\(summary)</summary>\n\n```diff\n"
        for line in text.split(separator: "\n") {
            out += (line.hasPrefix("  ") ? String(line.dropFirst(2)) : String(line)) + "\n"
        }
        return out + "```\n\n</details>\n"
    }

    /// A workflow notice with the totals, and an error per refusal.
    public static func github(_ plan: Plan, target: String) -> String {
        var out = ""
        for refusal in plan.refusals { out += "::error title=fairway plan refused::\(GitHubAnnotations.escapeData(refusal.message))\n" }
        out += leftBehindAnnotation(plan)
        let parts = [summary(plan.counts)] + targetSummary(plan)
        out += GitHubAnnotations.notice("plan for \(target) at \(plan.revision.prefix(12)): " + parts.joined(separator: "; "))
        return out
    }
}

extension Plan {
    /// The plan's node groups and releases without its GPU lines (for a change list).
    static func targetsOnly(_ plan: Plan) -> Plan {
        var copy = plan
        copy.gpu = []
        return copy
    }
}
