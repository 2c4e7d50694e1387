import FairwayCore

/// The status as a versioned document: the status ConfigMap's `status.json` and what
/// `fairway status --output json` prints. Members without a value are left out. Reading is lenient,
/// as the document may come from another version of the agent: a member that is missing or of
/// another type takes its default, and a result this agent does not know is kept as read.
extension SyncStatus: Codable {
    enum CodingKeys: String, CodingKey {
        case formatVersion, repository, ref, leader, lastFetchedCommit, lastFetchedAt, lastAppliedCommit, lastAppliedAt, result, errors,
             lastRun, fairness
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(repository: c.lenient(String.self, .repository) ?? "", ref: c.lenient(String.self, .ref) ?? "")
        leader = c.lenient(String.self, .leader)
        lastFetchedCommit = c.lenient(String.self, .lastFetchedCommit)
        lastFetchedAt = c.lenient(String.self, .lastFetchedAt)
        lastAppliedCommit = c.lenient(String.self, .lastAppliedCommit)
        lastAppliedAt = c.lenient(String.self, .lastAppliedAt)
        let resultText = c.lenient(String.self, .result)
        result = resultText.flatMap(SyncRun.Result.init(rawValue:))
        if result == nil { unknownResult = resultText }
        errors = c.lenient([String].self, .errors) ?? []
        lastRun = c.lenient(RunSummary.self, .lastRun)
        fairness = c.lenient([ClassSummary].self, .fairness) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.currentFormatVersion, forKey: .formatVersion)
        try c.encode(repository, forKey: .repository)
        try c.encode(ref, forKey: .ref)
        try c.encodeWhenPresent(leader, forKey: .leader)
        try c.encodeWhenPresent(lastFetchedCommit, forKey: .lastFetchedCommit)
        try c.encodeWhenPresent(lastFetchedAt, forKey: .lastFetchedAt)
        try c.encodeWhenPresent(lastAppliedCommit, forKey: .lastAppliedCommit)
        try c.encodeWhenPresent(lastAppliedAt, forKey: .lastAppliedAt)
        try c.encodeWhenPresent(result?.rawValue ?? unknownResult, forKey: .result)
        try c.encode(errors, forKey: .errors)
        try c.encodeWhenPresent(lastRun, forKey: .lastRun)
        try c.encode(fairness, forKey: .fairness)
    }

    /// The document as JSON.
    public var json: JSONValue { JSONValueEncoder.document(self, fallback: .object(JSONObject())) }

    /// Reads the document; anything that is not an object reads as an empty status.
    public init(json: JSONValue) {
        self = (try? JSONValueDecoder().decode(SyncStatus.self, from: json)) ?? SyncStatus()
    }
}

extension SyncStatus.RunSummary: Codable {
    enum CodingKeys: String, CodingKey {
        case id, trigger, result, reason, startedAt, seconds, commit, sourceNotes, driftCheck, plan, drift, apply, stages
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        id = c.lenient(String.self, .id) ?? ""
        trigger = c.lenient(String.self, .trigger).flatMap(SyncRun.Trigger.init(rawValue:))
        result = c.lenient(String.self, .result).flatMap(SyncRun.Result.init(rawValue:))
        reason = c.lenient(String.self, .reason).flatMap(SyncRun.Reason.init(rawValue:))
        startedAt = c.lenient(String.self, .startedAt) ?? ""
        seconds = c.lenient(Double.self, .seconds) ?? 0
        commit = c.lenient(String.self, .commit)
        sourceNotes = c.lenient([String].self, .sourceNotes) ?? []
        driftCheck = c.lenient(Bool.self, .driftCheck) ?? false
        plan = c.lenient(PlanTotals.self, .plan)
        drift = c.lenient(Int.self, .drift) ?? 0
        apply = c.lenient(ApplyTotals.self, .apply)
        for (name, seconds) in c.lenient([String: Double].self, .stages) ?? [:] {
            if let stage = SyncRun.Stage(rawValue: name) { stages[stage] = seconds }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(trigger?.rawValue ?? "", forKey: .trigger)
        try c.encode(result?.rawValue ?? "", forKey: .result)
        try c.encode(reason?.rawValue ?? "", forKey: .reason)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(seconds, forKey: .seconds)
        try c.encodeWhenPresent(commit, forKey: .commit)
        if !sourceNotes.isEmpty { try c.encode(sourceNotes, forKey: .sourceNotes) }
        try c.encode(driftCheck, forKey: .driftCheck)
        try c.encodeWhenPresent(plan, forKey: .plan)
        try c.encode(drift, forKey: .drift)
        try c.encodeWhenPresent(apply, forKey: .apply)
        // Stages in pipeline order.
        let ordered = SyncRun.Stage.allCases.compactMap { stage in stages[stage].map { (stage.rawValue, JSONValue.double($0)) } }
        try c.encode(JSONValue.object(JSONObject(ordered)), forKey: .stages)
    }
}

extension KeyedDecodingContainer {
    /// The member's value, or nil when it is missing, null or of another type.
    func lenient<T: Decodable>(_ type: T.Type, _ key: Key) -> T? { (try? decodeIfPresent(T.self, forKey: key)) ?? nil }
}
