import CZ3
import FairwayCore
import FairwayModel

/// Explains why a GPU class's policy cannot hold, with Z3: the unsat core of the facts is the
/// smallest set of statements that conflict (each named by file and line), and for each of them
/// the solver finds the nearest value that would make the class feasible with everything else kept.
enum PolicyExplainer {
    /// Most notes one diagnostic lists; the rest are summarised.
    static let maxNotes = 8
    /// Cores up to this size are shrunk to a minimal one by deleting facts one at a time.
    static let minimizeLimit = 24
    /// Independent conflicts reported per class at most.
    static let maxConflicts = 5

    /// Diagnostics for every conflict found, or nil when Z3 could not decide in time.
    static func explain(_ model: ClassModel, capacity: Int, deadline: Double = 5) -> [Diagnostic]? {
        Z3Session.withSolver(deadline: deadline) { z -> [Diagnostic]? in
            let rules = model.rules(z)
            let facts = model.assertions(z)
            var active = Array(model.facts.indices)
            var diagnostics: [Diagnostic] = []
            for _ in 0..<maxConflicts {
                let (outcome, core) = z.check(rules: rules, facts: active.map { facts[$0] })
                switch outcome {
                case .sat: return merged(diagnostics)
                case .unknown: return diagnostics.isEmpty ? nil : merged(diagnostics)
                case .unsat: break
                }
                var conflict = core.map { active[$0] }
                if conflict.count <= minimizeLimit {
                    conflict = minimize(conflict, rules: rules, facts: facts, z: z)
                }
                guard !conflict.isEmpty else { return diagnostics.isEmpty ? nil : merged(diagnostics) }
                let fixes = suggestFixes(conflict, active: active, model: model, rules: rules, facts: facts, z: z)
                diagnostics.append(describe(conflict, fixes: fixes, model: model, capacity: capacity))
                active.removeAll { conflict.contains($0) }
            }
            return merged(diagnostics)
        }
    }

    /// Deletion-based shrinking: drop each fact whose absence leaves the rest still in conflict.
    private static func minimize(_ conflict: [Int], rules: [Z3_ast], facts: [Z3_ast], z: Z3Session) -> [Int] {
        var kept = conflict
        for candidate in conflict {
            let without = kept.filter { $0 != candidate }
            if case .unsat = z.check(rules: rules, facts: without.map { facts[$0] }).0 { kept = without }
        }
        return kept
    }

    /// For the most promising facts of a conflict, the nearest value that makes the class feasible.
    private static func suggestFixes(_ conflict: [Int], active: [Int], model: ClassModel, rules: [Z3_ast],
                                     facts: [Z3_ast], z: Z3Session) -> [String] {
        let candidates = conflict.sorted { rank(model.facts[$0], model) < rank(model.facts[$1], model) }.prefix(4)
        var fixes: [String] = []
        for index in candidates {
            let fact = model.facts[index]
            let others = active.filter { $0 != index }.map { facts[$0] }
            guard let value = z.closest(z.int(fact.variable), to: fact.value, rules: rules + others),
                  value != fact.value else { continue }
            fixes.append(fixText(fact, to: value, className: model.className))
        }
        return fixes
    }

    /// Which facts people would rather change: capacity and limits first, then large guarantees.
    private static func rank(_ fact: ClassModel.Fact, _ model: ClassModel) -> Int {
        switch fact.kind {
        case .guarantee: return 1_000_000 - fact.value
        case .peak: return 0
        case .borrowingLimit: return 1
        case .maxShare: return 2
        case .maxNodes: return 3
        case .otherGuarantees: return 2_000_000
        }
    }

    private static func fixText(_ fact: ClassModel.Fact, to value: Int, className: String) -> String {
        let verb = value < fact.value ? "lower" : "raise"
        switch fact.kind {
        case let .guarantee(tenant): return "\(verb) \(tenant).guaranteed in '\(className)' to \(value)"
        case let .maxNodes(pool): return "\(verb) \(pool) maxNodes to \(value)"
        case .maxShare: return "\(verb) maxSharePercent of '\(className)' to \(value)"
        case let .borrowingLimit(tenant): return "\(verb) \(tenant).borrowingLimit in '\(className)' to \(value)"
        case let .peak(workload, _): return "\(verb) the peak of \(workload) to \(value) (maxReplicas x GPUs per worker)"
        case let .otherGuarantees(count): return "\(verb) the \(count) other tenants' guarantees in total to \(value)"
        }
    }

    private static func describe(_ conflict: [Int], fixes: [String], model: ClassModel, capacity: Int) -> Diagnostic {
        let facts = conflict.map { model.facts[$0] }
        let guarantees = facts.filter { if case .guarantee = $0.kind { return true }; return false }
        let peak = facts.first { if case .peak = $0.kind { return true }; return false }
        let hasShare = facts.contains { $0.kind == .maxShare }
        let code: String, message: String, location: SourceLocation
        if let peak, case let .peak(name, tenant) = peak.kind {
            let kind = model.workloads.first { $0.name == name && $0.tenant == tenant }?.kindName ?? "workload"
            code = "workload-never-admitted"
            message = model.tenants.contains(tenant)
                ? "\(kind) '\(name)' needs \(peak.value) '\(model.className)' GPUs at peak, more than tenant \(tenant) can ever hold, so Kueue would never admit it"
                : "\(kind) '\(name)' needs '\(model.className)' GPUs but tenant \(tenant) has no share of that class"
            location = peak.location
        } else if hasShare, guarantees.count == 1, let g = guarantees.first {
            let percent = model.facts.first { $0.kind == .maxShare }?.value ?? 100
            code = "guarantee-above-max-share"
            message = "\(g.text) in '\(model.className)', above the max share floor(\(percent)% x \(capacity)) = \(capacity.multiplied(by: percent, dividedBy: 100))"
            location = g.location
        } else {
            let total = model.facts.reduce(0) { sum, fact in
                switch fact.kind {
                case .guarantee, .otherGuarantees: return sum + fact.value
                default: return sum
                }
            }
            code = "guarantees-exceed-capacity"
            message = "guarantees in class '\(model.className)' add up to \(total) but its capacity is \(capacity)"
            location = model.classLocation
        }
        let ordered = facts.sorted { $0.value > $1.value }
        var notes = ordered.prefix(maxNotes).map { Diagnostic.Note($0.text, at: $0.location) }
        if ordered.count > maxNotes {
            notes.append(Diagnostic.Note("and \(ordered.count - maxNotes) more statements", at: nil))
        }
        let hint = fixes.isEmpty ? nil : fixes.joined(separator: ", or ")
        return .error(code, message, at: location, hint: hint, notes: notes)
    }
}
