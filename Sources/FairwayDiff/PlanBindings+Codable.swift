import FairwayCore

/// A saved plan's `bindings`: every object with its resourceVersion (a list sorted by key), node
/// group modification times and release revisions (objects sorted by name), so the same plan always
/// writes the same file.
extension PlanBindings: Codable {
    struct BoundObject: Codable {
        var object: PlanDocument.ObjectReference
        var resourceVersion: String

        enum CodingKeys: String, CodingKey { case resourceVersion }

        init(_ key: ObjectKey, _ resourceVersion: String) {
            object = PlanDocument.ObjectReference(key)
            self.resourceVersion = resourceVersion
        }

        init(from decoder: any Decoder) throws {
            object = try PlanDocument.ObjectReference(from: decoder)
            resourceVersion = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .resourceVersion)
        }

        func encode(to encoder: any Encoder) throws {
            try object.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(resourceVersion, forKey: .resourceVersion)
        }
    }

    enum CodingKeys: String, CodingKey { case objects, nodeGroups, releases }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var objects: [ObjectKey: String] = [:]
        for bound in try c.decode([BoundObject].self, forKey: .objects) { objects[bound.object.key] = bound.resourceVersion }
        self.init(objects: objects, nodeGroups: try c.decode([String: String].self, forKey: .nodeGroups),
                  releases: try c.decode([String: Int].self, forKey: .releases))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(objects.keys.sorted().map { BoundObject($0, objects[$0] ?? "") }, forKey: .objects)
        try c.encode(JSONValue.object(JSONObject(nodeGroups.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })), forKey: .nodeGroups)
        try c.encode(JSONValue.object(JSONObject(releases.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int(Int64($0.value))) })), forKey: .releases)
    }
}
