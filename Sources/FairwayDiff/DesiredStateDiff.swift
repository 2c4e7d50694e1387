import FairwayCore
import FairwayFairness

/// What a change to the platform repository does to the desired state: the plan from the base
/// revision's rendering to the head revision's, and how GPU allocations move. For pull-request previews.
public struct DesiredStateDiff: Sendable {
    public var from: String
    public var to: String
    public var plan: Plan
    public var gpuChanges: [GPUChange]
    public var diagnostics: [Diagnostic]

    public init(from: String, to: String, plan: Plan, gpuChanges: [GPUChange], diagnostics: [Diagnostic]) {
        self.from = from
        self.to = to
        self.plan = plan
        self.gpuChanges = gpuChanges
        self.diagnostics = diagnostics
    }
}

/// A tenant's GPU numbers in one class, before and after (nil where the tenant had no entry); its
/// JSON is a row of `fairway diff --output json`'s `gpuChanges`.
public struct GPUChange: Sendable, Hashable, Codable {
    public var gpuClass: String
    public var unit: String
    public var tenant: String
    public var guaranteedBefore: Int?
    public var guaranteedAfter: Int?
    public var targetBefore: Int?
    public var targetAfter: Int?
    /// The band Kueue is predicted to give the tenant, before and after.
    public var predictedBefore: PredictedBand?
    public var predictedAfter: PredictedBand?

    enum CodingKeys: String, CodingKey {
        case gpuClass = "class", unit, tenant, guaranteedBefore, guaranteedAfter, targetBefore, targetAfter, predictedBefore, predictedAfter
    }

    /// Compares two allocations; only tenants whose guarantee, fair point or predicted band moved are listed.
    public static func between(_ before: [ClassAllocation], _ after: [ClassAllocation]) -> [GPUChange] {
        var rows: [String: GPUChange] = [:]
        func key(_ c: String, _ t: String) -> String { "\(c)/\(t)" }
        for c in before { for t in c.tenants {
            rows[key(c.gpuClass, t.tenant)] = GPUChange(gpuClass: c.gpuClass, unit: c.unit, tenant: t.tenant,
                                                        guaranteedBefore: t.guaranteed, targetBefore: t.target,
                                                        predictedBefore: t.predicted)
        } }
        for c in after { for t in c.tenants {
            var row = rows[key(c.gpuClass, t.tenant)] ?? GPUChange(gpuClass: c.gpuClass, unit: c.unit, tenant: t.tenant)
            row.unit = c.unit
            row.guaranteedAfter = t.guaranteed
            row.targetAfter = t.target
            row.predictedAfter = t.predicted
            rows[key(c.gpuClass, t.tenant)] = row
        } }
        return rows.values.filter {
            $0.guaranteedBefore != $0.guaranteedAfter || $0.targetBefore != $0.targetAfter || $0.predictedBefore != $0.predictedAfter
        }
            .sorted { ($0.tenant, $0.gpuClass) < ($1.tenant, $1.gpuClass) }
    }
}
