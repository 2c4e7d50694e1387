import FairwayCore

/// A tenant's guaranteed GPUs in one class moving between live and desired:
/// "research: +8 a100 guaranteed (16 -> 24)".
public struct GPUGuaranteeChange: Sendable, Hashable, Codable {
    public var tenant: String
    public var gpuClass: String
    public var before: Int
    public var after: Int

    public var summary: String {
        let delta = after - before
        return "\(tenant): \(delta > 0 ? "+" : "")\(delta) \(gpuClass) guaranteed (\(before) -> \(after))"
    }
}

/// Reads guarantees off Kueue ClusterQueues, the objects that enforce them: the nominal quota of
/// GPU resources (`nvidia.com/gpu`, `nvidia.com/mig-*`) summed over a queue's flavors, keyed by the
/// queue's tenant and GPU-class labels. Comparing desired queues with live ones says what a plan
/// does to each tenant's GPUs, whoever changed the live queues.
enum GPUGuarantees {
    struct Key: Sendable, Hashable, Comparable {
        var tenant: String
        var gpuClass: String
        static func < (a: Key, b: Key) -> Bool { (a.tenant, a.gpuClass) < (b.tenant, b.gpuClass) }
    }

    /// What one object adds to a tenant's guarantee in a class.
    struct Contribution: Sendable {
        var key: Key
        var gpus: Int
    }

    /// The guarantee `manifest` carries, when it is a ClusterQueue labelled with a tenant and a class.
    static func contribution(of manifest: Manifest) -> Contribution? {
        guard manifest.key.kind == "ClusterQueue", manifest.key.group == "kueue.x-k8s.io" else { return nil }
        let labels = manifest.body["metadata"]?["labels"]
        guard let tenant = labels?[Ownership.tenantLabel]?.stringValue,
              let gpuClass = labels?[Ownership.gpuClassLabel]?.stringValue else { return nil }
        return Contribution(key: Key(tenant: tenant, gpuClass: gpuClass), gpus: gpus(in: manifest.body))
    }

    static func read(_ objects: some Sequence<Manifest>) -> [Key: Int] {
        total(objects.lazy.compactMap(contribution))
    }

    static func total(_ contributions: some Sequence<Contribution>) -> [Key: Int] {
        var out: [Key: Int] = [:]
        for contribution in contributions { out[contribution.key, default: 0] += contribution.gpus }
        return out
    }

    /// Whole GPUs (or MIG slices) of nominal quota in a ClusterQueue.
    static func gpus(in queue: JSONValue) -> Int {
        var total = 0
        for group in queue["spec"]?["resourceGroups"]?.arrayValue ?? [] {
            for flavor in group["flavors"]?.arrayValue ?? [] {
                for resource in flavor["resources"]?.arrayValue ?? [] {
                    guard let name = resource["name"]?.stringValue,
                          name == "nvidia.com/gpu" || name.hasPrefix("nvidia.com/mig-") else { continue }
                    total += resource["nominalQuota"].flatMap(FieldDiff.quantity).map { Int($0.wholeUnits) } ?? 0
                }
            }
        }
        return total
    }

    static func changes(before: [Key: Int], after: [Key: Int]) -> [GPUGuaranteeChange] {
        let keys = Set(before.keys).union(after.keys).sorted()
        return keys.compactMap { key in
            let b = before[key] ?? 0, a = after[key] ?? 0
            return a == b ? nil : GPUGuaranteeChange(tenant: key.tenant, gpuClass: key.gpuClass, before: b, after: a)
        }
    }
}
