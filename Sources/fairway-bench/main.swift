// fairway-bench: times the fairness stage on synthetic policies, for scripts/bench.
import FairwayPipeline
import Foundation
//
//   fairway-bench fairness TENANTS CLASSES [infeasible]
//
// Builds a platform in memory with CLASSES GPU classes (one node pool each) and TENANTS tenants in
// every class (seeded guarantees, weights, limits and demands), loads it, then runs the fairness
// stage (capacity, demand, checks, allocation; with `infeasible`, one class's guarantees exceed its
// capacity so Z3 explains the conflict). Prints one line: tenants, classes, load seconds, fairness
// seconds (best of 3), peak RSS in MB, and the number of diagnostics.
//
//   fairway-bench predict TENANTS CLASSES [RUNS]   the admission prediction's replay (see PredictBench.swift)
//   fairway-bench git URL CACHE_DIR      (see GitBench.swift)
//   fairway-bench stages DIR STATE      a plan against a local state, timed stage by stage (StagesBench.swift)
//   fairway-bench render DIR             render a repository warm: objects, best ms, peak MB
//   fairway-bench testcluster URL OBJECTS SECONDS CONNECTIONS      (see TestClusterBench.swift)
//   fairway-bench wide|list|deep N [TEMPLATE]   validate the template with one huge free-form field (WideBench.swift)
#if canImport(Glibc)
import Glibc
#endif
import FairwayCore
import FairwayFairness
import FairwayModel
import FairwayRender
import FairwaySource
import FairwayYAML

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func peakRSSMegabytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss / 1024
}

