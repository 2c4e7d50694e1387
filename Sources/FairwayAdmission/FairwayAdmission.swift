/// FairwayAdmission predicts what Kueue does with the queues and workloads Fairway renders: the
/// quota tree of Cohorts and ClusterQueues (nominal quota, borrowing and lending limits, cohort
/// quota), dominant resource share, flavor assignment, the fair-sharing admission order and
/// preemption, at whole-workload granularity, as Kueue v0.19.2 decides them. It knows nothing of
/// Fairway's documents: its input is Kueue's own objects and Workloads.
public enum KueueSemantics {
    /// The Kueue release whose scheduler this module follows.
    public static let version = "v0.19.2"
}
