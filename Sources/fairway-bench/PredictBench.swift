// fairway-bench predict TENANTS CLASSES [RUNS]: times the admission prediction (Kueue's scheduler replayed
// in 16 arrival orders per GPU class) inside `Fairness.evaluate`.
//
// Builds a platform in memory like the `fairness` mode (CLASSES GPU classes of one node pool each,
// TENANTS tenants in every class with seeded guarantees, weights and limits) where every tenant
// entry has a `demand` and a `jobSize` so each tenant has 1-4 jobs of 1-4 units per class, loads
// it, and times `Fairness.evaluate` with no class-size cap. Prints one line: tenants, classes, workloads (over
// all classes), best seconds of RUNS (default 3), peak RSS in MB.
import Foundation
import FairwayCore
import FairwayFairness
import FairwayModel
import FairwaySource
import FairwayYAML

enum PredictBench {
    static func snapshot(tenants: Int, classes: Int) -> SourceSnapshot {
        var random = SeededRandom(state: 7)
        var files: [SourceFile] = []
        var policy = "apiVersion: fairway.dev/v1alpha1\nkind: GpuFairnessPolicy\nmetadata: {name: default}\nspec:\n  defaults: {weight: 1}\n  classes:\n"
        for c in 0..<classes {
            let nodes = (tenants * 3 + 7) / 8
            files.append(SourceFile(path: "nodepools/pool-\(c).yaml", bytes: Array("""
                apiVersion: fairway.dev/v1alpha1
                kind: NodePool
                metadata: {name: pool-\(c)}
                spec:
                  provisioner: karpenter
                  gpu: {class: class-\(c), model: a100}
                  instances: {types: [p4d.24xlarge]}
                  capacity: {maxNodes: \(nodes)}

                """.utf8)))
            policy += "    class-\(c):\n      tenants:\n"
            for t in 0..<tenants {
                let guaranteed = 1 + random.next(3)
                let weight = 1 + random.next(4)
                let jobSize = 1 + random.next(4)
                let jobs = 1 + random.next(4)
                let borrow = random.next(2) == 0 ? ", borrowingLimit: \(random.next(8))" : ""
                let lend = random.next(3) == 0 ? ", lendingLimit: \(random.next(3))" : ""
                policy += "        team-\(t): {guaranteed: \(guaranteed), weight: \(weight), demand: \(jobSize * jobs), jobSize: \(jobSize)\(borrow)\(lend)}\n"
            }
        }
        files.append(SourceFile(path: "policies/default.yaml", bytes: Array(policy.utf8)))
        let classList = (0..<classes).map { "class-\($0)" }.joined(separator: ", ")
        for t in 0..<tenants {
            files.append(SourceFile(path: "tenants/team-\(t).yaml", bytes: Array("""
                apiVersion: fairway.dev/v1alpha1
                kind: Tenant
                metadata: {name: team-\(t)}
                spec:
                  namespaces: [{name: team-\(t)}]
                  gpuClasses: [\(classList)]

                """.utf8)))
        }
        return SourceSnapshot(origin: "synthetic", revision: "bench", files: files, diagnostics: [])
    }

    static func run(tenants: Int, classes: Int, runs: Int = 3) {
        let loader = PlatformLoader(limits: YAMLLimits(maxBytes: 1 << 30, maxAliasExpansion: 10_000, maxDepth: 100))
        let platform = loader.load(snapshot(tenants: tenants, classes: classes)).platform
        var best = Double.infinity
        var workloads = 0
        for _ in 0..<max(1, runs) {
            let start = now()
            let report = Fairness.evaluate(platform, prediction: PredictionOptions(maxClassSize: .max))
            best = min(best, now() - start)
            precondition(report.classes.count == classes, "every class is allocated")
            precondition(report.classes.allSatisfy { !$0.orders.isEmpty }, "every class is predicted")
            workloads = report.classes.reduce(0) { $0 + $1.workloads.count }
        }
        print("\(tenants) \(classes) \(workloads) \(String(format: "%.3f", best)) \(peakRSSMegabytes())")
    }
}
