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
    /// `targets.json`, beside `state.json`. Mode 0600: release values may hold secrets.
    var targetsPath: String { "\(root)/targets.json" }

    public func targets() throws(LiveStateError) -> JSONValue? {
        guard FileIO.exists(targetsPath) else { return nil }
        let bytes = try FileIO.readAll(targetsPath)
        guard let json = try? JSONReader.parse(bytes), json.objectValue != nil else {
            throw LiveStateError(.corrupt, "the recorded Helm releases and node groups are not a JSON object", path: targetsPath)
        }
        return json
    }
}

extension LockedLocalState: LiveTargetsReader, LiveTargetsWriter {
    public func targets() throws(LiveStateError) -> JSONValue? { try store.targets() }

    public func putTargets(_ targets: JSONValue) throws(LiveStateError) {
        try stage(JSONWriter.bytes(targets.sortedRecursively(), pretty: true), at: store.targetsPath, mode: 0o600)
    }
}
