import FairwayCore
import FairwayModel

/// The `spec` of each Kueue object of the quota tree, exactly as rendered (FairwayRender adds the
/// metadata) and as the admission prediction reads it back.
extension KueueQuotas.ClassQueues {
    /// The label every node of every pool of the class carries, and the class flavor selects.
    public static let nodeLabel = Ownership.gpuClassLabel

    public var coveredResources: [String] { ["cpu", "memory", resource] }

    /// The class's ResourceFlavor: its nodes by label, their taints, no tolerations (Kueue adds a
    /// flavor's tolerations to the pods it checks, which would let CPU-only pods in).
    public var flavorSpec: JSONValue {
        ["nodeLabels": [Self.nodeLabel: .string(gpuClass)], "nodeTaints": .array(taints.map(\.object))]
    }

    public var cohortSpec: JSONValue {
        ["resourceGroups": [["coveredResources": .array(coveredResources.map(JSONValue.string)),
                             "flavors": [flavorEntry(gpuClass, KueueQuotas.Limits(nominal: cohortQuota))]]]]
    }

    public func clusterQueueSpec(_ queue: KueueQuotas.TenantQueue) -> JSONValue {
        let cpu = KueueQuotas.Limits(nominal: queue.cpuFlavor, lending: .zero)
        return [
            "cohortName": .string(gpuClass),
            "namespaceSelector": ["matchLabels": [Ownership.tenantLabel: .string(queue.tenant)]],
            "queueingStrategy": "BestEffortFIFO",
            "fairSharing": ["weight": .int(Int64(queue.weight))],
            "preemption": ["reclaimWithinCohort": .string(reclaimWithinCohort), "withinClusterQueue": "LowerPriority"],
            "resourceGroups": [["coveredResources": .array(coveredResources.map(JSONValue.string)),
                                "flavors": [flavorEntry(gpuClass, queue.gpu), flavorEntry(KueueQuotas.cpuFlavor, cpu)]]],
        ]
    }

    private func flavorEntry(_ name: String, _ limits: KueueQuotas.Limits) -> JSONValue {
        func entry(_ resource: String, _ pick: (KueueQuotas.Amounts) -> String) -> JSONValue {
            var o: JSONObject = [("name", .string(resource)), ("nominalQuota", .string(pick(limits.nominal)))]
            if let borrowing = limits.borrowing { o["borrowingLimit"] = .string(pick(borrowing)) }
            if let lending = limits.lending { o["lendingLimit"] = .string(pick(lending)) }
            return .object(o)
        }
        return ["name": .string(name), "resources": [
            entry("cpu") { Self.milliCPU($0.milliCPU) }, entry("memory") { "\($0.memoryMiB)Mi" },
            entry(resource) { String($0.units) },
        ]]
    }

    static func milliCPU(_ milli: Int64) -> String { milli % 1000 == 0 ? "\(milli / 1000)" : "\(milli)m" }
}

extension KueueQuotas {
    /// The CPU flavor: nodes without a GPU taint, no labels of its own.
    public static var cpuFlavorSpec: JSONValue { .object(JSONObject()) }
}
