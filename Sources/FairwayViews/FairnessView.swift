import FairwayCore
import FairwayFairness

/// GPU allocations per class as a table or JSON.
public enum FairnessView {
    public static func text(_ classes: [ClassAllocation], style: Style) -> String {
        guard !classes.isEmpty else { return "" }
        var rows: [[String]] = [["class", "capacity", "tenant", "guaranteed", "weight", "borrow", "lend", "demand", "target"]]
        for c in classes {
            let capacity = "\(c.capacity)" + (c.maxSharePercent.map { " (max \($0)%)" } ?? "")
            for (i, t) in c.tenants.enumerated() {
                rows.append([i == 0 ? c.gpuClass : "", i == 0 ? capacity : "", t.tenant, "\(t.guaranteed)", "\(t.weight)",
                             t.borrowingLimit.map(String.init) ?? "-", t.lendingLimit.map(String.init) ?? "-",
                             "\(t.demand)", "\(t.target)"])
            }
        }
        return style.bold("GPU allocation") + " (target: what each tenant gets when all ask for their demand)\n"
            + TextTable.render(rows)
    }

    public static func json(_ classes: [ClassAllocation]) -> JSONValue {
        .array(classes.map { c in
            [
                "class": .string(c.gpuClass),
                "capacity": .int(Int64(c.capacity)),
                "maxSharePercent": c.maxSharePercent.map { .int(Int64($0)) } ?? .null,
                "tenants": .array(c.tenants.map { t in
                    [
                        "tenant": .string(t.tenant),
                        "guaranteed": .int(Int64(t.guaranteed)),
                        "weight": .int(Int64(t.weight)),
                        "borrowingLimit": t.borrowingLimit.map { .int(Int64($0)) } ?? .null,
                        "lendingLimit": t.lendingLimit.map { .int(Int64($0)) } ?? .null,
                        "demand": .int(Int64(t.demand)),
                        "target": .int(Int64(t.target)),
                    ]
                }),
            ]
        })
    }
}
