import FairwayAgent
import FairwayApply
import FairwayCore
import FairwayDiff
import FairwayPipeline
import FairwaySource
import Logging
import Testing

/// The reconciler's decision table, in memory: a `MemorySyncSource`, a `MemoryClusterTarget` and a
/// `ManualClock` (no processes, no sockets, no sleeping). Each row gives a history (earlier runs and
/// what changed since) and what the next run must decide.
@Suite struct ReconcilerTests {
    /// One reconciler and its in-memory world; `first` is the valid commit the ref starts at.
    final class World: Sendable {
        let source = MemorySyncSource()
        let cluster = MemoryClusterTarget()
        let clock = ManualClock()
        let first: String
        let reconciler: Reconciler

        init(maxDeletions: Int? = nil, firstWasApplied: Bool = false, head: [String: String] = Platform.files()) {
            first = source.push(Platform.files())
            if head != Platform.files() { source.push(head) }
            var options = Reconciler.Options()
            options.driftInterval = .seconds(60)
            options.maxDeletions = maxDeletions
            options.apply.pollInterval = .zero
            reconciler = Reconciler(source: source, target: cluster, options: options,
                                    lastApplied: firstWasApplied ? first : nil, clock: clock,
                                    logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        }

        @discardableResult
        func run(_ trigger: SyncRun.Trigger = .interval, stopped: Bool = false) async -> SyncRun {
            let stop = ApplyStop()
            if stopped { stop.request() }
            return await reconciler.reconcile(trigger: trigger, stop: stop)
        }

        var head: String { source.headCommit ?? "" }
    }

    /// A small valid platform: one L4 class shared by two tenants.
    enum Platform {
        static func files(tenants: [String] = ["research", "vision"], quotaCPU: String = "64") -> [String: String] {
            var files = [
                "cluster.yaml": """
                    apiVersion: fairway.dev/v1alpha1
                    kind: Cluster
                    metadata: {name: cluster}
                    spec:
                      aws: {accountId: "111122223333", region: us-west-2}
                      eks:
                        clusterName: ml
                        kubernetesVersion: "1.33"
                        nodeRoleArn: arn:aws:iam::111122223333:role/ml-node
                        subnetIds: [subnet-0a1b2c3d, subnet-0b1c2d3e]
                        karpenter: {nodeRole: ml-karpenter, discoveryTag: ml}
                      scheduling:
                        priorityClasses:
                          - {name: batch, value: 1000, default: true}
                      reconcile: {interval: 5m, prune: true}

                    """,
                "nodepools/gpu-l4.yaml": """
                    apiVersion: fairway.dev/v1alpha1
                    kind: NodePool
                    metadata: {name: gpu-l4}
                    spec:
                      provisioner: karpenter
                      gpu: {class: l4, model: l4}
                      instances: {families: [g6], sizes: [xlarge], capacityTypes: [on-demand]}
                      capacity: {maxNodes: 4}

                    """,
                "jupyterhub/images.yaml": """
                    apiVersion: fairway.dev/v1alpha1
                    kind: NotebookCatalog
                    metadata: {name: images}
                    spec:
                      images:
                        - {name: scipy, ref: quay.io/jupyter/scipy-notebook:2025-06-16}
                      profiles:
                        - name: cpu
                          images: [scipy]
                          default: true
                          resources: {cpu: {guarantee: "1", limit: "2"}, memory: {guarantee: 2Gi, limit: 4Gi}}

                    """,
            ]
            var shares = ""
            for tenant in tenants {
                shares += "        \(tenant): {guaranteed: 2, borrowingLimit: 2}\n"
                files["tenants/\(tenant).yaml"] = """
                    apiVersion: fairway.dev/v1alpha1
                    kind: Tenant
                    metadata: {name: \(tenant)}
                    spec:
                      displayName: \(tenant)
                      owners: [owner@example.com]
                      members: {groups: [\(tenant)-devs]}
                      namespaces:
                        - {name: \(tenant), purpose: work}
                      quota: {requests.cpu: "\(quotaCPU)", requests.memory: 256Gi, pods: "200"}
                      defaults: {priorityClass: batch}
                      allowedPriorityClasses: [batch]
                      gpuClasses: [l4]
                      notebooks: {profiles: [cpu], maxServersPerUser: 1}

                    """
            }
            files["policies/default.yaml"] = """
                apiVersion: fairway.dev/v1alpha1
                kind: GpuFairnessPolicy
                metadata: {name: default}
                spec:
                  classes:
                    l4:
                      tenants:
                \(shares)
                """
            return files
        }

        /// A commit whose tenant file does not parse (an unclosed flow mapping at line 3).
        static var broken: [String: String] {
            var files = files()
            files["tenants/vision.yaml"] = "apiVersion: fairway.dev/v1alpha1\nkind: Tenant\nmetadata: {name: vision\n"
            return files
        }

    }

