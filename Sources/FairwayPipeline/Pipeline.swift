import Dispatch
import FairwayCore
import FairwayDiff
import FairwayFairness
import FairwayLive
import FairwayModel
import FairwayRender
import FairwaySource

/// FairwayPipeline joins the pipeline's stages: it reads a platform repository, validates it, checks
/// fairness, renders the desired state and plans against live state. The CLI runs one pass of it;
/// the sync agent runs it on a schedule. No stage calls another; only this module does.

/// Everything known about one revision before looking at live state.
public struct Evaluation: Sendable {
    public var snapshot: SourceSnapshot
    public var platform: Platform
    public var fairness: FairnessReport
    /// Every problem, sorted: source, model and fairness.
    public var diagnostics: [Diagnostic]
    /// The desired state; nil when the repository has errors (so nothing is ever planned from bad
    /// input) or rendering was not asked for.
    public var desired: DesiredState?

    public var isValid: Bool { !diagnostics.hasErrors }

    public init(snapshot: SourceSnapshot, platform: Platform, fairness: FairnessReport, diagnostics: [Diagnostic],
                desired: DesiredState?) {
        self.snapshot = snapshot
        self.platform = platform
        self.fairness = fairness
        self.diagnostics = diagnostics
        self.desired = desired
    }
}

/// A failure that stops the pipeline before any diagnostics could be produced.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// One pass of the pipeline.
public struct Pipeline: Sendable {
    public var sourceLimits: SourceLimits
    public var loader: PlatformLoader
    /// Rendered objects reused for unchanged documents across evaluations (long-running processes).
    public var renderCache: RenderCache?
    /// Comparisons reused for objects whose desired and live bodies did not change between plans.
    public var diffMemo: DiffMemo?

    public init(sourceLimits: SourceLimits = .default, loader: PlatformLoader = PlatformLoader(),
                renderCache: RenderCache? = nil, diffMemo: DiffMemo? = nil) {
        self.sourceLimits = sourceLimits
        self.loader = loader
        self.renderCache = renderCache
        self.diffMemo = diffMemo
    }

    /// A pipeline that keeps parses, renderings and comparisons between evaluations, for a process
    /// that evaluates several revisions (`fairway diff` renders the base and then the head) or plans
    /// again and again against a live state it keeps: unchanged files are neither parsed nor
    /// rendered again, and unchanged objects are not compared again. It holds every rendered object
    /// between evaluations; the sync agent, which reads live state afresh for each plan, keeps only
    /// a parse cache (see `Reconciler`).
    public static func incremental() -> Pipeline {
        Pipeline(loader: PlatformLoader(parseCache: ParseCache()), renderCache: RenderCache(), diffMemo: DiffMemo())
    }

    /// Reads, validates, checks fairness and (when all is well and `render` is true) renders the
    /// repository at `path`.
    public func evaluate(path: String, render: Bool = true) throws(PipelineError) -> Evaluation {
        evaluate(try readDirectory(path), render: render)
    }

    /// The platform files of a plain directory.
    public func readDirectory(_ path: String) throws(PipelineError) -> SourceSnapshot {
        do {
            return try DirectorySource(root: path, limits: sourceLimits).read()
        } catch {
            throw PipelineError(error.description)
        }
    }

    public func evaluate(_ snapshot: SourceSnapshot, render: Bool = true) -> Evaluation {
        let loaded = loader.load(snapshot)
        let fairness = loaded.isValid ? Fairness.evaluate(loaded.platform) : FairnessReport(classes: [], diagnostics: [])
        let diagnostics = (loaded.diagnostics + fairness.diagnostics).sorted()
        let desired = diagnostics.hasErrors || !render ? nil : self.render(loaded.platform)
        return Evaluation(snapshot: snapshot, platform: loaded.platform, fairness: fairness,
                          diagnostics: diagnostics, desired: desired)
    }

    /// The desired state of a valid platform, through the render cache when there is one.
    public func render(_ platform: Platform) -> DesiredState {
        Renderer(cache: renderCache).render(platform)
    }

    /// Reads every live object and the serial they were read at, and where the state records them
    /// (the local state) its Helm releases and node groups.
    public func readLive(_ live: some LiveStateReader) throws(PipelineError) -> LiveSnapshot {
        try readLive(live, deferringParse: false)
    }

    /// Reads the live state for a plan: with `deferringParse`, a state that stores its objects as text
    /// (the local state) hands them over unparsed, and `plan` parses only those that differ from the
    /// desired objects.
    public func readLive(_ live: some LiveStateReader, deferringParse: Bool) throws(PipelineError) -> LiveSnapshot {
        do {
            var snapshot: LiveSnapshot
            if deferringParse, let reader = live as? any StoredObjectsReader, let stored = try reader.storedObjects() {
                snapshot = LiveSnapshot(serial: try live.serial(), objects: [])
                snapshot.stored = stored
            } else {
                snapshot = LiveSnapshot(serial: try live.serial(), objects: try live.listObjects())
            }
            if let recorder = live as? any LiveTargetsReader {
                let recorded = RecordedTargets(json: try recorder.targets())
                snapshot.releases = recorded.releases
                snapshot.nodeGroups = recorded.nodeGroups
            }
            return snapshot
        } catch {
            throw PipelineError("cannot read live state: \(error)")
        }
    }

