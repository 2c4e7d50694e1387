import FairwayCore

/// Reading `kueue.x-k8s.io/v1beta2` ResourceFlavors, ClusterQueues and Cohorts from Kubernetes
/// objects. Malformed input throws `AdmissionError.malformed` naming the object and the path.
public enum KueueObjects {
    /// Kueue's amount of a quantity: CPU in millicores, others in whole units rounded up;
    /// `Int64.max` (unlimited) when the amount does not fit, as Kueue's `AmountFromQuantity`.
    public static func amount(resource: String, _ q: Quantity) -> Int64 {
        if resource == "cpu" {
            return q.nanos >= Int128(Int64.max / 1000) * 1_000_000_000 ? .max : Int64(q.milliValue)
        }
        return q.nanos >= Int128(Int64.max) * 1_000_000_000 ? .max : Int64(q.wholeUnits)
    }

    public static func resourceFlavor(_ object: JSONValue) throws -> ResourceFlavor {
        let name = try metadataName(object, kind: "ResourceFlavor")
        let ctx = Ctx(kind: "ResourceFlavor", name: name)
        let spec = object["spec"]
        var labels: [String: String] = [:]
        if let l = spec?["nodeLabels"] { labels = try ctx.stringMap(l, "spec.nodeLabels") }
        var taints: [Taint] = []
        for (i, t) in try ctx.array(spec?["nodeTaints"], "spec.nodeTaints").enumerated() {
            let path = "spec.nodeTaints[\(i)]"
            taints.append(Taint(key: try ctx.string(t["key"], path + ".key"),
                                value: try ctx.optionalString(t["value"], path + ".value") ?? "",
                                effect: try ctx.string(t["effect"], path + ".effect")))
        }
        let tolerations = try ctx.tolerations(spec?["tolerations"], "spec.tolerations")
        return ResourceFlavor(name: name, nodeLabels: labels, nodeTaints: taints, tolerations: tolerations)
    }

    public static func clusterQueue(_ object: JSONValue) throws -> ClusterQueue {
        let name = try metadataName(object, kind: "ClusterQueue")
        let ctx = Ctx(kind: "ClusterQueue", name: name)
        let spec = object["spec"]
        var cq = ClusterQueue(name: name)
        cq.cohort = try ctx.optionalString(spec?["cohortName"] ?? spec?["cohort"], "spec.cohortName")
        cq.resourceGroups = try ctx.resourceGroups(spec?["resourceGroups"])
        cq.fairWeight = try ctx.weight(spec?["fairSharing"])
        if let p = spec?["preemption"] {
            let path = "spec.preemption"
            cq.preemption.reclaimWithinCohort = try ctx.policy(p["reclaimWithinCohort"], path + ".reclaimWithinCohort")
            cq.preemption.withinClusterQueue = try ctx.policy(p["withinClusterQueue"], path + ".withinClusterQueue")
            if let b = p["borrowWithinCohort"], b != .null {
                let bp = try ctx.optionalString(b["policy"], path + ".borrowWithinCohort.policy") ?? "Never"
                guard let policy = BorrowWithinCohort.Policy(rawValue: bp) else {
                    throw ctx.error(path + ".borrowWithinCohort.policy", "unknown policy \(bp)")
                }
                var threshold: Int32?
                if let t = b["maxPriorityThreshold"], t != .null {
                    guard let v = t.intValue, let v32 = Int32(exactly: v) else {
                        throw ctx.error(path + ".borrowWithinCohort.maxPriorityThreshold", "not a 32-bit integer")
                    }
                    threshold = v32
                }
                cq.preemption.borrowWithinCohort = BorrowWithinCohort(policy: policy, maxPriorityThreshold: threshold)
            }
        }
        if let f = spec?["flavorFungibility"], f != .null {
            let path = "spec.flavorFungibility"
            func policy(_ key: String, _ fallback: FlavorFungibility.Policy) throws -> FlavorFungibility.Policy {
                guard let text = try ctx.optionalString(f[key], path + "." + key) else { return fallback }
                // v1beta1 spellings.
                switch text {
                case "Borrow", "Preempt": return .mayStopSearch
                default:
                    guard let p = FlavorFungibility.Policy(rawValue: text) else { throw ctx.error(path + "." + key, "unknown policy \(text)") }
                    return p
                }
            }
            cq.flavorFungibility.whenCanBorrow = try policy("whenCanBorrow", .mayStopSearch)
            cq.flavorFungibility.whenCanPreempt = try policy("whenCanPreempt", .tryNextFlavor)
            if let pref = try ctx.optionalString(f["preference"], path + ".preference") {
                guard let p = FlavorFungibility.Preference(rawValue: pref) else { throw ctx.error(path + ".preference", "unknown preference \(pref)") }
                cq.flavorFungibility.preference = p
            }
        }
        if let s = try ctx.optionalString(spec?["queueingStrategy"], "spec.queueingStrategy") {
            guard let strategy = QueueingStrategy(rawValue: s) else { throw ctx.error("spec.queueingStrategy", "unknown strategy \(s)") }
            cq.queueingStrategy = strategy
        }
        return cq
    }