    static let quota = ObjectKey(apiVersion: "v1", kind: "ResourceQuota", namespace: "research", name: "tenant-quota")

    /// One row: what happened before (`given`), and what the next run decides.
    struct Row: Sendable, CustomTestStringConvertible {
        enum Commit: Sendable { case first, head, none }

        var name: String
        var world: @Sendable () -> World = { World() }
        var given: @Sendable (World) async -> Void
        var trigger: SyncRun.Trigger = .interval
        var result: SyncRun.Result
        var reason: SyncRun.Reason = .none
        var reconciled: Commit
        var then: @Sendable (World, SyncRun) -> Void = { _, _ in }

        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "the first run applies the commit", given: { _ in }, trigger: .start, result: .applied, reconciled: .head,
            then: { world, run in
                #expect(world.cluster.objects[ReconcilerTests.quota] != nil)
                #expect(run.appliedCommit == world.first)
                #expect(run.drift == 0 && !run.driftCheck)
            }),
        Row(name: "the same commit before the drift interval: nothing is read", given: { world in
            await world.run()
            world.clock.advance(by: .seconds(59))
        }, result: .noop, reconciled: .none, then: { world, _ in #expect(world.cluster.reads == 1) }),
        Row(name: "the same commit when drift is due and nothing drifted: in sync", given: { world in
            await world.run()
            world.clock.advance(by: .seconds(60))
        }, result: .inSync, reconciled: .head, then: { world, run in
            #expect(run.driftCheck && run.drift == 0)
            #expect(world.cluster.reads == 2)
        }),
        Row(name: "drift is not looked at before it is due", given: { world in
            await world.run()
            world.cluster.remove(ReconcilerTests.quota)
            world.clock.advance(by: .seconds(30))
        }, result: .noop, reconciled: .none, then: { world, _ in #expect(world.cluster.objects[ReconcilerTests.quota] == nil) }),
        Row(name: "drift is corrected when due", given: { world in
            await world.run()
            world.cluster.remove(ReconcilerTests.quota)
            world.clock.advance(by: .seconds(61))
        }, result: .applied, reconciled: .head, then: { world, run in
            #expect(run.driftCheck && run.drift == 1, "\(run.drift)")
            #expect(world.cluster.objects[ReconcilerTests.quota] != nil)
        }),
        Row(name: "a new commit is applied at once, before drift is due", given: { world in
            await world.run()
            world.source.push(Platform.files(quotaCPU: "96"))
            world.clock.advance(by: .seconds(1))
        }, trigger: .webhook, result: .applied, reconciled: .head, then: { world, run in
            #expect(!run.driftCheck)
            #expect(world.cluster.objects[ReconcilerTests.quota]?["spec"]?["hard"]?["requests.cpu"]?.stringValue == "96")
        }),
        Row(name: "an invalid commit changes nothing and names the file and line", given: { world in
            await world.run()
            world.source.push(Platform.broken)
            world.clock.advance(by: .seconds(1))
        }, result: .invalid, reason: .invalidRepository, reconciled: .none, then: { world, run in
            #expect(run.errors.contains { $0.hasPrefix("tenants/vision.yaml:3:") }, "\(run.errors)")
            #expect(run.appliedCommit == nil)
            #expect(world.cluster.reads == 1)
        }),
        Row(name: "an invalid commit with drift due: the last good commit is kept applied", given: { world in
            await world.run()
            world.source.push(Platform.broken)
            world.cluster.remove(ReconcilerTests.quota)
            world.clock.advance(by: .seconds(60))
        }, result: .invalid, reason: .invalidRepository, reconciled: .first, then: { world, run in
            #expect(run.report?.succeeded == true)
            #expect(run.appliedCommit == world.first)
            #expect(world.cluster.objects[ReconcilerTests.quota] != nil)
        }),
        Row(name: "a failed fetch fails the run and touches nothing", given: { world in
            world.source.failFetches(GitError(.unreachable, "cannot reach git.example"))
        }, result: .failed, reason: .fetchFailed, reconciled: .none, then: { world, run in
            #expect(run.errors.first?.hasPrefix("cannot fetch https://git.example/platform.git main: cannot reach git.example") == true,
                    "\(run.errors)")
            #expect(world.cluster.reads == 0 && world.cluster.writes == 0)
        }),
        Row(name: "a stale fetch still reconciles the cached commit and says so", given: { world in
            await world.run()
            world.source.failFetches(GitError(.unreachable, "cannot reach git.example"), stale: true)
            world.clock.advance(by: .seconds(60))
        }, result: .inSync, reconciled: .head, then: { _, run in
            #expect(run.fetchStale?.contains("cannot reach git.example") == true)
        }),
        Row(name: "after a failed read the same commit is retried at once", given: { world in
            world.cluster.failNextRead("connection refused")
            let failed = await world.run()
            #expect(failed.result == .failed && failed.reason == .readFailed)
            #expect(failed.errors == ["cannot read the cluster: connection refused"], "\(failed.errors)")
            world.clock.advance(by: .seconds(1))
        }, result: .applied, reconciled: .head),
        Row(name: "a failed write fails the run naming the object, and the next run retries", given: { world in
            world.cluster.failWrites(of: ReconcilerTests.quota, "admission webhook denied the request")
            let failed = await world.run()
            #expect(failed.result == .failed && failed.reason == .applyFailed)
            #expect(failed.errors.contains { $0.contains("ResourceQuota") && $0.contains("admission webhook denied") }, "\(failed.errors)")
            world.cluster.clearFailures()
            world.clock.advance(by: .seconds(1))
        }, result: .applied, reconciled: .head, then: { world, _ in #expect(world.cluster.objects[ReconcilerTests.quota] != nil) }),
        Row(name: "a plan over the deletion guard is refused, and refused again on retry", world: { World(maxDeletions: 3) }, given: { world in
            await world.run()
            world.source.push(Platform.files(tenants: ["research"]))
            let refused = await world.run()
            #expect(refused.result == .refused)
            world.clock.advance(by: .seconds(1))
        }, result: .refused, reason: .tooManyDeletions, reconciled: .head, then: { world, run in
            #expect(run.errors.first?.hasPrefix("apply refused:") == true, "\(run.errors)")
            #expect(world.cluster.objects.keys.contains { $0.namespace == "vision" })
        }),
        Row(name: "a tenant namespace with a running RayJob is not deleted", given: { world in
            await world.run()
            world.cluster.put(Manifest(body: ["apiVersion": "ray.io/v1", "kind": "RayJob",
                                              "metadata": ["name": "train", "namespace": "vision"],
                                              "status": ["jobDeploymentStatus": "Running"]])!)
            world.source.push(Platform.files(tenants: ["research"]))
        }, result: .refused, reason: .busyNamespace, reconciled: .head, then: { world, run in
            #expect(run.errors.contains { $0.contains("confirm with --confirm-delete-namespace vision") }, "\(run.errors)")
            #expect(world.cluster.objects.keys.contains { $0.kind == "Namespace" && $0.name == "vision" })
        }),
        Row(name: "a shutdown before the first stage stops the apply, and the next run applies", given: { world in
            let stopped = await world.run(stopped: true)
            #expect(stopped.result == .stopped && stopped.reason == .shutdown && world.cluster.writes == 0)
        }, result: .applied, reconciled: .head),
        Row(name: "after a restart an invalid head keeps the commit the status says was applied",
            world: { World(firstWasApplied: true, head: Platform.broken) }, given: { _ in }, trigger: .start, result: .invalid, reason: .invalidRepository, reconciled: .first, then: { world, run in
                #expect(run.driftCheck)
                #expect(run.appliedCommit == world.first)
                #expect(world.cluster.objects[ReconcilerTests.quota] != nil)
            }),
        Row(name: "a force-push of the followed ref is reported and the new commit applied", given: { world in
            await world.run()
            let unrelated = world.source.push(Platform.files(quotaCPU: "32"), parent: "")
            world.source.reset(to: unrelated)
        }, result: .applied, reconciled: .head, then: { _, run in
            #expect(run.sourceNotes.count == 1 && run.sourceNotes[0].contains("was force-pushed"), "\(run.sourceNotes)")
        }),
    ]

    @Test(arguments: rows) func decides(_ row: Row) async throws {
        let world = row.world()
        await row.given(world)
        let run = await world.run(row.trigger)
        #expect(run.result == row.result, "\(run.result): \(run.errors)")
        #expect(run.reason == row.reason)
        #expect(SyncRun.Reason.possible(for: run.result).contains(run.reason))
        switch row.reconciled {
        case .first: #expect(run.reconciledCommit == world.first)
        case .head: #expect(run.reconciledCommit == world.head)
        case .none: #expect(run.reconciledCommit == nil)
        }
        row.then(world, run)
    }

    /// Every refusal code is a reason of refused runs, and every reason belongs to one result: the
    /// metric's label pairs are the reasons' table, exported from the start.
    @Test func everyReasonBelongsToOneResult() {
        #expect(SyncRun.Reason.possible(for: .refused).map(\.rawValue) == Refusal.Code.allCases.map(\.rawValue))
        var seen: [SyncRun.Reason: SyncRun.Result] = [:]
        for result in SyncRun.Result.allCases {
            for reason in SyncRun.Reason.possible(for: result) where reason != .none {
                #expect(seen.updateValue(result, forKey: reason) == nil, "\(reason)")
            }
        }
        #expect(Set(seen.keys).union([.none]) == Set(SyncRun.Reason.allCases))
        #expect(Set(SyncRun.Reason.allCases).count == SyncRun.Reason.allCases.count)
        #expect(SyncRun.Reason(rawValue: "too-many-deletions") == .tooManyDeletions && SyncRun.Reason(rawValue: "bogus") == nil)
    }
}
