/// A flavor and a resource name: the unit Kueue counts quota and usage in.
public struct FlavorResource: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var flavor: String
    public var resource: String

    public init(_ flavor: String, _ resource: String) {
        self.flavor = flavor
        self.resource = resource
    }

    public var description: String { "\(flavor)/\(resource)" }
    public static func < (a: FlavorResource, b: FlavorResource) -> Bool {
        (a.flavor, a.resource) < (b.flavor, b.resource)
    }
}

/// Errors building a quota tree or reading Kueue objects.
public enum AdmissionError: Error, Sendable, Equatable, CustomStringConvertible {
    case cohortCycle(String)
    case duplicate(kind: String, name: String)
    case malformed(kind: String, name: String, path: String, reason: String)
    case unknownClusterQueue(String)
    case unknownWorkload(String)

    public var description: String {
        switch self {
        case let .cohortCycle(name): "cohort \(name) is part of a cycle of parents"
        case let .duplicate(kind, name): "\(kind) \(name) is defined twice"
        case let .malformed(kind, name, path, reason): "\(kind) \(name): \(path): \(reason)"
        case let .unknownClusterQueue(name): "ClusterQueue \(name) not found"
        case let .unknownWorkload(name): "workload \(name) not found"
        }
    }
}

/// Amounts as Kueue's `resources.Amount`: `Int64.max` means unlimited; sums saturate.
@inline(__always) func amountAdd(_ a: Int64, _ b: Int64) -> Int64 {
    if a == .max || b == .max { return .max }
    let (r, o) = a.addingReportingOverflow(b)
    return o ? (b > 0 ? .max - 1 : .min) : r
}

@inline(__always) func amountSub(_ a: Int64, _ b: Int64) -> Int64 {
    if a == .max && b == .max { return 0 }
    if a == .max { return .max }
    if b == .max { return .min }
    let (r, o) = a.subtractingReportingOverflow(b)
    return o ? (b < 0 ? .max - 1 : .min) : r
}

/// The hierarchy of Cohorts and ClusterQueues with their quotas and current usage, as Kueue's
/// scheduler cache keeps it (`resourceNode`): subtree quota, guaranteed (local) quota =
/// subtree quota − lending limit, usage stored locally and in the parent, available and
/// potential-available capacity. Nodes and flavor-resources are interned to integer indices and
/// every per-node value lives in a flat array (`node * frCount + fr`), so usage updates walk up
/// the tree in O(depth) and nothing is rehashed on the hot path. Quantities that only depend on
/// quotas (subtree and local quota, potential available, lendable per parent cohort, node
/// heights) are computed once when the tree is built.
public final class QuotaTree {
    // Flavor-resources and resource names.
    public private(set) var flavorResources: [FlavorResource] = []
    var frIndex: [FlavorResource: Int] = [:]
    var resourceNames: [String] = []
    var resourceIndex: [String: Int] = [:]
    var frResource: [Int] = []
    /// Rank of each resource name in byte order (Kueue breaks DRS ties by the smaller name).
    var resourceRank: [Int] = []
    var frCount: Int { flavorResources.count }
    var resourceCount: Int { resourceNames.count }

    // Nodes: ClusterQueues and Cohorts.
    var names: [String] = []
    var isCQ: [Bool] = []
    var parent: [Int] = []
    var childCohorts: [[Int]] = []
    var childCQs: [[Int]] = []
    var weight: [Double] = []
    var root: [Int] = []
    var height: [Int] = []
    var cqIndex: [String: Int] = [:]
    var cohortIndex: [String: Int] = [:]

    // Flat per node × flavor-resource.
    var hasKey: [Bool] = []
    var nominal: [Int64] = []
    var borrowLimit: [Int64] = []  // .min: none
    var lendLimit: [Int64] = []  // .min: none
    var subtreeQuota: [Int64] = []
    var localQuota: [Int64] = []
    var potAvail: [Int64] = []
    private(set) var usage: [Int64] = []
    /// Lendable capacity per resource name seen from each cohort (node × resource); Kueue's
    /// `calculateLendable(parent)`, which depends on quotas only.
    var lendable: [Int64] = []
    /// ClusterQueues using more than their nominal quota, per flavor-resource.
    var borrowers: [NodeSet] = []
    /// Names the current usage, so values derived from usage can be cached: every usage change
    /// (real or simulated) gives a version never used before, and `preservingVersion` gives the
    /// version back once simulated changes are undone (the usage is then exactly as it was).
    private(set) var version: UInt64 = 0
    private var lastVersion: UInt64 = 0
    /// A wrapping weighted sum of every usage value, to check that `preservingVersion`'s body
    /// restored the usage.
    private var usageChecksum: UInt64 = 0
    /// Per node, its dominant resource share with no request, until its own usage changes (a
    /// node's share depends on its own usage and on quotas only).
    private var drsCache: [DominantResourceShare?] = []
    private var scratch: [Int64] = []