    /// Plans the valid evaluation against live state. `maxDeletions` overrides cluster.yaml's;
    /// `adopt` names existing objects made outside Fairway that the plan takes over.
    /// The snapshot is consumed: the local state's stored rows are released once they are resolved,
    /// before the comparison builds the plan (at 10,000 tenants they are half a gigabyte).
    public func plan(_ evaluation: Evaluation, live: consuming LiveSnapshot, maxDeletions: Int? = nil,
                     adopt: Set<String> = []) throws(PipelineError) -> Plan {
        guard let desired = evaluation.desired else {
            throw PipelineError("the repository has errors; nothing is planned from it")
        }
        let reconcile = evaluation.platform.cluster?.spec.reconcile
        let options = DiffOptions(prune: reconcile?.prune ?? true, maxDeletions: maxDeletions ?? reconcile?.maxDeletions,
                                  adopt: adopt)
        var liveObjects = live.objects
        if let stored = live.stored {
            live.stored = nil
            liveObjects = try Self.resolve(consume stored, desired: desired)
        }
        var plan = Differ.plan(desired: desired.manifests, tenants: desired.tenants, live: liveObjects,
                               liveSerial: live.serial, revision: desired.revision, options: options, memo: diffMemo)
        Differ.addTargets(to: &plan, desiredNodeGroups: desired.nodeGroups, liveNodeGroups: live.nodeGroups,
                          desiredReleases: desired.helmReleases, liveReleases: live.releases, options: options)
        // What will be written names the revision it came from.
        for index in plan.changes.indices {
            if let body = plan.changes[index].desired { plan.changes[index].desired = desired.stamped(body) }
        }
        return plan
    }

    public func plan(_ evaluation: Evaluation, live: some LiveStateReader, maxDeletions: Int? = nil, adopt: Set<String> = [])
        throws(PipelineError) -> Plan
    {
        try plan(evaluation, live: try readLive(live, deferringParse: true), maxDeletions: maxDeletions, adopt: adopt)
    }

    /// Evaluates the snapshot `source` gives (a directory, a Git commit) and reads live state at the
    /// same time (the two are independent), then plans. The plan is nil when the repository has
    /// errors; live state that cannot be read is an error only for a valid repository.
    public func evaluateAndPlan(source: () throws(PipelineError) -> SourceSnapshot, live: some LiveStateReader,
                                maxDeletions: Int? = nil, adopt: Set<String> = []) throws(PipelineError) -> (evaluation: Evaluation, plan: Plan?)
    {
        let reading = LiveRead()
        let read = DispatchSemaphore(value: 0)
        Blocking.detach {
            reading.result = Result { () throws(PipelineError) in try readLive(live, deferringParse: true) }
            read.signal()
        }
        let evaluated = Result { () throws(PipelineError) in evaluate(try source()) }
        read.wait()
        let evaluation = try evaluated.get()
        guard evaluation.isValid, let result = reading.take() else { return (evaluation, nil) }
        let snapshot = try result.get()
        _ = consume result
        return (evaluation, try plan(evaluation, live: snapshot, maxDeletions: maxDeletions, adopt: adopt))
    }
}

/// Live objects and the serial of the state they were read from, with the EKS node groups and
/// Helm releases where those targets were read (nil where not: the plan then leaves them out).
public struct LiveSnapshot: Sendable {
    public var serial: Int
    public var objects: [Manifest]
    /// DescribeNodegroup bodies by node group name.
    public var nodeGroups: [String: JSONValue]?
    public var releases: [LiveRelease]?
    /// The local state's objects as stored, not yet parsed (then `objects` is empty): `Pipeline.plan`
    /// parses only the rows that differ from the desired objects.
    public var stored: StoredObjects?

    public init(serial: Int, objects: [Manifest], nodeGroups: [String: JSONValue]? = nil, releases: [LiveRelease]? = nil) {
        self.serial = serial
        self.objects = objects
        self.nodeGroups = nodeGroups
        self.releases = releases
    }
}

/// The result of the background live read; written once before `DispatchGroup.wait` returns.
private final class LiveRead: @unchecked Sendable {
    var result: Result<LiveSnapshot, PipelineError>?

    /// The result, no longer held here.
    func take() -> Result<LiveSnapshot, PipelineError>? {
        defer { result = nil }
        return result
    }
}
