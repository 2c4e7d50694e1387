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
        syntheticSnapshot(tenants: tenants, classes: classes, seed: 7) { random, _, _, _ in
            let guaranteed = 1 + random.next(3)
            let weight = 1 + random.next(4)
            let jobSize = 1 + random.next(4)
            let jobs = 1 + random.next(4)
            let borrow = random.next(2) == 0 ? ", borrowingLimit: \(random.next(8))" : ""
            let lend = random.next(3) == 0 ? ", lendingLimit: \(random.next(3))" : ""
            return "guaranteed: \(guaranteed), weight: \(weight), demand: \(jobSize * jobs), jobSize: \(jobSize)\(borrow)\(lend)"
        }
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
