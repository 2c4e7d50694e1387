import Crypto
import FairwayCore
import FairwayFairness

/// A plan written to a file by `fairway plan --out FILE` for `fairway apply FILE`, as Terraform
/// does, but holding no secret: the file records what was reviewed (the masked plan document), where
/// the desired state came from (the commit) and what the live state was (resourceVersions, node
/// group modification times, release revisions). Applying it renders the commit again, reads the
/// live state again, and goes ahead only when both are exactly as recorded, then applies the freshly
/// computed plan, so a masked value can never be written back.
public struct SavedPlan: Sendable, Equatable, Codable {
    public static let fileKind = "FairwayPlan"
    public static let currentFormatVersion = 1

    /// Where the desired state came from: a repository URL and commit, or a directory.
    public struct Source: Sendable, Equatable, Codable {
        public var repository: String?
        public var directory: String?
        public var revision: String

        public init(repository: String?, directory: String?, revision: String) {
            self.repository = repository
            self.directory = directory
            self.revision = revision
        }
    }

    /// Always `FairwayPlan`: what tells a plan file from any other JSON.
    public var kind = SavedPlan.fileKind
    public var formatVersion = SavedPlan.currentFormatVersion
    public var source: Source
    /// Where it applies: a description of the live target (context and server, or the state directory).
    public var target: String
    public var maxDeletions: Int?
    /// The objects the plan takes over (`--adopt`), so that applying it plans the same adoptions.
    public var adopt: [String]
    public var liveSerial: Int
    /// SHA-256 of every body the plan writes, with real values: a changed secret changes it.
    public var desiredDigest: String
    public var bindings: PlanBindings
    /// The plan as reviewed (its field values masked, as the plan shows them).
    public var plan: PlanDocument

    enum CodingKeys: String, CodingKey { case kind, formatVersion, source, target, maxDeletions, adopt, liveSerial, desiredDigest, bindings, plan }

    public init(source: Source, target: String, maxDeletions: Int?, adopt: [String] = [], plan: Plan, gpu: [ClassAllocation] = []) {
        self.source = source
        self.target = target
        self.maxDeletions = maxDeletions
        self.adopt = adopt
        self.liveSerial = plan.liveSerial
        self.bindings = plan.bindings
        self.desiredDigest = Self.digest(of: plan)
        self.plan = PlanDocument(plan, gpu: gpu)
    }

    /// The digest of what a plan writes: object bodies, node group requests, release values.
    public static func digest(of plan: Plan) -> String {
        var hash = SHA256()
        func add(_ text: String) { hash.update(data: Array(text.utf8) + [0]) }
        func add(_ value: JSONValue?) { hash.update(data: JSONWriter.bytes(value ?? .null) + [0]) }
        for change in plan.changes {
            add("\(change.action.rawValue) \(change.key)")
            add(change.desired)
        }
        for group in plan.nodeGroups ?? [] {
            add("nodegroup \(group.action.rawValue) \(group.name) \(group.liveName ?? "")")
            add(group.create)
            add(group.update)
        }
        for release in plan.releases ?? [] {
            add("release \(release.action.rawValue) \(release.id) \(release.desired?.chart ?? "") \(release.desired?.version ?? "")")
            add(release.desired?.values)
        }
        return hash.finalize().hex
    }

    /// Why `current` (computed now from the recorded source and the live state of the target named
    /// `target`) is not the plan that was saved; empty when it is.
    public func staleness(of current: Plan, target targetName: String? = nil) -> [String] {
        var reasons: [String] = []
        if let targetName, target != targetName { reasons.append("the plan was made for \(target), not \(targetName)") }
        if current.revision != source.revision && source.repository != nil {
            reasons.append("the plan was made from \(source.revision), this run rendered \(current.revision)")
        }
        if current.liveSerial != liveSerial {
            reasons.append("the local state moved on (serial \(liveSerial), now \(current.liveSerial))")
        }
        reasons += bindings.moved(since: current.bindings).map { "changed since the plan: \($0)" }
        if reasons.isEmpty, Self.digest(of: current) != desiredDigest {
            reasons.append("the desired state differs from the one planned (the repository or Fairway changed)")
        }
        return reasons
    }

    // MARK: File format

    /// The file's JSON, members in the documented order.
    public func json() -> JSONValue { JSONValueEncoder.document(self) }

    /// Reads a saved plan, naming what is wrong with a file that is not one.
    public static func parse(_ bytes: [UInt8], path: String) throws(SavedPlanError) -> SavedPlan {
        let json: JSONValue
        do {
            json = try JSONReader.parse(bytes)
        } catch {
            throw SavedPlanError("\(path): not a Fairway plan file (not JSON: \(error.reason) at byte \(error.offset))")
        }
        guard json["kind"]?.stringValue == fileKind else {
            throw SavedPlanError("\(path): not a Fairway plan file (no \"kind\": \"\(fileKind)\")")
        }
        guard json["formatVersion"]?.intValue == currentFormatVersion else {
            throw SavedPlanError("\(path): plan format version \(json["formatVersion"].map { JSONWriter.string($0) } ?? "none") is not supported (this Fairway reads \(currentFormatVersion))")
        }
        do {
            return try JSONValueDecoder().decode(SavedPlan.self, from: json)
        } catch {
            throw SavedPlanError("\(path): the plan file is malformed: \(JSONValueDecoder.describe(error))")
        }
    }
}

extension SHA256.Digest {
    /// The digest in lowercase hexadecimal.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// A plan file that cannot be read.
public struct SavedPlanError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