/// A small deterministic generator (SplitMix64), so every run measures the same policy.
struct SeededRandom {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

/// A synthetic platform: CLASSES GPU classes of one p4d pool each (3/8 of a node per tenant) and
/// TENANTS tenants in every class; `entry` writes one tenant's policy entry (after `team-N: `).
func syntheticSnapshot(tenants: Int, classes: Int, seed: UInt64, classSettings: String = "",
                       entry: (_ random: inout SeededRandom, _ classIndex: Int, _ tenant: Int, _ nodes: Int) -> String) -> SourceSnapshot {
    var random = SeededRandom(state: seed)
    var files: [SourceFile] = []
    // Each class's tenant entries, in the order the seeded generator writes them.
    var entries: [[String]] = []
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
        entries.append((0..<tenants).map { t in "        team-\(t): {\(entry(&random, c, t, nodes))}\n" })
    }
    files += policyFiles(entries, classSettings: classSettings)
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

/// The fairness policy of `entries` (per class, its tenants' lines): `policies/default.yaml`, or
/// above 1,000 tenants or 512 KiB (half the 1 MiB file limit) parts of at most 2,000 tenants of one
/// class each in `policies/fairness/`, as `scripts/gen-synthetic-repo.py` writes them.
func policyFiles(_ entries: [[String]], classSettings: String) -> [SourceFile] {
    let header = "apiVersion: fairway.dev/v1alpha1\nkind: GpuFairnessPolicy\nmetadata: {name: default}\nspec:\n"
    let defaults = "  defaults: {weight: 1}\n"
    func classText(_ c: Int, _ lines: ArraySlice<String>, settings: Bool) -> String {
        "    class-\(c):\n\(settings ? classSettings : "")      tenants:\n" + lines.joined()
    }
    let oneFile = header + defaults + "  classes:\n"
        + entries.indices.map { classText($0, entries[$0][...], settings: true) }.joined()
    let tenants = entries.map(\.count).max() ?? 0
    guard tenants > 1000 || oneFile.utf8.count > 512 * 1024 else {
        return [SourceFile(path: "policies/default.yaml", bytes: Array(oneFile.utf8))]
    }
    var files = [SourceFile(path: "policies/default.yaml", bytes: Array((header + defaults).utf8))]
    for (c, lines) in entries.enumerated() {
        for (n, start) in stride(from: 0, to: lines.count, by: 2000).enumerated() {
            let part = classText(c, lines[start..<min(start + 2000, lines.count)], settings: n == 0)
            files.append(SourceFile(path: "policies/fairness/class-\(c)-\(n + 1).yaml", bytes: Array((header + "  classes:\n" + part).utf8)))
        }
    }
    return files
}

func snapshot(tenants: Int, classes: Int, infeasible: Bool) -> SourceSnapshot {
    syntheticSnapshot(tenants: tenants, classes: classes, seed: 42, classSettings: "      maxSharePercent: 50\n") { random, c, t, nodes in
        var guaranteed = 1 + random.next(3)
        if infeasible && c == 0 && t == 0 { guaranteed = nodes * 8 }
        let weight = 1 + random.next(4)
        let demand = random.next(12)
        let borrow = random.next(2) == 0 ? ", borrowingLimit: \(random.next(8))" : ""
        let lend = random.next(3) == 0 ? ", lendingLimit: \(random.next(3))" : ""
        return "guaranteed: \(guaranteed), weight: \(weight), demand: \(demand)\(borrow)\(lend)"
    }
}

let arguments = CommandLine.arguments

/// Runs one benchmark and exits: 0 when it finished, 1 (naming the benchmark and the error) when it threw.
func runAndExit(_ name: String, _ body: () throws -> Void) -> Never {
    do {
        try body()
        exit(0)
    } catch {
        print("\(name) benchmark failed: \(error)")
        exit(1)
    }
}
if arguments.count >= 3, ["wide", "list", "deep"].contains(arguments[1]), let size = Int(arguments[2]) {
    do {
        try WideBench.run(template: arguments.count > 3 ? arguments[3] : "platform-repo-template", shape: arguments[1], size: size)
    } catch {
        FileHandle.standardError.write(Data("fairway-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if arguments.count >= 4, arguments[1] == "predict", let tenants = Int(arguments[2]), let classes = Int(arguments[3]) {
    PredictBench.run(tenants: tenants, classes: classes, runs: arguments.count > 4 ? Int(arguments[4]) ?? 3 : 3)
    exit(0)
}
if arguments.count == 4, arguments[1] == "git" {
    runAndExit("git") { try GitBench.run(url: arguments[2], cacheRoot: arguments[3]) }
}
if arguments.count == 4, arguments[1] == "stages" {
    runAndExit("stages") { try StagesBench.run(directory: arguments[2], state: arguments[3]) }
}
if arguments.count == 3, arguments[1] == "render" {
    // `fairway-bench render DIR`: loads the repository once, then renders it five times in the
    // same process (warm: a long-running agent renders each new commit like this). Prints objects,
    // best render milliseconds and peak RSS in MB.
    let evaluation: Evaluation
    do {
        evaluation = try Pipeline().evaluate(path: arguments[2], render: false)
    } catch {
        print("render benchmark failed: \(error)")
        exit(1)
    }
    guard evaluation.isValid else {
        print("render benchmark: the repository is invalid")
        exit(1)
    }
    var best = Double.infinity
    var objects = 0
    for _ in 0..<5 {
        let start = now()
        let desired = Renderer().render(evaluation.platform)
        best = min(best, now() - start)
        objects = desired.manifests.count + desired.helmReleases.count + desired.nodeGroups.count
    }
    print(String(format: "%d %.1f %d", objects, best * 1000, peakRSSMegabytes()))
    exit(0)
}
if arguments.count == 6, arguments[1] == "testcluster", let objects = Int(arguments[3]), let seconds = Double(arguments[4]),
   let connections = Int(arguments[5]) {
    runAndExit("test cluster") { try TestClusterBench.run(url: arguments[2], objects: objects, seconds: seconds, connections: connections) }
}
guard arguments.count >= 4, arguments[1] == "fairness", let tenants = Int(arguments[2]), let classes = Int(arguments[3]) else {
    print("usage: fairway-bench fairness TENANTS CLASSES [infeasible]")
    exit(2)
}
let infeasible = arguments.count > 4 && arguments[4] == "infeasible"
let source = snapshot(tenants: tenants, classes: classes, infeasible: infeasible)
let loadStart = now()
let loader = PlatformLoader(limits: YAMLLimits(maxBytes: 1 << 30, maxAliasExpansion: 10_000, maxDepth: 100))
let platform = loader.load(source).platform
let loadSeconds = now() - loadStart
var best = Double.infinity
var diagnostics = 0
for _ in 0..<3 {
    let start = now()
    let report = Fairness.evaluate(platform, prediction: .off)
    best = min(best, now() - start)
    diagnostics = report.diagnostics.count
    precondition(report.classes.count == classes, "every class is allocated")
}
print("\(tenants) \(classes) \(String(format: "%.3f", loadSeconds)) \(String(format: "%.3f", best)) \(peakRSSMegabytes()) \(diagnostics)")
