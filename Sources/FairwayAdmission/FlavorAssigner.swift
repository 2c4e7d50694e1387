/// Kueue's flavor assignment (`pkg/scheduler/flavorassigner`): per pod set and resource group, the
/// flavors in order, node label and taint matching, the quota check of each flavor (fit, borrow,
/// preempt through the preemption oracle, or no fit) and the flavor fungibility rules that decide
/// when to stop looking.

/// Kueue's FlavorAssignmentMode, ordered from worst to best.
enum AssignMode: Int, Comparable {
    case noFit = 0, preempt = 1, fit = 3
    static func < (a: AssignMode, b: AssignMode) -> Bool { a.rawValue < b.rawValue }
}

/// Kueue's granular preemption mode, ordered from worst to best.
enum GranularPreemption: Int, Comparable {
    case noFit = 0, noCandidates, preempt, reclaim, fit
    static func < (a: GranularPreemption, b: GranularPreemption) -> Bool { a.rawValue < b.rawValue }
    var assignMode: AssignMode {
        switch self {
        case .noFit: .noFit
        case .noCandidates, .preempt, .reclaim: .preempt
        case .fit: .fit
        }
    }
}

struct GranularMode {
    var preemption: GranularPreemption
    var borrowing: Int
    static let worst = GranularMode(preemption: .noFit, borrowing: .max)
    static let best = GranularMode(preemption: .fit, borrowing: 0)
    var isPreemptMode: Bool { preemption == .preempt || preemption == .reclaim }
}

/// Kueue's `isPreferred(a, b)`.
func isPreferred(_ a: GranularMode, _ b: GranularMode, _ fungibility: FlavorFungibility) -> Bool {
    if a.preemption == .noFit { return false }
    if b.preemption == .noFit { return true }
    let aNo = a.preemption == .noCandidates, bNo = b.preemption == .noCandidates
    if aNo != bNo { return !aNo }
    if fungibility.preference == .preemptionOverBorrowing {
        if a.borrowing != b.borrowing { return a.borrowing < b.borrowing }
        return a.preemption > b.preemption
    }
    if a.preemption != b.preemption { return a.preemption > b.preemption }
    return a.borrowing < b.borrowing
}

func shouldTryNextFlavor(_ mode: GranularMode, _ fungibility: FlavorFungibility) -> Bool {
    if mode.preemption == .noFit || mode.preemption == .noCandidates { return true }
    if mode.isPreemptMode && fungibility.whenCanPreempt == .tryNextFlavor { return true }
    if mode.borrowing != 0 && fungibility.whenCanBorrow == .tryNextFlavor { return true }
    return false
}

struct FlavorChoice {
    var resource: Int
    /// The flavor-resource index of (`flavor`, `resource`).
    var fr: Int
    var flavor: String
    var mode: AssignMode
    var borrow: Int
    var triedIndex: Int
}

struct PodSetChoice {
    var name: String
    var count: Int32
    var flavors: [FlavorChoice]
    var reasons: [String]
    var failed: Bool
    var mode: AssignMode {
        if !failed && reasons.isEmpty { return .fit }
        if failed || flavors.isEmpty { return .noFit }
        return flavors.map(\.mode).min() ?? .noFit
    }
}

