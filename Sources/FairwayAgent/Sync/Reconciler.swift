import FairwayApply
import FairwayCore
import FairwayDiff
import FairwayModel
import FairwayPipeline
import FairwaySource
import Logging

/// One sync iteration at a time: fetch; when the commit changed, a drift check is due or the last
/// run did not finish, validate, check fairness, plan against the cluster and apply. Owns what the
/// agent remembers between iterations: the last fetched commit, the last good commit and its
/// evaluation (what the cluster is kept at while newer commits are invalid; kept without its desired
/// state, see `Good.compacted`), and the parse cache. An invalid commit is never planned, so it can
/// never prune anything.
public actor Reconciler {
    public struct Options: Sendable {
        /// How often the cluster is planned against even when the commit did not change; nil for the
        /// repository's `spec.reconcile.interval`, else three minutes.
        public var driftInterval: Duration?
        public var apply = ClusterApplier.Options()
        /// Local charts to install instead of fetching them.
        public var charts: String?
        /// Overrides cluster.yaml's `spec.reconcile.maxDeletions`.
        public var maxDeletions: Int?
        /// Tenant namespaces that may be deleted even though RayJobs or notebooks run in them.
        public var confirmedNamespaces: Set<String> = []

        public init() {}
    }

    /// A valid commit and its evaluation. The one kept between runs (`lastGood`) is `compacted`.
    struct Good: Sendable {
        var commit: String
        var evaluation: Evaluation
    }

    let source: any SyncSource
    let target: any SyncTarget
    let options: Options
    let logger: Logger
    /// Keeps parses between evaluations (files unchanged since the last commit are neither read nor
    /// parsed again), but not renderings or comparisons: live state is read afresh for every plan, so
    /// a `DiffMemo` would never see the same live body twice and would only pin the last live state
    /// (61,012 objects at 1,000 tenants), and a `RenderCache` would hold every rendered object between
    /// runs to save a render of about 0.1 s.
    private let pipeline = Pipeline(loader: PlatformLoader(parseCache: ParseCache()))
    /// Decides when drift checks are due and times the stages.
    private let clock: any AgentClock
    private var lastFetched: String?
    private var lastGood: Good?
    /// The commit last applied, possibly by an earlier process (read back from the status).
    private(set) var lastApplied: String?
    private var lastFullRun: Duration?
    private var lastResult: SyncRun.Result?
    private var runs = 0

    public init(source: any SyncSource, target: any SyncTarget, options: Options, lastApplied: String? = nil,
                clock: any AgentClock = SystemAgentClock(), logger: Logger) {
        self.source = source
        self.target = target
        self.options = options
        self.clock = clock
        self.lastApplied = lastApplied
        self.logger = logger
    }

    /// Takes the commit an earlier process applied (from the status), when this one knows none.
    public func adopt(lastApplied commit: String?) {
        if lastApplied == nil { lastApplied = commit }
    }

    /// The repository's reconcile interval from the last good commit's cluster.yaml, if it sets one.
    public var repositoryInterval: Duration? {
        lastGood?.evaluation.platform.cluster?.spec.reconcile?.interval.map { .nanoseconds($0.nanoseconds) }
    }

    /// Runs one iteration. Never throws: every failure is in the run's result and errors.
    public func reconcile(trigger: SyncRun.Trigger, stop: ApplyStop) async -> SyncRun {
        runs += 1
        let started = clock.now
        var run = SyncRun(id: "\(runs)-\(UInt32.random(in: 0...UInt32.max))", trigger: trigger, startedAt: .now())
        await iterate(&run, stop: stop)
        run.seconds = (clock.now - started).seconds
        if run.result != .noop { lastResult = run.result }
        return run
    }

    private func iterate(_ run: inout SyncRun, stop: ApplyStop) async {
        var log = logger
        log[metadataKey: "sync.run"] = "\(run.id)"
        let fetchStart = clock.now
        let fetched = await source.fetch()
        run.stages[.fetch] = (clock.now - fetchStart).seconds
        let outcome: GitFetchOutcome
        switch fetched {
        case let .success(value): outcome = value
        case let .failure(error):
            run.result = .failed
            run.reason = .fetchFailed
            run.errors = ["cannot fetch \(source.displayURL) \(source.ref): \(error.message) [\(error.code.rawValue)]"]
            log.error("sync fetch failed", metadata: ["error": "\(error.message)"])
            return
        }
        run.fetchedCommit = outcome.commit
        log[metadataKey: "sync.commit"] = "\(outcome.commit.prefix(12))"
        if let stale = outcome.staleBecause { run.fetchStale = stale.message }
        for note in outcome.diagnostics where note.code != "source-stale" {
            run.sourceNotes.append(note.message)
            log.warning("sync source note", metadata: ["sync.note": "\(note.code)", "error": "\(note.message)"])
        }
        let isNew = outcome.commit != lastFetched
        let driftInterval = options.driftInterval ?? repositoryInterval ?? .seconds(180)
        let driftDue = lastFullRun.map { clock.now - $0 >= driftInterval } ?? true
        let retry = [.failed, .stopped, .refused].contains(lastResult)
        lastFetched = outcome.commit
        guard isNew || driftDue || retry else { return }
        lastFullRun = clock.now

        var candidate = await evaluate(outcome.commit, into: &run)
        if candidate == nil {
            // The commit is invalid: keep the cluster at the last good commit, correcting drift when due.
            log.warning("sync commit invalid", metadata: ["sync.errors": "\(run.errors.count)"])
            guard driftDue || lastGood == nil else { return }
            candidate = await lastGoodEvaluation(into: &run)
        }
        guard let good = candidate else { return }
        run.reconciledCommit = good.commit
        run.driftCheck = good.commit == lastApplied
        run.fairness = good.evaluation.fairness.classes
        await planAndApply(good, &run, stop: stop, log: log)
    }

    /// Reads and evaluates `commit`; nil, with the errors in the run, when it is invalid.
    private func evaluate(_ commit: String, into run: inout SyncRun) async -> Good? {
        let start = clock.now
        defer { run.stages[.evaluate] = (clock.now - start).seconds }
        if let lastGood, lastGood.commit == commit { return await rendered(lastGood) }
        let snapshot: SourceSnapshot
        switch await source.snapshot(commit: commit, parseCache: pipeline.loader.parseCache) {
        case let .success(value): snapshot = value
        case let .failure(error):
            run.result = .invalid
            run.reason = .commitUnusable
            run.errors = ["commit \(commit.prefix(12)) cannot be used: \(error.message) [\(error.code.rawValue)]"]
            return nil
        }
        let pipeline = pipeline
        let evaluation = await Blocking.run { pipeline.evaluate(snapshot) }
        guard evaluation.isValid else {
            run.result = .invalid
            run.reason = .invalidRepository
            let errors = evaluation.diagnostics.filter { $0.severity == .error }
            run.errors = errors.prefix(50).map { $0.description }
            if errors.count > 50 { run.errors.append("... and \(errors.count - 50) more errors") }
            return nil
        }
        return Good(commit: commit, evaluation: evaluation)
    }

    /// The last good commit's evaluation: kept from an earlier run, or (after a restart) read again
    /// from the commit the status says was applied.
    private func lastGoodEvaluation(into run: inout SyncRun) async -> Good? {
        if let lastGood { return await rendered(lastGood) }
        guard let lastApplied else { return nil }
        var scratch = run
        let good = await evaluate(lastApplied, into: &scratch)
        lastGood = good?.compacted
        return good
    }

    /// `good` ready to plan, its desired state rendered again from its platform (off the actor).
    private func rendered(_ good: Good) async -> Good {
        let pipeline = pipeline
        return await Blocking.run { good.rendered(by: pipeline) }
    }

    private func planAndApply(_ good: Good, _ run: inout SyncRun, stop: ApplyStop, log: Logger) async {
        let invalid = run.result == .invalid
        func fail(_ result: SyncRun.Result, _ reason: SyncRun.Reason, _ errors: [String]) {
            if !invalid {
                run.result = result
                run.reason = reason
            }
            run.errors += errors
        }
        /// A refused run: its reason is the first refusal's code, its errors every refusal.
        func refuse(_ refusals: [Refusal]) {
            fail(.refused, refusals.first.map { SyncRun.Reason($0.code) } ?? .none, refusals.map { "apply refused: \($0.message)" })
        }
        var start = clock.now
        let live: LiveSnapshot
        do {
            live = try await target.read(for: good.evaluation)
        } catch {
            return fail(.failed, .readFailed, ["\(error)"])
        }
        run.stages[.read] = (clock.now - start).seconds
        start = clock.now
        let plan: Plan
        do {
            plan = try pipeline.plan(good.evaluation, live: live, maxDeletions: options.maxDeletions)
        } catch {
            return fail(.failed, .planFailed, ["\(error)"])
        }
        run.stages[.plan] = (clock.now - start).seconds
        run.planCounts = plan.counts
        run.nodeGroupChanges = plan.nodeGroups?.count ?? 0
        run.releaseChanges = plan.releases?.count ?? 0
        if run.driftCheck { run.drift = run.plannedChanges }
        let applier = target.applier(for: good.evaluation, options: options.apply, charts: options.charts, logger: log)
        switch await ApplyGate.decide(plan, confirmed: options.confirmedNamespaces, busy: { try await applier.busyNamespaces(in: plan) }) {
        case let .refused(refusals):
            return refuse(refusals)
        case .nothingToDo:
            if !invalid { run.result = .inSync }
            remember(good)
            return
        case let .needsConfirmation(busy):
            // No one is there to confirm: refused until the namespace is confirmed in the agent's options.
            return refuse(busy.map(\.refusal))
        case let .cannotCheck(message):
            return fail(.failed, .busyCheckFailed, [message])
        case .apply:
            break
        }
        log.info("sync apply", metadata: ["plan.changes": "\(run.plannedChanges)", "sync.drift": "\(run.drift)"])
        start = clock.now
        let report: ApplyReport
        do {
            report = try await applier.apply(plan, stop: stop)
        } catch {
            return refuse(error.reasons)
        }
        run.stages[.apply] = (clock.now - start).seconds
        run.report = report
        if report.succeeded {
            if !invalid { run.result = .applied }
            remember(good)
        } else if report.stopped && report.failedCount == 0 {
            fail(.stopped, .shutdown, ["the apply stopped for a shutdown after \(report.appliedCount) of \(report.results.count) steps"])
        } else {
            fail(.failed, .applyFailed, report.results.filter { $0.outcome == .failed }.map { "\($0.action) \($0.subject): \($0.error ?? "failed")" })
        }
    }

    private func remember(_ good: Good) {
        lastGood = good.compacted
        lastApplied = good.commit
    }
}
