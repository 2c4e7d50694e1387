import FairwayCore
@testable import FairwayApply
@testable import FairwayDiff
@testable import FairwayKubernetes
@testable import FairwayLive
import Logging
import Testing

/// The cluster applier against a recording fake: stage order, waits, failures that stop the apply,
/// conflicts, node group replacement, busy namespaces and refusals.
@Suite struct ClusterApplierTests {
    static func object(_ apiVersion: String, _ kind: String, _ name: String, namespace: String? = nil,
                       labels: JSONValue = ["app.kubernetes.io/managed-by": "fairway"]) -> Manifest {
        var metadata: JSONObject = [("name", .string(name)), ("labels", labels)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        return Manifest(body: .object([("apiVersion", .string(apiVersion)), ("kind", .string(kind)), ("metadata", .object(metadata))]))!
    }

    static func change(_ manifest: Manifest, _ action: Change.Action = .create) -> Change {
        Change(action: action, key: manifest.key, tenant: nil, desired: action == .delete ? nil : manifest.body)
    }

    static func plan(_ changes: [Change], releases: [ReleasePlan]? = nil, nodeGroups: [NodeGroupPlan]? = nil) -> Plan {
        var plan = Plan(revision: "r1", liveSerial: 0, changes: changes, unchanged: 0, orphaned: [], blockers: [])
        plan.releases = releases
        plan.nodeGroups = nodeGroups
        return plan
    }

    static func release(_ name: String, namespace: String, dependsOn: [String] = [], action: ReleasePlan.Action = .install) -> ReleasePlan {
        let desired = HelmRelease(name: name, namespace: namespace, chart: name, repository: "https://charts.example", version: "1.0.0",
                                  values: [:], sourcePath: "cluster.yaml", dependsOn: dependsOn)
        return ReleasePlan(name: name, namespace: namespace, action: action, chart: name, versionBefore: nil, versionAfter: "1.0.0",
                           fields: [], note: nil, desired: action == .uninstall ? nil : desired)
    }

    static func applier(_ fake: FakeCluster, configure: (inout ClusterApplier.Options) -> Void = { _ in }) -> ClusterApplier {
        var options = ClusterApplier.Options()
        options.pollInterval = .milliseconds(1)
        options.maxPollInterval = .milliseconds(2)
        options.nodeGroupPollInterval = .milliseconds(1)
        options.timeout = .seconds(120)   // generous: the suite may run on a loaded machine
        configure(&options)
        return ClusterApplier(objects: fake, nodeGroups: fake, releases: fake, options: options,
                              logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static let crd = object("apiextensions.k8s.io/v1", "CustomResourceDefinition", "rayclusters.ray.io")
    static let namespace = object("v1", "Namespace", "research")
    static let queue = object("kueue.x-k8s.io/v1beta1", "ClusterQueue", "research")
    static let localQueue = object("kueue.x-k8s.io/v1beta1", "LocalQueue", "default", namespace: "research")
    static let raycluster = object("ray.io/v1", "RayCluster", "dev", namespace: "research")
    static let quota = object("v1", "ResourceQuota", "tenant-quota", namespace: "research")

    @Test func aStopRequestFinishesTheStageInProgressAndStartsNoOther() async throws {
        let fake = FakeCluster()
        let stop = ApplyStop()
        let plan = Self.plan([Self.change(Self.namespace), Self.change(Self.object("v1", "Namespace", "students")),
                              Self.change(Self.queue), Self.change(Self.quota)])
        // The shutdown arrives while the first stage (namespaces) is in progress.
        let report = try await Self.applier(fake) { $0.concurrency = 1 }.apply(plan, progress: { _ in stop.request() }, stop: stop)
        #expect(report.stopped && !report.succeeded)
        #expect(report.results.map(\.outcome) == [.applied, .applied, .skipped, .skipped])
        #expect(fake.calls == ["apply Namespace/research", "apply Namespace/students"])
    }

    @Test func stagesRunInOrderDataDecides() {
        let plan = Self.plan([Self.change(Self.raycluster), Self.change(Self.quota), Self.change(Self.queue), Self.change(Self.namespace),
                              Self.change(Self.crd), Self.change(Self.object("v1", "ConfigMap", "old", namespace: "research"), .delete)],
                             releases: [Self.release("kueue", namespace: "kueue-system", dependsOn: ["kuberay-operator"]),
                                        Self.release("kuberay-operator", namespace: "kuberay-system"),
                                        Self.release("old-addon", namespace: "x", action: .uninstall)],
                             nodeGroups: [NodeGroupPlan(name: "gpu", action: .create, fields: [], create: ["nodegroupName": "gpu"]),
                                          NodeGroupPlan(name: "gone", action: .delete, fields: [])])
        let stages = ApplySchedule.stages(for: plan)
        #expect(stages.map(\.name) == ["definitions", "node groups", "releases", "releases wave 1", "cluster policy",
                                       "namespaced", "workloads", "prune", "prune", "prune"])
        #expect(stages.map { $0.steps.map(\.label) }.joined().map { $0 } == [
            "create CustomResourceDefinition/rayclusters.ray.io", "create Namespace/research", "create node group gpu",
            "install release kuberay-system/kuberay-operator", "install release kueue-system/kueue",
            "create ClusterQueue/research", "create ResourceQuota/research/tenant-quota", "create RayCluster/research/dev",
            "delete ConfigMap/research/old", "uninstall release x/old-addon", "delete node group gone",
        ])
    }

    /// Removed add-ons are uninstalled dependents first (Kueue, whose Ray integrations need the
    /// operator's CRDs, before the KubeRay operator), though an uninstall has no desired release
    /// naming its dependencies: what depends on what is the charts' knowledge.
    @Test func removedReleasesAreUninstalledDependentsFirst() throws {
        let plan = Self.plan([], releases: [Self.release("kuberay-operator", namespace: "kuberay-system", action: .uninstall),
                                            Self.release("kueue", namespace: "kueue-system", action: .uninstall),
                                            Self.release("jupyterhub", namespace: "jupyterhub", action: .uninstall)])
        let stages = ApplySchedule.stages(for: plan)
        func stage(of label: String) -> Int? { stages.firstIndex { $0.steps.contains { $0.label == label } } }
        let kueue = try #require(stage(of: "uninstall release kueue-system/kueue"))
        let kuberay = try #require(stage(of: "uninstall release kuberay-system/kuberay-operator"))
        #expect(kueue < kuberay, "\(stages.map { $0.steps.map(\.label) })")
    }

    /// Release waves are keyed by namespace and name: two releases of one name in two namespaces
    /// keep their own dependencies.
    @Test func releaseWavesAreKeyedByNamespaceAndName() {
        let plan = Self.plan([], releases: [Self.release("base", namespace: "a"),
                                            Self.release("tools", namespace: "a", dependsOn: ["base"]),
                                            Self.release("tools", namespace: "b")])
        let stages = ApplySchedule.stages(for: plan)
        #expect(stages.map { $0.steps.map(\.label) } == [
            ["install release a/base", "install release b/tools"], ["install release a/tools"],
        ], "\(stages.map { $0.steps.map(\.label) })")
    }

    @Test func appliesEverythingAndWaitsForReadiness() async throws {
        let fake = FakeCluster()
        fake.state.withLock { $0.pollsUntilReady = 3 }
        let plan = Self.plan([Self.change(Self.crd), Self.change(Self.namespace), Self.change(Self.raycluster), Self.change(Self.quota)])
        let progress = Locked([Int]())
        let report = try await Self.applier(fake).apply(plan) { step in progress.withLock { $0.append(step.done) } }
        #expect(report.succeeded && report.appliedCount == 4)
        #expect(progress.withLock { $0 } == [1, 2, 3, 4])
        let health = Dictionary(uniqueKeysWithValues: report.results.compactMap { r in r.key.map { ($0.kind, r.health) } })
        #expect(health["CustomResourceDefinition"] == "established")
        #expect(health["RayCluster"] == "ready")
        #expect(health["ResourceQuota"] == .some(nil))
        #expect(fake.state.withLock { $0.polls[Self.raycluster.key] } == 3)
    }

    @Test func aFailureStopsTheApplyAndSaysWhatWasNotDone() async throws {
        let fake = FakeCluster()
        fake.state.withLock { $0.failing["apply \(Self.queue.key)"] = PlantedFailure(description: "the server said no") }
        let plan = Self.plan([Self.change(Self.namespace), Self.change(Self.queue), Self.change(Self.localQueue), Self.change(Self.raycluster)])
        let report = try await Self.applier(fake).apply(plan)
        #expect(!report.succeeded)
        #expect(report.results.map(\.outcome) == [.applied, .failed, .skipped, .skipped])
        #expect(report.failed?.error == "the server said no")
        #expect(!fake.calls.contains { $0.contains("LocalQueue") || $0.contains("RayCluster") })
    }

    @Test func conflictsAreReportedAndForcedOnlyWhenAsked() async throws {
        let conflict = KubernetesError(.status, "Apply failed with 1 conflict", server: "fake", status: 409, reason: "Conflict",
                                       causes: [.init(reason: "FieldManagerConflict", message: #"conflict with "kubectl-edit""#,
                                                      field: ".spec.hard.requests.cpu")])
        let fake = FakeCluster()
        fake.state.withLock { $0.failing["apply \(Self.quota.key)"] = conflict }
        let plan = Self.plan([Self.change(Self.quota, .update)])
        let report = try await Self.applier(fake).apply(plan)
        #expect(report.failed?.conflicts == [.init(manager: "kubectl-edit", field: ".spec.hard.requests.cpu")])
        #expect(report.failed?.error?.contains("--force-conflicts") == true)
        let forced = try await Self.applier(fake) { $0.forceConflicts = true }.apply(plan)
        #expect(forced.succeeded)
        #expect(fake.calls.last == "apply \(Self.quota.key) force")
    }

    @Test func objectsOfAKindAChartBringsWaitForTheRelease() async throws {
        let fake = FakeCluster()
        fake.state.withLock {
            $0.servedKinds = ["Namespace", "ResourceQuota"]
            $0.kindsOfRelease = ["kuberay-operator": ["RayCluster"]]
        }
        let plan = Self.plan([Self.change(Self.raycluster), Self.change(Self.namespace)],
                             releases: [Self.release("kuberay-operator", namespace: "kuberay-system")])
        let report = try await Self.applier(fake).apply(plan)
        #expect(report.succeeded, "\(report.results)")
        #expect(fake.calls == ["apply Namespace/research", "install kuberay-system/kuberay-operator", "apply RayCluster/research/dev"])
    }

    @Test func aKindNeverServedFailsAfterTheTimeout() async throws {
        let fake = FakeCluster()
        fake.state.withLock { $0.servedKinds = [] }
        let report = try await Self.applier(fake) { $0.timeout = .milliseconds(50) }.apply(Self.plan([Self.change(Self.raycluster)]))
        #expect(report.failed?.error?.contains("does not serve RayCluster") == true, "\(report.failed?.error ?? "")")
    }

    @Test func aNodeGroupIsReplacedNewFirstThenOld() async throws {
        let fake = FakeCluster()
        fake.state.withLock { $0.groups["gpu"] = ["nodegroupName": "gpu", "status": "ACTIVE"] }
        var replace = NodeGroupPlan(name: "gpu", action: .replace, fields: [], create: ["nodegroupName": "gpu-1a2b3c4d"])
        replace.liveName = "gpu"
        var update = NodeGroupPlan(name: "cpu", action: .update, fields: [], update: ["nodegroupName": "cpu-9f9f9f9f"])
        update.liveName = "cpu-9f9f9f9f"
        fake.state.withLock { $0.groups["cpu-9f9f9f9f"] = ["status": "ACTIVE"] }
        let report = try await Self.applier(fake) { $0.concurrency = 1 }.apply(Self.plan([], nodeGroups: [replace, update]))
        #expect(report.succeeded, "\(report.results)")
        #expect(fake.calls == ["update node group cpu-9f9f9f9f as cpu-9f9f9f9f", "describe update update-1",
                               "create node group gpu-1a2b3c4d", "delete node group gpu"])
        #expect(fake.state.withLock { Set($0.groups.keys) } == ["gpu-1a2b3c4d", "cpu-9f9f9f9f"])
    }

    @Test func busyNamespacesAreFound() async throws {
        let fake = FakeCluster()
        let running = Self.object("ray.io/v1", "RayJob", "train", namespace: "research")
        let finished = Self.object("ray.io/v1", "RayJob", "done", namespace: "research")
        let notebook = Self.object("v1", "Pod", "jupyter-ana", namespace: "research", labels: ["component": "singleuser-server"])
        fake.state.withLock { state in
            state.objects[running.key] = running.body
            var body = finished.body.objectValue!
            body["status"] = ["jobDeploymentStatus": "Complete"]
            state.objects[finished.key] = .object(body)
            state.objects[notebook.key] = notebook.body
        }
        let plan = Self.plan([Self.change(Self.namespace, .delete), Self.change(Self.object("v1", "Namespace", "idle"), .delete)])
        let busy = try await Self.applier(fake).busyNamespaces(in: plan)
        #expect(busy == [BusyNamespace(name: "research", rayJobs: ["train"], notebooks: ["jupyter-ana"])])
    }

    /// Deleting a namespace takes its PersistentVolumeClaims (users' home volumes, the team volume)
    /// with it: the guard names them even when nothing runs, and a planned deletion of a claim in a
    /// namespace that stays is held the same way.
    @Test func namespacesHoldingVolumesAndDeletedClaimsNeedConfirming() async throws {
        let fake = FakeCluster()
        var home = Self.object("v1", "PersistentVolumeClaim", "claim-ana", namespace: "research").body.objectValue!
        home["status"] = ["capacity": ["storage": "20Gi"]]
        let team = Self.object("v1", "PersistentVolumeClaim", "team-volume", namespace: "students")
        fake.state.withLock { state in
            state.objects[Self.object("v1", "PersistentVolumeClaim", "claim-ana", namespace: "research").key] = .object(home)
            state.objects[team.key] = team.body
        }
        let plan = Self.plan([Self.change(Self.namespace, .delete), Self.change(team, .delete),
                              Self.change(Self.object("v1", "Namespace", "idle"), .delete)])
        let busy = try await Self.applier(fake).busyNamespaces(in: plan)
        #expect(busy == [
            BusyNamespace(name: "research", rayJobs: [], notebooks: [], volumes: ["claim-ana (20Gi)"]),
            BusyNamespace(name: "students", rayJobs: [], notebooks: [], volumes: ["team-volume"], namespaceDeleted: false),
        ])
        #expect(busy[0].description == "research: 1 PersistentVolumeClaim(s) whose data would be lost (claim-ana (20Gi))")
    }

    @Test func refusesBeforeTouchingAnything() async throws {
        let fake = FakeCluster()
        var masked = Self.object("v1", "Secret", "s", namespace: "research").body.objectValue!
        masked["data"] = ["token": .string(Sensitive.maskText)]
        var plan = Self.plan([Self.change(Self.namespace), Self.change(Manifest(body: .object(masked))!)])
        plan.blockers = [.tooManyDeletions(9, limit: 2)]
        await #expect(throws: ApplyRefusal.self) { try await Self.applier(fake).apply(plan) }
        let noEKS = ClusterApplier(objects: fake, nodeGroups: nil, releases: nil, logger: Logger(label: "test"))
        await #expect(throws: ApplyRefusal.self) {
            try await noEKS.apply(Self.plan([], nodeGroups: [NodeGroupPlan(name: "gpu", action: .create, fields: [])]))
        }
        #expect(fake.calls.isEmpty)
    }

    @Test func healthOfKinds() {
        #expect(Health.of(["metadata": ["generation": 2], "spec": ["replicas": 2],
                           "status": ["observedGeneration": 1, "updatedReplicas": 2, "availableReplicas": 2]], kind: "Deployment")
                == .progressing("generation 2 not observed yet"))
        #expect(Health.of(["metadata": ["generation": 2], "spec": ["replicas": 2],
                           "status": ["observedGeneration": 2, "updatedReplicas": 2, "availableReplicas": 2,
                                      "conditions": [["type": "Available", "status": "True"]]]], kind: "Deployment") == .ready("available"))
        #expect(Health.of(["status": ["conditions": [["type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"]]]],
                          kind: "Deployment") == .failed("progress deadline exceeded: "))
        #expect(Health.of(["spec": ["suspend": true]], kind: "RayCluster") == .ready("queued by Kueue (suspended)"))
        #expect(Health.of(["status": ["state": "failed", "reason": "head pod crashed"]], kind: "RayCluster") == .failed("head pod crashed"))
        #expect(Health.of([:], kind: "ConfigMap") == nil)
    }
}