    /// Builds the tree. Cohorts a ClusterQueue or Cohort names but nobody defines exist implicitly
    /// with no quota, as in Kueue.
    public init(clusterQueues: [ClusterQueue], cohorts: [Cohort]) throws {
        var groupsOf: [[ResourceGroup]] = []
        func addNode(_ name: String, cq: Bool, weight w: Double) -> Int {
            let index = names.count
            names.append(name)
            isCQ.append(cq)
            parent.append(-1)
            childCohorts.append([])
            childCQs.append([])
            weight.append(w)
            groupsOf.append([])
            return index
        }
        for cohort in cohorts {
            guard cohortIndex[cohort.name] == nil else { throw AdmissionError.duplicate(kind: "Cohort", name: cohort.name) }
            let i = addNode(cohort.name, cq: false, weight: cohort.fairWeight)
            cohortIndex[cohort.name] = i
            groupsOf[i] = cohort.resourceGroups
        }
        func cohortNode(_ name: String) -> Int {
            if let i = cohortIndex[name] { return i }
            let i = addNode(name, cq: false, weight: 1)
            cohortIndex[name] = i
            return i
        }
        for cohort in cohorts {
            if let p = cohort.parent, !p.isEmpty {
                let i = cohortIndex[cohort.name]!
                let pi = cohortNode(p)
                parent[i] = pi
            }
        }
        for cq in clusterQueues {
            guard cqIndex[cq.name] == nil else { throw AdmissionError.duplicate(kind: "ClusterQueue", name: cq.name) }
            let i = addNode(cq.name, cq: true, weight: cq.fairWeight)
            cqIndex[cq.name] = i
            groupsOf[i] = cq.resourceGroups
            if let c = cq.cohort, !c.isEmpty { parent[i] = cohortNode(c) }
        }
        // Children in a stable order (Kueue keeps them in sets; any order is one of Kueue's).
        for i in names.indices where parent[i] >= 0 {
            if isCQ[i] { childCQs[parent[i]].append(i) } else { childCohorts[parent[i]].append(i) }
        }
        // Roots, with cycle detection.
        root = Array(repeating: -1, count: names.count)
        for i in names.indices {
            var node = i
            var steps = 0
            while parent[node] >= 0 {
                node = parent[node]
                steps += 1
                if steps > names.count { throw AdmissionError.cohortCycle(names[i]) }
            }
            root[i] = node
        }
        // Flavor-resources.
        for groups in groupsOf {
            for group in groups {
                for flavor in group.flavors {
                    for resource in flavor.resources.keys.sorted() { internFR(FlavorResource(flavor.name, resource)) }
                }
                for resource in group.coveredResources { internResource(resource) }
            }
        }
        let n = names.count, f = frCount
        hasKey = Array(repeating: false, count: n * f)
        nominal = Array(repeating: 0, count: n * f)
        borrowLimit = Array(repeating: .min, count: n * f)
        lendLimit = Array(repeating: .min, count: n * f)
        for (i, groups) in groupsOf.enumerated() {
            for group in groups {
                for flavor in group.flavors {
                    for (resource, quota) in flavor.resources {
                        let k = i * f + frIndex[FlavorResource(flavor.name, resource)]!
                        hasKey[k] = true
                        nominal[k] = quota.nominal
                        if let b = quota.borrowingLimit { borrowLimit[k] = b }
                        if let l = quota.lendingLimit { lendLimit[k] = l }
                    }
                }
            }
        }
        subtreeQuota = nominal
        localQuota = Array(repeating: 0, count: n * f)
        potAvail = Array(repeating: 0, count: n * f)
        usage = Array(repeating: 0, count: n * f)
        height = Array(repeating: 0, count: n)
        borrowers = Array(repeating: NodeSet(capacity: n), count: f)
        drsCache = Array(repeating: nil, count: n)
        scratch = Array(repeating: 0, count: resourceCount)
        for i in names.indices where parent[i] < 0 { accumulate(i) }
        for i in names.indices where parent[i] < 0 { computePotential(i) }
        let r = resourceCount
        lendable = Array(repeating: 0, count: n * r)
        for i in names.indices where !isCQ[i] {
            let rootNode = root[i]
            for fr in 0..<f where hasKey[rootNode * f + fr] {
                lendable[i * r + frResource[fr]] = amountAdd(lendable[i * r + frResource[fr]], potAvail[i * f + fr])
            }
        }
        let order = resourceNames.indices.sorted { resourceNames[$0].utf8.lexicographicallyPrecedes(resourceNames[$1].utf8) }
        resourceRank = Array(repeating: 0, count: r)
        for (rank, index) in order.enumerated() { resourceRank[index] = rank }
    }

