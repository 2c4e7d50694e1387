import FairwayCore

/// The platform's GPU fairness policy: every `GpuFairnessPolicy` document named `default` (its
/// parts, one file each under `policies/`), merged into one spec. It owns the merged spec, the
/// conflicts between parts, and the routing of a path into the spec to the part that writes it, so
/// that a diagnostic about a class or a tenant's share points at the file and line it is written on.
/// A one-file policy is a policy of one part, read exactly as that document.
public struct FairnessPolicy: Sendable {
    /// The parts, ordered by path.
    public let parts: [Document<GpuFairnessPolicySpec>]
    /// Every part's classes and tenants together; where parts conflict, the first part's value.
    public let spec: GpuFairnessPolicySpec
    /// What parts set twice (`duplicate-policy-entry`), each at the second occurrence.
    let conflicts: [Diagnostic]
    /// Which part writes what, for `part(for:)` (empty for a policy of one part).
    let owners: PartIndex

    init(parts: [Document<GpuFairnessPolicySpec>], spec: GpuFairnessPolicySpec, conflicts: [Diagnostic],
         owners: PartIndex = PartIndex()) {
        self.parts = parts
        self.spec = spec
        self.conflicts = conflicts
        self.owners = owners
    }

    public var name: String { "default" }

    /// The first part's path: where the policy as a whole is named, and where a new class would go.
    public var path: String { parts[0].path }

    /// What the policy was read from, by Git blob id: the one part's blob, or every part's path and
    /// blob. Nil when some part has no blob id.
    public var blobID: String? {
        guard parts.count > 1 else { return parts[0].blobID }
        var ids: [String] = []
        for part in parts {
            guard let blob = part.blobID else { return nil }
            ids.append("\(part.path)@\(blob)")
        }
        return ids.joined(separator: ",")
    }

    /// Where the node at `components` starts, in the part that writes it (see `part(for:)`).
    public func location(_ components: PathComponent...) -> SourceLocation { location(components) }

    public func location(_ components: [PathComponent]) -> SourceLocation {
        part(for: components).location(components)
    }

    /// Where the key at `components` starts, in the part that writes it.
    public func keyLocation(_ components: PathComponent...) -> SourceLocation { keyLocation(components) }

    public func keyLocation(_ components: [PathComponent]) -> SourceLocation {
        part(for: components).keyLocation(components)
    }

    /// The path of the part holding class `name` (the first of several), or `path` when none does.
    public func path(ofClass name: String) -> String {
        part(for: ["spec", "classes", .key(name)]).path
    }

    /// The path of the part holding the tenant's share of the class (or the class, or `path`). Unlike
    /// `keyLocation`, it does not walk the part's tree.
    public func path(ofShare tenant: String, inClass className: String) -> String {
        part(for: ["spec", "classes", .key(className), "tenants", .key(tenant)]).path
    }

    /// The part that writes `components`: for a tenant's share, the part that holds it; for a class's
    /// `maxSharePercent` or `spec.defaults`, the part that sets it; for a class, the first part that
    /// has it. Falls back to the first part holding the class, then to the first part.
    func part(for components: [PathComponent]) -> Document<GpuFairnessPolicySpec> {
        guard parts.count > 1 else { return parts[0] }
        let keys = components.map { component -> String? in
            if case let .key(key) = component { return key }
            return nil
        }
        guard keys.count >= 2, keys[0] == "spec", let section = keys[1] else { return parts[0] }
        let found: Int?
        switch (section, keys.count > 2 ? keys[2] : nil) {
        case ("defaults", _):
            found = owners.defaults
        case let ("classes", className?):
            let field = keys.count > 3 ? keys[3] ?? "" : ""
            let tenant = keys.count > 4 ? keys[4] : nil
            switch (field, tenant) {
            case ("maxSharePercent", _): found = owners.maxShare[className] ?? owners.firstClass[className]
            case let ("tenants", tenant?):
                found = owners.tenant[className]?[tenant] ?? owners.firstTenants[className] ?? owners.firstClass[className]
            case ("tenants", nil): found = owners.firstTenants[className] ?? owners.firstClass[className]
            default: found = owners.firstClass[className]
            }
        case ("classes", nil):
            found = owners.firstClasses
        default:
            found = nil
        }
        return parts[found ?? 0]
    }
}

/// Which part (by position in `FairnessPolicy.parts`) writes each value, so that routing a path
/// costs a lookup, not a scan of the parts.
struct PartIndex: Sendable {
    /// The part that sets `spec.defaults`, and the first with `spec.classes`.
    var defaults: Int?
    var firstClasses: Int?
    /// Per class: the first part that has it, the first with tenants, and the one setting maxSharePercent.
    var firstClass: [String: Int] = [:]
    var firstTenants: [String: Int] = [:]
    var maxShare: [String: Int] = [:]
    /// Per class and tenant: the part holding the share.
    var tenant: [String: [String: Int]] = [:]
}
