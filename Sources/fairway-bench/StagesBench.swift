import FairwayPipeline
import Foundation
import FairwayCore
import FairwayDiff
import FairwayFairness
import FairwayLive
import FairwayViews

/// `fairway-bench stages DIR STATE`: one plan of the repository at DIR against the local state at STATE,
/// timed stage by stage in process (read the files, load and validate, fairness, render, read the
/// state, diff, render the plan as text). Prints one line per stage: name, milliseconds, and the
/// resident set after it in MB; this is the profile behind scripts/bench's plan rows.
enum StagesBench {
    static func run(directory: String, state: String) throws {
        let pipeline = Pipeline()
        var rows: [(String, Double, Int)] = []
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = now()
            let value = try body()
            rows.append((name, now() - start, peakRSSMegabytes()))
            return value
        }
        let snapshot = try timed("read files") { try pipeline.readDirectory(directory) }
        let loaded = timed("load and validate") { pipeline.loader.load(snapshot) }
        let fairness = timed("fairness") { Fairness.evaluate(loaded.platform) }
        let desired = timed("render") { pipeline.render(loaded.platform) }
        let live = try timed("read state") { try pipeline.readLive(LocalStateStore(root: state), deferringParse: true) }
        let evaluation = Evaluation(snapshot: snapshot, platform: loaded.platform, fairness: fairness,
                                    diagnostics: loaded.diagnostics + fairness.diagnostics, desired: desired)
        let plan = try timed("diff") { try pipeline.plan(evaluation, live: live) }
        let text = timed("plan text") { PlanView.text(plan, gpu: fairness.classes, style: .plain) }
        for (name, seconds, peak) in rows {
            print(name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%8.1f ms %6d MB peak", seconds * 1000, peak))
        }
        print("objects \(desired.manifests.count), live \(live.objects.count), changes \(plan.changes.count), text \(text.utf8.count) bytes, peak \(peakRSSMegabytes()) MB")
    }
}