    private func internResource(_ name: String) {
        if resourceIndex[name] == nil {
            resourceIndex[name] = resourceNames.count
            resourceNames.append(name)
        }
    }

    private func internFR(_ fr: FlavorResource) {
        internResource(fr.resource)
        if frIndex[fr] == nil {
            frIndex[fr] = flavorResources.count
            flavorResources.append(fr)
            frResource.append(resourceIndex[fr.resource]!)
        }
    }

    /// Subtree quota bottom-up (a child contributes what it does not keep as guaranteed quota).
    private func accumulate(_ i: Int) {
        let f = frCount
        for c in childCohorts[i] + childCQs[i] {
            accumulate(c)
            for fr in 0..<f where hasKey[c * f + fr] {
                hasKey[i * f + fr] = true
                subtreeQuota[i * f + fr] = amountAdd(subtreeQuota[i * f + fr], amountSub(subtreeQuota[c * f + fr], localQuota[c * f + fr]))
            }
        }
        for fr in 0..<f {
            let k = i * f + fr
            localQuota[k] = lendLimit[k] == .min ? 0 : max(0, amountSub(subtreeQuota[k], lendLimit[k]))
        }
        var h = min(childCohorts[i].count + childCQs[i].count, 1)
        for c in childCohorts[i] { h = max(h, height[c] + 1) }
        height[i] = isCQ[i] ? 0 : h
    }

    private func computePotential(_ i: Int) {
        let f = frCount
        for fr in 0..<f {
            let k = i * f + fr
            if parent[i] < 0 {
                potAvail[k] = subtreeQuota[k]
            } else {
                var avail = amountAdd(localQuota[k], potAvail[parent[i] * f + fr])
                if borrowLimit[k] != .min { avail = min(avail, amountAdd(subtreeQuota[k], borrowLimit[k])) }
                potAvail[k] = avail
            }
        }
        for c in childCohorts[i] + childCQs[i] { computePotential(c) }
    }

    // MARK: Capacity

    @inline(__always) func localAvailable(_ node: Int, _ fr: Int) -> Int64 {
        let k = node * frCount + fr
        return max(0, amountSub(localQuota[k], usage[k]))
    }

    /// Kueue's `available`: what the node can still use of `fr`, through its ancestors.
    func rawAvailable(_ node: Int, _ fr: Int) -> Int64 {
        let k = node * frCount + fr
        let p = parent[node]
        if p < 0 { return amountSub(subtreeQuota[k], usage[k]) }
        var parentAvailable = rawAvailable(p, fr)
        if borrowLimit[k] != .min {
            let lq = localQuota[k]
            let storedInParent = amountSub(subtreeQuota[k], lq)
            let usedInParent = max(0, amountSub(usage[k], lq))
            parentAvailable = min(amountAdd(amountSub(storedInParent, usedInParent), borrowLimit[k]), parentAvailable)
        }
        return amountAdd(localAvailable(node, fr), parentAvailable)
    }

    /// Available capacity for a ClusterQueue, never negative.
    func available(_ node: Int, _ fr: Int) -> Int64 { max(0, rawAvailable(node, fr)) }

    /// Runs `body`, which must leave every usage as it found it (simulated removals and additions
    /// undone), and keeps the current version, so what was cached against it stays valid.
    func preservingVersion<T>(_ body: () -> T) -> T {
        let saved = version, checksum = usageChecksum
        let result = body()
        precondition(usageChecksum == checksum, "a simulation left the usage changed")
        version = saved
        return result
    }

    @inline(__always) private func setUsage(_ k: Int, _ node: Int, _ value: Int64) {
        let weightOfK = UInt64(truncatingIfNeeded: k) &* 0x9E37_79B9_7F4A_7C15 | 1
        usageChecksum = usageChecksum &- UInt64(bitPattern: usage[k]) &* weightOfK &+ UInt64(bitPattern: value) &* weightOfK
        usage[k] = value
        drsCache[node] = nil
    }

    @inline(__always) private func bumpVersion() {
        lastVersion &+= 1
        version = lastVersion
    }

    func addUsage(_ node: Int, _ fr: Int, _ value: Int64) {
        bumpVersion()
        let f = frCount
        var n = node
        var v = value
        while true {
            let k = n * f + fr
            let la = localAvailable(n, fr)
            let wasBorrowing = isCQ[n] && usage[k] > nominal[k]
            setUsage(k, n, amountAdd(usage[k], v))
            if isCQ[n], !wasBorrowing, usage[k] > nominal[k] { borrowers[fr].insert(n) }
            let p = parent[n]
            if p < 0 || v <= la { return }
            v = amountSub(v, la)
            n = p
        }
    }

