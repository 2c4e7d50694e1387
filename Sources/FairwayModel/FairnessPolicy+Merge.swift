import FairwayCore
import FairwayYAML

extension FairnessPolicy {
    /// The policy the parts make together, or nil when there are none. Parts are taken in path
    /// order; `spec.defaults` and a class's `maxSharePercent` may be set by one part, and a tenant
    /// may have one share per class; a second one is a conflict, and the first one stays.
    init?(merging unordered: [Document<GpuFairnessPolicySpec>]) {
        let parts = unordered.sorted { $0.path < $1.path }
        guard let first = parts.first else { return nil }
        guard parts.count > 1 else {
            self.init(parts: parts, spec: first.spec, conflicts: [])
            return
        }
        var merger = PolicyMerger(parts: parts)
        for index in parts.indices { merger.add(index) }
        self.init(parts: parts, spec: merger.spec, conflicts: merger.conflicts, owners: merger.owners)
    }
}

/// Merges the parts of a fairness policy one by one, remembering which part set each value so
/// that a second one is reported with both places.
private struct PolicyMerger {
    let parts: [Document<GpuFairnessPolicySpec>]
    var spec = GpuFairnessPolicySpec(defaults: nil, classes: nil)
    var conflicts: [Diagnostic] = []
    /// Which part set each value: the first, where parts conflict.
    var owners = PartIndex()
    /// Per part and class, where each tenant's key is: built only for a conflict, once, so that many
    /// conflicts do not each walk a mapping of thousands of tenants.
    private var tenantKeys: [Int: [String: [String: SourceLocation]]] = [:]

    init(parts: [Document<GpuFairnessPolicySpec>]) { self.parts = parts }

    mutating func add(_ index: Int) {
        let part = parts[index].spec
        if let defaults = part.defaults {
            if let first = owners.defaults {
                conflict("spec.defaults is set in two parts of the GPU fairness policy",
                         at: parts[index].keyLocation("spec", "defaults"), first: parts[first].keyLocation("spec", "defaults"),
                         rule: "set the defaults in one part")
            } else {
                spec.defaults = defaults
                owners.defaults = index
            }
        }
        guard let classes = part.classes else { return }
        if owners.firstClasses == nil { owners.firstClasses = index }
        var merged = spec.classes ?? [:]
        for (className, classPolicy) in classes.sorted(by: { $0.key < $1.key }) {
            var into = merged[className] ?? GpuFairnessPolicySpec.ClassPolicy(maxSharePercent: nil, tenants: nil)
            if owners.firstClass[className] == nil { owners.firstClass[className] = index }
            if let percent = classPolicy.maxSharePercent {
                if let first = owners.maxShare[className] {
                    let path: [PathComponent] = ["spec", "classes", .key(className), "maxSharePercent"]
                    conflict("class '\(className)' sets maxSharePercent in two parts of the GPU fairness policy",
                             at: parts[index].keyLocation(path), first: parts[first].keyLocation(path),
                             rule: "set a class's maxSharePercent in one part")
                } else {
                    into.maxSharePercent = percent
                    owners.maxShare[className] = index
                }
            }
            if let tenants = classPolicy.tenants {
                if owners.firstTenants[className] == nil { owners.firstTenants[className] = index }
                var shares = into.tenants ?? [:]
                for (tenant, share) in tenants.sorted(by: { $0.key < $1.key }) {
                    if let first = owners.tenant[className]?[tenant] {
                        conflict("tenant '\(tenant)' has a share of class '\(className)' in two parts of the GPU fairness policy",
                                 at: tenantKey(index, className, tenant), first: tenantKey(first, className, tenant),
                                 rule: "give each tenant one share per class")
                    } else {
                        shares[tenant] = share
                        owners.tenant[className, default: [:]][tenant] = index
                    }
                }
                into.tenants = shares
            }
            merged[className] = into
        }
        spec.classes = merged
    }

    private mutating func conflict(_ message: String, at here: SourceLocation, first: SourceLocation, rule: String) {
        conflicts.append(.error("duplicate-policy-entry", message, at: here,
                                hint: "it is first set at \(first); \(rule), and remove it from \(here.path)",
                                notes: [.init("first set here", at: first)]))
    }

    private mutating func tenantKey(_ index: Int, _ className: String, _ tenant: String) -> SourceLocation {
        if tenantKeys[index]?[className] == nil {
            let part = parts[index]
            let mapping = part.root["spec"]?["classes"]?[className]?["tenants"]?.pairs ?? []
            var keys: [String: SourceLocation] = [:]
            for pair in mapping {
                guard let key = pair.key.scalar, keys[key] == nil else { continue }
                keys[key] = SourceLocation(path: part.path, line: pair.key.mark.line, column: pair.key.mark.column)
            }
            tenantKeys[index, default: [:]][className] = keys
        }
        return tenantKeys[index]?[className]?[tenant]
            ?? parts[index].keyLocation("spec", "classes", .key(className), "tenants", .key(tenant))
    }
}
