/// One EKS managed node group as Fairway wants it: the CreateNodegroup request that makes it and
/// the UpdateNodegroupConfig request that brings an existing group to it. Both are request bodies
/// in the shapes of the EKS API (`../shared/reference/eks/`), so they can be sent as they are.
public struct NodeGroup: Sendable, Hashable {
    public var name: String
    /// The node pool document it comes from.
    public var sourcePath: String
    /// CreateNodegroup (POST /clusters/{name}/node-groups).
    public var create: JSONValue
    /// UpdateNodegroupConfig (POST /clusters/{name}/node-groups/{ng}/update-config) for a group
    /// that has no labels or taints beyond the desired ones; the diff computes removals from live.
    public var updateConfig: JSONValue

    /// The CreateNodegroup fields EKS cannot change on an existing group: changing any of them
    /// means creating a new group and deleting the old one. Scaling, labels, taints and the update
    /// configuration change in place (UpdateNodegroupConfig).
    public static let replacementFields = ["instanceTypes", "amiType", "capacityType", "subnets", "nodeRole",
                                           "diskSize", "remoteAccess", "launchTemplate"]

    /// The tag that names the node pool a group belongs to. A replacement group carries another name
    /// (`<pool>-<hash>`), so the tag, not the name, says which pool it serves.
    public static let poolTag = "fairway.dev/nodepool"

    public init(name: String, sourcePath: String, create: JSONValue, updateConfig: JSONValue) {
        self.name = name
        self.sourcePath = sourcePath
        self.create = create
        self.updateConfig = updateConfig
    }
}