    func removeUsage(_ node: Int, _ fr: Int, _ value: Int64) {
        bumpVersion()
        let f = frCount
        var n = node
        var v = value
        while true {
            let k = n * f + fr
            let storedInParent = amountSub(usage[k], localQuota[k])
            let wasBorrowing = isCQ[n] && usage[k] > nominal[k]
            setUsage(k, n, amountSub(usage[k], v))
            if wasBorrowing, usage[k] <= nominal[k] { borrowers[fr].remove(n) }
            let p = parent[n]
            if storedInParent <= 0 || p < 0 { return }
            v = min(v, storedInParent)
            n = p
        }
    }

    func add(_ usage: [FRAmount], to node: Int) { for u in usage { addUsage(node, u.fr, u.amount) } }
    func remove(_ usage: [FRAmount], from node: Int) { for u in usage { removeUsage(node, u.fr, u.amount) } }

    /// Kueue's ClusterQueue `BorrowingWith`: nominal < usage + value.
    @inline(__always) func cqBorrowingWith(_ node: Int, _ fr: Int, _ value: Int64) -> Bool {
        let k = node * frCount + fr
        return nominal[k] < amountAdd(usage[k], value)
    }

    /// Kueue's Cohort `BorrowingWith`: subtree quota < usage + value.
    @inline(__always) func cohortBorrowingWith(_ node: Int, _ fr: Int, _ value: Int64) -> Bool {
        let k = node * frCount + fr
        return subtreeQuota[k] < amountAdd(usage[k], value)
    }

    /// `IsWithinNominalInResources`: usage ≤ subtree quota on all of `frs`.
    func withinNominal(_ node: Int, _ frs: [Int]) -> Bool {
        let f = frCount
        for fr in frs where subtreeQuota[node * f + fr] < usage[node * f + fr] { return false }
        return true
    }

    /// Kueue's `FindHeightOfLowestSubtreeThatFits`: how far up the tree `value` of `fr` must
    /// borrow (0 when within nominal), and whether a reclaim in the hierarchy may be possible.
    func heightOfLowestSubtreeThatFits(_ cq: Int, _ fr: Int, _ value: Int64) -> (Int, Bool) {
        if !cqBorrowingWith(cq, fr, value) || parent[cq] < 0 { return (0, parent[cq] >= 0) }
        var remaining = amountSub(value, localAvailable(cq, fr))
        var node = parent[cq]
        while node >= 0 {
            if !cohortBorrowingWith(node, fr, remaining) { return (height[node], parent[node] >= 0) }
            remaining = amountSub(remaining, localAvailable(node, fr))
            node = parent[node]
        }
        return (height[root[cq]], false)
    }

    // MARK: Dominant resource share

    /// Kueue's `dominantResourceShare(node, wlReq)`: the largest share of lendable capacity that
    /// the node borrows per resource name, ×1000, with the node's fair weight.
    func drs(_ node: Int, adding request: [FRAmount] = [], collectBorrowed: Bool = false) -> DominantResourceShare {
        let plain = request.isEmpty && !collectBorrowed
        if plain, let cached = drsCache[node] { return cached }
        let result = computeDRS(node, adding: request, collectBorrowed: collectBorrowed)
        if plain { drsCache[node] = result }
        return result
    }

    private func computeDRS(_ node: Int, adding request: [FRAmount], collectBorrowed: Bool) -> DominantResourceShare {
        var result = DominantResourceShare(fairWeight: weight[node])
        let p = parent[node]
        if p < 0 { return result }
        let f = frCount
        for r in 0..<resourceCount { scratch[r] = 0 }
        var any = false
        var borrowed: [Int] = []
        for fr in 0..<f where hasKey[node * f + fr] {
            var req: Int64 = 0
            for u in request where u.fr == fr { req = amountAdd(req, u.amount) }
            let b = amountSub(amountAdd(req, usage[node * f + fr]), subtreeQuota[node * f + fr])
            if b > 0 {
                scratch[frResource[fr]] = amountAdd(scratch[frResource[fr]], b)
                any = true
                if collectBorrowed { borrowed.append(fr) }
            }
        }
        if !any { return result }
        result.isBorrowing = true
        result.borrowedFRs = borrowed
        let rc = resourceCount
        for r in 0..<rc where scratch[r] > 0 {
            let lr = lendable[p * rc + r]
            guard lr > 0 else { continue }
            let ratio = Double(scratch[r]) * 1000.0 / Double(lr)
            if ratio > result.unweightedRatio
                || (ratio == result.unweightedRatio && result.dominantIndex >= 0 && resourceRank[r] < resourceRank[result.dominantIndex])
            {
                result.unweightedRatio = ratio
                result.dominantIndex = r
                result.dominantResource = resourceNames[r]
            }
        }
        return result
    }
}

/// An amount of one interned flavor-resource.
struct FRAmount: Sendable, Hashable {
    var fr: Int
    var amount: Int64
}
