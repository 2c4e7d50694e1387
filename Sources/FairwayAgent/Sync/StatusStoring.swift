/// Where the agent keeps its status and sends its Events: the status ConfigMap (`StatusStore`) or,
/// in tests, memory (`MemoryStatusStore`).
public protocol StatusStoring: Sendable {
    /// The status as last written; nil when there is none yet.
    func read() async throws -> SyncStatus?
    /// Replaces the status.
    func write(_ status: SyncStatus) async throws
    /// Records an Event about the status, unless the same reason and message were the last one sent.
    func event(type: String, reason: String, message: String, reportingInstance: String) async throws
}

extension StatusStore: StatusStoring {}
