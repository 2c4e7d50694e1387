import FairwayCore
import FairwayDiff
import FairwayFairness

/// A plan as terraform-like text or as the documented JSON document.
public enum PlanView {
    public static func text(_ plan: Plan, gpu: [ClassAllocation], style: Style) -> String {
        var out = ""
        if plan.hasChanges {
            out += style.bold("Fairway will make these changes") + " (revision \(plan.revision)):\n\n"
            if !plan.changes.isEmpty { out += changeList(plan.changes, style: style) + "\n" }
            out += targetsText(plan, style: style)
        } else {
            out += style.green("No changes.") + " The live state matches revision \(plan.revision).\n\n"
        }
        out += leftBehindText(plan, style: style)
        out += FairnessView.text(gpu, style: style)
        if !gpu.isEmpty { out += "\n" }
        let byTenant = plan.countsByTenant
        if !byTenant.isEmpty {
            out += style.bold("Per tenant") + "\n"
            out += TextTable.render(byTenant.map { [$0.tenant + ":", summary($0.counts)] })
            out += "\n"
        }
        let counts = plan.counts
        out += style.bold("Plan:") + " \(summary(counts)); \(plan.unchanged) unchanged.\n"
        for part in targetSummary(plan) { out += style.bold("Plan:") + " \(part).\n" }
        for refusal in plan.refusals { out += style.red("refused") + ": \(refusal.message)\n" }
        return out
    }

    static func summary(_ c: ChangeCounts) -> String {
        "\(c.create) to create, \(c.update) to update, \(c.delete) to delete"
    }

    /// One block per change, in the plan's order.
    static func changeList(_ changes: [Change], style: Style) -> String {
        changes.map { line($0, style: style) }.joined()
    }

    static func line(_ change: Change, style: Style) -> String {
        switch change.action {
        case .create: return "  " + style.green("+ \(change.key)") + "\n"
        case .delete: return "  " + style.red("- \(change.key)") + "\n"
        case .update:
            let adopted = change.adopted ? " (adopted: made outside Fairway, taken over by this apply)" : ""
            return "  " + style.yellow("~ \(change.key)") + adopted + "\n" + fieldLines(change.fields, indent: "      ", style: style)
        }
    }

    /// The document `fairway plan --output json` prints (format documented in docs/json-output.md).
    public static func json(_ plan: Plan, gpu: [ClassAllocation]) -> JSONValue {
        let document: JSONValue = [
            "formatVersion": 1,
            "revision": .string(plan.revision),
            "liveSerial": .int(Int64(plan.liveSerial)),
            "hasChanges": .bool(plan.hasChanges),
            "canApply": .bool(plan.canApply),
            "summary": summaryJSON(plan),
            "tenants": tenantsJSON(plan),
            "refusals": .array(plan.refusals.map { .string($0.message) }),
            "refusalCodes": .array(plan.refusals.map { .string($0.code.rawValue) }),
            "orphaned": .array(plan.orphaned.map(keyJSON)),
            "orphanedTargets": .array(plan.orphanedTargets.map(JSONValue.string)),
            "changes": .array(plan.changes.map(changeJSON)),
            "gpu": FairnessView.json(gpu),
        ]
        var object = document.objectValue ?? JSONObject()
        for (key, value) in targetsJSON(plan) { object[key] = value }
        return .object(object)
    }

    /// Object changes by action, and the objects left as they are.
    static func summaryJSON(_ plan: Plan) -> JSONValue {
        let counts = plan.counts
        return [
            "create": .int(Int64(counts.create)), "update": .int(Int64(counts.update)),
            "delete": .int(Int64(counts.delete)), "unchanged": .int(Int64(plan.unchanged)),
        ]
    }

    /// Object changes per tenant.
    static func tenantsJSON(_ plan: Plan) -> JSONValue {
        .array(plan.countsByTenant.map {
            [
                "tenant": .string($0.tenant), "create": .int(Int64($0.counts.create)),
                "update": .int(Int64($0.counts.update)), "delete": .int(Int64($0.counts.delete)),
            ]
        })
    }

    static func keyJSON(_ key: ObjectKey) -> JSONValue {
        [
            "apiVersion": .string(key.apiVersion), "kind": .string(key.kind),
            "namespace": key.namespace.map { .string($0) } ?? .null, "name": .string(key.name),
        ]
    }

    static func changeJSON(_ change: Change) -> JSONValue {
        var o = keyJSON(change.key).objectValue ?? JSONObject()
        o["action"] = .string(change.action.rawValue)
        o["tenant"] = change.tenant.map { .string($0) } ?? .null
        if change.adopted { o["adopted"] = true }
        o["fields"] = .array(change.fields.map {
            ["path": .string($0.path), "before": $0.before ?? .null, "after": $0.after ?? .null]
        })
        return .object(o)
    }
}
