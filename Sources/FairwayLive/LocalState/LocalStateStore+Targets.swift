import FairwayCore

/// A live state that also keeps what was applied to Helm releases and EKS node groups: the local
/// state, which stands in for a cluster in demos and tests, so that its plans show releases and
/// node groups like a cluster's do.
public protocol LiveTargetsReader: Sendable {
    /// The releases and node groups last applied, as `{"releases": [...], "nodeGroups": {...}}`;
    /// nil when none were ever recorded (everything is then to be installed and created).
    func targets() throws(LiveStateError) -> JSONValue?
}

public protocol LiveTargetsWriter: Sendable {
    /// Stages the releases and node groups now applied; made durable with the next `flush()`.
    func putTargets(_ targets: JSONValue) throws(LiveStateError)
}

extension LocalStateStore: LiveTargetsReader {
    /// The `targets` table's one row. The database file has mode 0600: release values may hold secrets.
    public func targets() throws(LiveStateError) -> JSONValue? {
        guard let connection = try openForReading() else { return legacy.exists ? try legacy.targets() : nil }
        let statement = try connection.prepare("SELECT body FROM targets WHERE id = 1")
        guard try statement.step() else { return nil }
        guard let json = try? JSONReader.parse(statement.bytes(0)), json.objectValue != nil else {
            throw LiveStateError(.corrupt, "the recorded Helm releases and node groups are not a JSON object", path: databasePath)
        }
        return json
    }
}

extension LockedLocalState: LiveTargetsReader, LiveTargetsWriter {
    public func targets() throws(LiveStateError) -> JSONValue? { try store.targets() }

    public func putTargets(_ targets: JSONValue) throws(LiveStateError) { try putTargetsRow(targets) }
}
