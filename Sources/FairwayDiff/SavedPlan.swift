import Crypto
import FairwayCore

/// A plan written to a file by `fairway plan --out FILE` for `fairway apply FILE`, as Terraform
/// does, but holding no secret: the file records what was reviewed (the masked plan document), where
/// the desired state came from (the commit) and what the live state was (resourceVersions, node
/// group modification times, release revisions). Applying it renders the commit again, reads the
/// live state again, and goes ahead only when both are exactly as recorded, then applies the freshly
/// computed plan, so a masked value can never be written back.
public struct SavedPlan: Sendable, Equatable {
    public static let kind = "FairwayPlan"
    public static let formatVersion: Int64 = 1

    /// Where the desired state came from: a repository URL and commit, or a directory.
    public struct Source: Sendable, Equatable {
        public var repository: String?
        public var directory: String?
        public var revision: String

        public init(repository: String?, directory: String?, revision: String) {
            self.repository = repository
            self.directory = directory
            self.revision = revision
        }
    }

    public var source: Source
    /// Where it applies: a description of the live target (context and server, or the state directory).
    public var target: String
    public var maxDeletions: Int?
    /// The objects the plan takes over (`--adopt`), so that applying it plans the same adoptions.
    public var adopt: [String]
    public var liveSerial: Int
    public var bindings: PlanBindings
    /// SHA-256 of every body the plan writes, with real values: a changed secret changes it.
    public var desiredDigest: String
    /// The plan as reviewed (`PlanView.json`, masked).
    public var document: JSONValue

    public init(source: Source, target: String, maxDeletions: Int?, adopt: [String] = [], plan: Plan, document: JSONValue) {
        self.source = source
        self.target = target
        self.maxDeletions = maxDeletions
        self.adopt = adopt
        self.liveSerial = plan.liveSerial
        self.bindings = plan.bindings
        self.desiredDigest = Self.digest(of: plan)
        self.document = document
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

    public func json() -> JSONValue {
        let objects: [JSONValue] = bindings.objects.keys.sorted().map { key in
            [
                "apiVersion": .string(key.apiVersion), "kind": .string(key.kind),
                "namespace": key.namespace.map(JSONValue.string) ?? .null, "name": .string(key.name),
                "resourceVersion": .string(bindings.objects[key] ?? ""),
            ]
        }
        return [
            "kind": .string(Self.kind),
            "formatVersion": .int(Self.formatVersion),
            "source": [
                "repository": source.repository.map(JSONValue.string) ?? .null,
                "directory": source.directory.map(JSONValue.string) ?? .null,
                "revision": .string(source.revision),
            ],
            "target": .string(target),
            "maxDeletions": maxDeletions.map { .int(Int64($0)) } ?? .null,
            "adopt": .array(adopt.map(JSONValue.string)),
            "liveSerial": .int(Int64(liveSerial)),
            "desiredDigest": .string(desiredDigest),
            "bindings": [
                "objects": .array(objects),
                "nodeGroups": .object(JSONObject(bindings.nodeGroups.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                "releases": .object(JSONObject(bindings.releases.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
            ],
            "plan": document,
        ]
    }

    /// Reads a saved plan, naming what is wrong with a file that is not one.
    public static func parse(_ bytes: [UInt8], path: String) throws(SavedPlanError) -> SavedPlan {
        let json: JSONValue
        do {
            json = try JSONReader.parse(bytes)
        } catch {
            throw SavedPlanError("\(path): not a Fairway plan file (not JSON: \(error.reason) at byte \(error.offset))")
        }
        guard json["kind"]?.stringValue == kind else { throw SavedPlanError("\(path): not a Fairway plan file (no \"kind\": \"\(kind)\")") }
        guard case let .int(version)? = json["formatVersion"], version == formatVersion else {
            throw SavedPlanError("\(path): plan format version \(json["formatVersion"].map { JSONWriter.string($0) } ?? "none") is not supported (this Fairway reads \(formatVersion))")
        }
        guard let revision = json["source"]?["revision"]?.stringValue, let target = json["target"]?.stringValue,
              let digest = json["desiredDigest"]?.stringValue, case let .int(serial)? = json["liveSerial"],
              let document = json["plan"]
        else { throw SavedPlanError("\(path): the plan file is incomplete (source, target, digest or plan missing)") }
        var bindings = PlanBindings()
        for object in json["bindings"]?["objects"]?.arrayValue ?? [] {
            guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue,
                  let name = object["name"]?.stringValue, let version = object["resourceVersion"]?.stringValue
            else { throw SavedPlanError("\(path): a binding in the plan file is malformed") }
            bindings.objects[ObjectKey(apiVersion: apiVersion, kind: kind, namespace: object["namespace"]?.stringValue, name: name)] = version
        }
        for member in json["bindings"]?["nodeGroups"]?.objectValue ?? JSONObject() {
            bindings.nodeGroups[member.key] = member.value.stringValue ?? ""
        }
        for member in json["bindings"]?["releases"]?.objectValue ?? JSONObject() {
            if case let .int(revision) = member.value { bindings.releases[member.key] = Int(revision) }
        }
        var plan = Plan(revision: revision, liveSerial: Int(serial), changes: [], unchanged: 0, orphaned: [], blockers: [])
        plan.bindings = bindings
        var saved = SavedPlan(source: Source(repository: json["source"]?["repository"]?.stringValue,
                                             directory: json["source"]?["directory"]?.stringValue, revision: revision),
                              target: target, maxDeletions: Self.int(json["maxDeletions"]),
                              adopt: (json["adopt"]?.arrayValue ?? []).compactMap(\.stringValue), plan: plan, document: document)
        saved.desiredDigest = digest
        return saved
    }
}

extension SHA256.Digest {
    /// The digest in lowercase hexadecimal.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension SavedPlan {
    static func int(_ value: JSONValue?) -> Int? {
        if case let .int(number)? = value { return Int(number) }
        return nil
    }
}

/// A plan file that cannot be read.
public struct SavedPlanError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
