import FairwayCore

/// What happens to one EKS managed node group, with the request bodies an apply sends and the
/// names it sends them to. A node pool's group starts under the pool's name; a replacement creates
/// `<pool>-<hash>` beside it (`NodeGroupDiff.replacementName`), so the group an action acts on
/// (`liveName`) and the group it creates (`newName`) can differ from the pool (`name`).
public struct NodeGroupPlan: Sendable, Hashable {
    public enum Action: String, Sendable, Codable {
        case create
        case update
        case replace
        case delete
    }

    /// The node pool for create, update and replace; the live group's name for delete.
    public var name: String
    public var action: Action
    public var fields: [FieldChange]
    /// CreateNodegroup body (create and replace); its `nodegroupName` is the group to create.
    public var create: JSONValue?
    /// UpdateNodegroupConfig body (update); its `nodegroupName` is `liveName`.
    public var update: JSONValue?
    /// The node pool document it comes from (nil for deletions).
    public var sourcePath: String?
    /// The existing EKS group the action acts on: the group to update, the old group a replacement
    /// deletes once the new one is active, or the group to delete. Nil for create.
    public var liveName: String?
    /// Why a deletion that is not a prune happens (a group left over from a replacement).
    public var note: String?

    public init(name: String, action: Action, fields: [FieldChange] = [], create: JSONValue? = nil,
                update: JSONValue? = nil, sourcePath: String? = nil, liveName: String? = nil, note: String? = nil) {
        self.name = name
        self.action = action
        self.fields = fields
        self.create = create
        self.update = update
        self.sourcePath = sourcePath
        self.liveName = liveName
        self.note = note
    }

    /// The EKS group a create or replace makes (the create request's `nodegroupName`); nil otherwise.
    public var newName: String? {
        switch action {
        case .create, .replace: create?["nodegroupName"]?.stringValue
        case .update, .delete: nil
        }
    }
}