/// A flavor assignment for a whole workload.
struct Assignment {
    var podSets: [PodSetChoice] = []
    var borrowing = 0
    var usage: [FRAmount] = []
    var lastTried: [[Int: Int]] = []
    var mode: AssignMode {
        if podSets.isEmpty { return .noFit }
        return podSets.map(\.mode).min() ?? .noFit
    }
    var message: String {
        var parts: [String] = []
        for ps in podSets where !ps.reasons.isEmpty || ps.failed {
            parts.append("couldn't assign flavors to pod set \(ps.name): " + ps.reasons.sorted().joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }
    func api(_ tree: QuotaTree) -> [PodSetAssignment] {
        podSets.map { ps in
            var map: [String: String] = [:]
            for f in ps.flavors { map[tree.resourceNames[f.resource]] = f.flavor }
            return PodSetAssignment(name: ps.name, flavors: map, count: ps.count)
        }
    }
}

func formatAmount(_ resource: String, _ v: Int64) -> String {
    if v == .max { return "unlimited" }
    if resource == "cpu" { return v % 1000 == 0 ? "\(v / 1000)" : "\(v)m" }
    return "\(v)"
}

extension Scheduler {
    /// Which flavor-resource indices an assignment needs preemption on.
    func preemptionFRs(_ a: Assignment) -> [Int] {
        var out: [Int] = []
        for ps in a.podSets {
            for f in ps.flavors where f.mode == .preempt && !out.contains(f.fr) { out.append(f.fr) }
        }
        return out
    }

    /// Kueue's `FlavorAssigner.Assign`, with optional reduced pod counts (partial admission).
    func assignFlavors(_ id: Int, counts: [Int32]? = nil) -> Assignment {
        let w = workloads[id]
        var assignment = Assignment()
        for (psIndex, ps) in w.spec.podSets.enumerated() {
            let count = counts?[psIndex] ?? ps.count
            let compiled = w.podSets[psIndex]
            let requests = compiled.requests
            var choice = PodSetChoice(name: ps.name, count: count, flavors: [], reasons: [], failed: false)
            var assigned: [Int] = []
            for request in requests {
                let quantity = request.amount(count: count)
                if request.group < 0 {
                    if quantity == 0 { continue }
                    choice.failed = true
                    choice.flavors = []
                    choice.reasons = ["resource \(request.name) unavailable in ClusterQueue"]
                    break
                }
                if assigned.contains(request.resource) { continue }
                let (found, reasons) = findFlavor(id, psIndex: psIndex, group: request.group, compiled: compiled, count: count,
                                                  firstResource: request.resource, usageSoFar: assignment.usage)
                if found.isEmpty {
                    choice.failed = true
                    choice.flavors = []
                    choice.reasons = reasons ?? []
                    break
                }
                for f in found { assigned.append(f.resource) }
                choice.flavors.append(contentsOf: found)
                if let reasons { choice.reasons.append(contentsOf: reasons) }
            }
            // Append to the assignment (usage, borrowing, scan state).
            var tried: [Int: Int] = [:]
            for f in choice.flavors {
                assignment.borrowing = max(assignment.borrowing, f.borrow)
                let amount = requests.first { $0.resource == f.resource }.map { $0.amount(count: count) } ?? 0
                addAmount(&assignment.usage, f.fr, amount)
                tried[f.resource] = f.triedIndex
            }
            assignment.lastTried.append(tried)
            assignment.podSets.append(choice)
            if choice.failed { return assignment }
        }
        return assignment
    }

    /// Kueue's `findFlavorForPodSets` for one resource group: the chosen flavor for each of the
    /// group's requested resources, and the reasons (nil when the choice fits).
    private func findFlavor(_ id: Int, psIndex: Int, group: Int, compiled: CompiledPodSet, count: Int32, firstResource: Int,
                            usageSoFar: [FRAmount]) -> ([FlavorChoice], [String]?) {
        let w = workloads[id]
        let q = queues[w.cq]
        let flavorNames = q.groupFlavors[group]
        let digest = compiled.groups[group]!
        let fungibility = q.config.flavorFungibility
        var reasons: [String] = []
        var best: [FlavorChoice] = []
        var bestMode = GranularMode.worst
        var attempted = -1
        var start = 0
        if let last = w.lastTried, psIndex < last.count, let idx = last[psIndex][firstResource] { start = idx + 1 }
        var idx = start
        while idx < flavorNames.count {
            attempted = idx
            let fName = flavorNames[idx]
            if let mismatch = digest.mismatch[idx] {
                reasons.append(mismatch)
                idx += 1
                continue
            }
            var choices: [FlavorChoice] = []
            var representative = GranularMode.best
            for (member, position) in digest.members.enumerated() {
                let request = compiled.requests[position]
                let val = request.amount(count: count)
                guard let fr = digest.frs[idx][member] else {
                    // No quota for this resource in this flavor: Kueue sees zero quota.
                    reasons.append("insufficient quota for \(request.name) in flavor \(fName), previously considered podsets requests (0) + current podset request (\(formatAmount(request.name, val))) > maximum capacity (0)")
                    representative = GranularMode.worst
                    break
                }
                let assumed = usageSoFar.first { $0.fr == fr }?.amount ?? 0
                let (pm, borrow, reason) = fitsResourceQuota(id, fr: fr, assumed: assumed, request: val)
                if let reason { reasons.append(reason) }
                let mode = GranularMode(preemption: pm, borrowing: borrow)
                if isPreferred(representative, mode, fungibility) { representative = mode }
                if representative.preemption == .noFit { break }
                choices.append(FlavorChoice(resource: request.resource, fr: fr, flavor: fName, mode: pm.assignMode, borrow: borrow, triedIndex: 0))
            }
            if !shouldTryNextFlavor(representative, fungibility) {
                best = choices
                bestMode = representative
                break
            }
            if isPreferred(representative, bestMode, fungibility) {
                best = choices
                bestMode = representative
            }
            idx += 1
        }
        let tried = attempted == flavorNames.count - 1 ? -1 : attempted
        for i in best.indices { best[i].triedIndex = tried }
        if bestMode.preemption == .fit { return (best, nil) }
        return (best, reasons)
    }

    /// Taints the pod set does not tolerate, or a node selector the flavor's labels do not match.
    func flavorMismatch(_ name: String, _ ps: PodSet) -> String? {
        guard let flavor = flavors[name] else { return "flavor \(name) not found" }
        let tolerations = ps.tolerations + flavor.tolerations
        for taint in flavor.nodeTaints where taint.effect == "NoSchedule" || taint.effect == "NoExecute" {
            if !tolerations.contains(where: { $0.tolerates(taint) }) {
                return "untolerated taint {\(taint.key) \(taint.value) \(taint.effect)} in flavor \(name)"
            }
        }
        for (key, value) in ps.nodeSelector where flavor.nodeLabels[key] != nil {
            if flavor.nodeLabels[key] != value { return "flavor \(name) doesn't match node affinity" }
        }
        return nil
    }

    /// Kueue's `fitsResourceQuota`.
    private func fitsResourceQuota(_ id: Int, fr: Int, assumed: Int64, request: Int64) -> (GranularPreemption, Int, String?) {
        let cq = workloads[id].cq
        let available = tree.available(cq, fr)
        let maxCapacity = tree.potAvail[cq * tree.frCount + fr]
        let val = amountAdd(assumed, request)
        let res = tree.flavorResources[fr]
        if val > maxCapacity {
            return (.noFit, 0, "insufficient quota for \(res.resource) in flavor \(res.flavor), previously considered podsets requests (\(formatAmount(res.resource, assumed))) + current podset request (\(formatAmount(res.resource, request))) > maximum capacity (\(formatAmount(res.resource, maxCapacity)))")
        }
        let (borrow, mayReclaim) = tree.heightOfLowestSubtreeThatFits(cq, fr, val)
        if val <= available { return (.fit, borrow, nil) }
        let reason = "insufficient unused quota for \(res.resource) in flavor \(res.flavor), \(formatAmount(res.resource, val - available)) more needed"
        let nominal = tree.nominal[cq * tree.frCount + fr]
        let p = queues[cq].config.preemption
        let canPreemptWhileBorrowing = (p.borrowWithinCohort.map { $0.policy != .never } ?? false)
            || (config.fairSharing && p.reclaimWithinCohort != .never)
        if nominal >= val || mayReclaim || canPreemptWhileBorrowing {
            return simulatePreemption(id, fr: fr, quantity: val, reason: reason)
        }
        return (.noFit, borrow, reason)
    }

    /// Kueue's preemption oracle: would preemption make room for `quantity` of `fr`?
    private func simulatePreemption(_ id: Int, fr: Int, quantity: Int64, reason: String) -> (GranularPreemption, Int, String?) {
        let cq = workloads[id].cq
        let targets = preemptionTargets(id, cq: cq, frs: [fr], usage: [FRAmount(fr: fr, amount: quantity)])
        if targets.isEmpty {
            let (borrow, _) = tree.heightOfLowestSubtreeThatFits(cq, fr, quantity)
            return (.noCandidates, borrow, reason)
        }
        let (borrow, _) = tree.preservingVersion {
            for t in targets { tree.remove(workloads[t.id].usage, from: workloads[t.id].cq) }
            defer { for t in targets { tree.add(workloads[t.id].usage, to: workloads[t.id].cq) } }
            return tree.heightOfLowestSubtreeThatFits(cq, fr, quantity)
        }
        let within = targets.contains { workloads[$0.id].cq == cq }
        return (within ? .preempt : .reclaim, borrow, reason)
    }
}