    public static func cohort(_ object: JSONValue) throws -> Cohort {
        let name = try metadataName(object, kind: "Cohort")
        let ctx = Ctx(kind: "Cohort", name: name)
        let spec = object["spec"]
        return Cohort(name: name,
                      parent: try ctx.optionalString(spec?["parentName"], "spec.parentName"),
                      resourceGroups: try ctx.resourceGroups(spec?["resourceGroups"]),
                      fairWeight: try ctx.weight(spec?["fairSharing"]))
    }

    private static func metadataName(_ object: JSONValue, kind: String) throws -> String {
        guard object.objectValue != nil else { throw AdmissionError.malformed(kind: kind, name: "?", path: "", reason: "not an object") }
        guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
            throw AdmissionError.malformed(kind: kind, name: "?", path: "metadata.name", reason: "missing")
        }
        return name
    }
}

/// The object being read, for error messages, and typed accessors.
private struct Ctx {
    let kind: String
    let name: String

    func error(_ path: String, _ reason: String) -> AdmissionError { .malformed(kind: kind, name: name, path: path, reason: reason) }

    func string(_ v: JSONValue?, _ path: String) throws -> String {
        guard let s = try optionalString(v, path) else { throw error(path, "missing") }
        return s
    }

    func optionalString(_ v: JSONValue?, _ path: String) throws -> String? {
        guard let v, v != .null else { return nil }
        guard let s = v.stringValue else { throw error(path, "not a string") }
        return s
    }

    func array(_ v: JSONValue?, _ path: String) throws -> [JSONValue] {
        guard let v, v != .null else { return [] }
        guard let a = v.arrayValue else { throw error(path, "not a list") }
        return a
    }

    func stringMap(_ v: JSONValue, _ path: String) throws -> [String: String] {
        if v == .null { return [:] }
        guard let o = v.objectValue else { throw error(path, "not an object") }
        var out: [String: String] = [:]
        for (k, value) in o {
            guard let s = value.stringValue else { throw error(path + "." + k, "not a string") }
            out[k] = s
        }
        return out
    }

    func quantity(_ v: JSONValue?, _ path: String) throws -> Quantity? {
        guard let v, v != .null else { return nil }
        let text: String
        switch v {
        case let .string(s): text = s
        case let .int(i): text = String(i)
        case let .double(d): text = String(d)
        default: throw error(path, "not a quantity")
        }
        guard let q = Quantity(text) else { throw error(path, "not a quantity: \(text)") }
        guard q.nanos >= 0 else { throw error(path, "negative quantity \(text)") }
        return q
    }

    func weight(_ fs: JSONValue?) throws -> Double {
        guard let fs, fs != .null, let w = try quantity(fs["weight"], "spec.fairSharing.weight") else { return 1 }
        return Double(w.nanos) / 1_000_000_000
    }

    func policy(_ v: JSONValue?, _ path: String) throws -> PreemptionPolicy {
        guard let s = try optionalString(v, path) else { return .never }
        guard let p = PreemptionPolicy(rawValue: s) else { throw error(path, "unknown policy \(s)") }
        return p
    }

    func tolerations(_ v: JSONValue?, _ path: String) throws -> [Toleration] {
        try array(v, path).enumerated().map { i, t in
            let p = "\(path)[\(i)]"
            let op = try optionalString(t["operator"], p + ".operator") ?? "Equal"
            guard let o = Toleration.Operator(rawValue: op) else { throw error(p + ".operator", "unknown operator \(op)") }
            return Toleration(key: try optionalString(t["key"], p + ".key") ?? "", op: o,
                              value: try optionalString(t["value"], p + ".value") ?? "",
                              effect: try optionalString(t["effect"], p + ".effect") ?? "")
        }
    }

    func resourceGroups(_ v: JSONValue?) throws -> [ResourceGroup] {
        try array(v, "spec.resourceGroups").enumerated().map { g, group in
            let gp = "spec.resourceGroups[\(g)]"
            let covered = try array(group["coveredResources"], gp + ".coveredResources").enumerated().map { i, r in
                try string(r, gp + ".coveredResources[\(i)]")
            }
            let flavors = try array(group["flavors"], gp + ".flavors").enumerated().map { f, flavor in
                let fp = gp + ".flavors[\(f)]"
                let fname = try string(flavor["name"], fp + ".name")
                var quotas: [String: ResourceQuota] = [:]
                for (r, res) in try array(flavor["resources"], fp + ".resources").enumerated() {
                    let rp = fp + ".resources[\(r)]"
                    let rname = try string(res["name"], rp + ".name")
                    guard let nominal = try quantity(res["nominalQuota"], rp + ".nominalQuota") else { throw error(rp + ".nominalQuota", "missing") }
                    let borrowing = try quantity(res["borrowingLimit"], rp + ".borrowingLimit")
                    let lending = try quantity(res["lendingLimit"], rp + ".lendingLimit")
                    quotas[rname] = ResourceQuota(nominal: KueueObjects.amount(resource: rname, nominal),
                                                  borrowingLimit: borrowing.map { KueueObjects.amount(resource: rname, $0) },
                                                  lendingLimit: lending.map { KueueObjects.amount(resource: rname, $0) })
                }
                return FlavorQuotas(fname, quotas)
            }
            return ResourceGroup(coveredResources: covered, flavors: flavors)
        }
    }
}
