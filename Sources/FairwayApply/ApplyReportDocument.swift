import FairwayCore
import FairwayDiff

/// What an apply did, as a versioned document: what `fairway apply --output json` prints and tools
/// read back (docs/json-output.md). Built from an `ApplyReport`; members in the documented order.
public struct ApplyReportDocument: Sendable, Hashable, Codable {
    public static let currentFormatVersion = 1

    /// One step: its subject (an object's reference members, `nodeGroup` or `release`), action and
    /// outcome; conflicts, health, stage and seconds only where the step has them.
    public struct Result: Sendable, Hashable, Codable {
        public enum Subject: Sendable, Hashable {
            case object(PlanDocument.ObjectReference)
            case nodeGroup(String)
            case release(String)
        }

        public var subject: Subject
        public var action: AppliedChange.Action
        public var outcome: AppliedChange.Outcome
        public var error: String?
        public var conflicts: [Conflict]
        public var health: String?
        public var stage: String?
        public var seconds: Double?

        /// A field another manager owns that stopped a server-side apply.
        public struct Conflict: Sendable, Hashable, Codable {
            public var manager: String
            public var field: String
        }

        enum CodingKeys: String, CodingKey { case nodeGroup, release, action, outcome, error, conflicts, health, stage, seconds }

        public init(_ change: AppliedChange) {
            switch change.subject {
            case let .object(key): subject = .object(PlanDocument.ObjectReference(key))
            case let .nodeGroup(name): subject = .nodeGroup(name)
            case let .release(id): subject = .release(id)
            }
            action = change.action
            outcome = change.outcome
            error = change.error
            conflicts = change.conflicts.map { Conflict(manager: $0.manager, field: $0.field) }
            health = change.health
            stage = change.stage
            seconds = change.seconds.map(ApplyReportDocument.milliseconds)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let name = try c.decodeIfPresent(String.self, forKey: .nodeGroup) {
                subject = .nodeGroup(name)
            } else if let id = try c.decodeIfPresent(String.self, forKey: .release) {
                subject = .release(id)
            } else {
                subject = .object(try PlanDocument.ObjectReference(from: decoder))
            }
            action = try c.decode(AppliedChange.Action.self, forKey: .action)
            outcome = try c.decode(AppliedChange.Outcome.self, forKey: .outcome)
            error = try c.decodeIfPresent(String.self, forKey: .error)
            conflicts = try c.decodeIfPresent([Conflict].self, forKey: .conflicts) ?? []
            health = try c.decodeIfPresent(String.self, forKey: .health)
            stage = try c.decodeIfPresent(String.self, forKey: .stage)
            seconds = try c.decodeIfPresent(Double.self, forKey: .seconds)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch subject {
            case let .object(reference): try reference.encode(to: encoder)
            case let .nodeGroup(name): try c.encode(name, forKey: .nodeGroup)
            case let .release(id): try c.encode(id, forKey: .release)
            }
            try c.encode(action, forKey: .action)
            try c.encode(outcome, forKey: .outcome)
            try c.encode(error, forKey: .error)
            if !conflicts.isEmpty { try c.encode(conflicts, forKey: .conflicts) }
            try c.encodeWhenPresent(health, forKey: .health)
            try c.encodeWhenPresent(stage, forKey: .stage)
            try c.encodeWhenPresent(seconds, forKey: .seconds)
        }
    }

    public var formatVersion: Int
    public var revision: String
    public var succeeded: Bool
    public var applied: Int
    public var failed: Int
    public var skipped: Int
    /// Wall time of the whole apply, to the millisecond; nil (null) when not measured.
    public var seconds: Double?
    public var results: [Result]


    static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    /// The document as JSON, members in the documented order.
    public var json: JSONValue { JSONValueEncoder.document(self) }
}

extension ApplyReportDocument {
    public init(_ report: ApplyReport) {
        self.init(formatVersion: Self.currentFormatVersion, revision: report.revision, succeeded: report.succeeded, applied: report.appliedCount,
                  failed: report.failedCount, skipped: report.skippedCount, seconds: report.seconds.map(Self.milliseconds),
                  results: report.results.map(Result.init))
    }
}
