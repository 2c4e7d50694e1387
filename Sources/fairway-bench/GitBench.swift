import FairwayModel
import FairwayPipeline
import FairwaySource
import Foundation

/// `fairway-bench git URL CACHE_DIR`: times Fairway's Git source on a repository prepared by
/// scripts/bench (branch `main`, and `next` = main plus a one-file commit). Prints one line:
/// clone ms, no-op fetch ms, read-all-blobs ms, blob count, cold plan ms, re-plan ms.
enum GitBench {
    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    static func run(url: String, cacheRoot: String) throws {
        let credentials = GitCredentials()
        var best = (clone: Double.infinity, noop: Double.infinity, read: Double.infinity)
        var blobs = 0
        var commit = ""
        for round in 0..<3 {
            let cache = GitCache(root: "\(cacheRoot)/round-\(round)")
            best.clone = min(best.clone, try milliseconds {
                commit = try cache.fetch(url: url, ref: "main", credentials: credentials).get().commit
            })
            best.noop = min(best.noop, try milliseconds {
                _ = try cache.fetch(url: url, ref: "main", credentials: credentials).get()
            })
            best.read = min(best.read, try milliseconds {
                blobs = try cache.snapshot(url: url, commit: commit, limits: SourceLimits()).get().files.count
            })
        }
        // A cold plan (nothing parsed yet), then a re-plan of `next` with the parse cache warm.
        let cache = GitCache(root: "\(cacheRoot)/round-0")
        try applyMain(cache, url: url)
        if let rounds = ProcessInfo.processInfo.environment["FAIRWAY_BENCH_PROFILE_REPLANS"].flatMap(Int.init) {
            // For profilers: many warm re-plans in one process.
            let pipeline = Pipeline.incremental()
            let parseCache = pipeline.loader.parseCache!
            try plan(cache, url: url, ref: "main", pipeline: pipeline, parseCache: parseCache)
            for round in 0..<rounds {
                try plan(cache, url: url, ref: round % 2 == 0 ? "next" : "main", pipeline: pipeline, parseCache: parseCache)
            }
            return
        }
        var coldBest = Double.infinity, warmBest = Double.infinity
        for _ in 0..<3 {
            let pipeline = Pipeline.incremental()
            let parseCache = pipeline.loader.parseCache!
            coldBest = min(coldBest, try milliseconds { try plan(cache, url: url, ref: "main", pipeline: pipeline, parseCache: nil) })
            warmBest = min(warmBest, try milliseconds { try plan(cache, url: url, ref: "next", pipeline: pipeline, parseCache: parseCache) })
            _ = try milliseconds { try plan(cache, url: url, ref: "main", pipeline: pipeline, parseCache: parseCache) }
        }
        print(String(format: "%.1f %.1f %.1f %d %.1f %.1f", best.clone, best.noop, best.read, blobs, coldBest, warmBest))
    }

    /// The live state both plans compare against: `main` as applied (unchanged objects are the
    /// common case of a re-plan).
    nonisolated(unsafe) static var live = LiveSnapshot(serial: 1, objects: [])

    /// Fetch, read, validate, check fairness, render and diff against the live state.
    static func plan(_ cache: GitCache, url: String, ref: String, pipeline: Pipeline, parseCache: ParseCache?) throws {
        let fetched = try cache.fetch(url: url, ref: ref, credentials: GitCredentials()).get()
        var skip: (@Sendable (String, String) -> Bool)?
        if let parseCache {
            skip = { blobID, path in parseCache.contains(blobID: blobID, path: path) }
        }
        let snapshot = try cache.snapshot(url: url, commit: fetched.commit, skipContent: skip).get()
        let evaluation = pipeline.evaluate(snapshot)
        guard evaluation.isValid else { throw PipelineError("benchmark repository is invalid: \(evaluation.diagnostics.prefix(3))") }
        _ = try pipeline.plan(evaluation, live: live)
    }

    /// Makes `live` the rendering of `main`, stamped, as an apply would have written it.
    static func applyMain(_ cache: GitCache, url: String) throws {
        let fetched = try cache.fetch(url: url, ref: "main", credentials: GitCredentials()).get()
        let evaluation = Pipeline().evaluate(try cache.snapshot(url: url, commit: fetched.commit).get())
        guard let desired = evaluation.desired else { throw PipelineError("benchmark repository is invalid") }
        live = LiveSnapshot(serial: 1, objects: desired.sortedStampedManifests)
    }
}
