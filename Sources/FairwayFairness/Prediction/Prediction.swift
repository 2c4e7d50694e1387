import FairwayCore

/// The least and most units a tenant holds at Kueue's steady state over the arrival orders tried.
public struct PredictedBand: Sendable, Hashable, Codable {
    public var min: Int
    public var max: Int

    public init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }
}

/// How a workload can be admitted, judged against its tenant's queue alone.
public enum AdmissionKind: String, Sendable, Hashable, Codable {
    /// Fits the tenant's guarantee in every covered resource: Kueue admits it without borrowing.
    case guaranteed
    /// Fits only by borrowing: admitted while the cohort has that much to lend.
    case borrowing
    /// Cannot fit for some covered resource (GPU, CPU or memory), whatever the others do.
    case never
}

/// One workload's place in the prediction.
public struct WorkloadAdmission: Sendable, Hashable, Codable {
    public var tenant: String
    public var kind: String
    public var name: String
    public var gpus: Int
    public var admission: AdmissionKind
    /// For `borrowing`, what has to hold for it to be admitted; for `never`, why it cannot be.
    public var condition: String?
    public var path: String?
    public var line: Int?
}

/// What Kueue does with one class's queues and declared workloads, replayed over arrival orders.
public struct ClassPrediction: Sendable, Hashable {
    public var bands: [String: PredictedBand]
    public var workloads: [WorkloadAdmission]
    /// The names of the orders replayed.
    public var orders: [String]
    /// False when some order did not reach a steady state within the cycle budget.
    public var settled: Bool
    public var diagnostics: [Diagnostic]
}
