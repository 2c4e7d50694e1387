import FairwayCore
@testable import FairwayDiff
import Testing

/// The differ against objects as a real API server returns them: defaults and other managers'
/// fields are not drift, fields Fairway owned and dropped are; Secrets and sensitive values are
/// masked; GPU guarantees, node groups and Helm releases are planned; bindings record versions.
@Suite struct LiveDiffTests {
    static func manifest(_ body: JSONValue) -> Manifest { Manifest(body: body)! }

    static let owned: JSONValue = [Ownership.managedByLabel: "fairway"]

    static func deployment(replicas: Int64?, extraLabel: Bool = false, managedFields: JSONValue? = nil,
                           pullPolicy: Bool = false) -> JSONValue {
        var container: JSONObject = [("name", "app"), ("image", "nginx:1.27")]
        if pullPolicy { container["imagePullPolicy"] = "IfNotPresent" }
        var spec: JSONObject = [("template", ["spec": ["containers": [.object(container)]]])]
        if let replicas { spec["replicas"] = .int(replicas) }
        var labels: JSONObject = [(Ownership.managedByLabel, "fairway")]
        if extraLabel { labels["team"] = "a" }
        var metadata: JSONObject = [("name", "web"), ("namespace", "n"), ("labels", .object(labels))]
        if let managedFields {
            metadata["managedFields"] = managedFields
            metadata["resourceVersion"] = "41"
        }
        return .object([("apiVersion", "apps/v1"), ("kind", "Deployment"), ("metadata", .object(metadata)), ("spec", .object(spec))])
    }

    static func entry(_ manager: String, _ fields: JSONValue) -> JSONValue {
        ["manager": .string(manager), "operation": "Apply", "fieldsV1": fields]
    }

    static let fairwayFields: JSONValue = [
        "f:metadata": ["f:labels": ["f:app.kubernetes.io/managed-by": [:]]],
        "f:spec": ["f:replicas": [:], "f:template": ["f:spec": ["f:containers": [#"k:{"name":"app"}"#: [".": [:], "f:image": [:], "f:name": [:]]]]]],
    ]

    static func plan(desired: JSONValue, live: JSONValue) -> Plan {
        Differ.plan(desired: [manifest(desired)], tenantOf: [:], live: [manifest(live)], liveSerial: 0, revision: "r")
    }

    @Test func defaultsAndOtherManagersAreNotDrift() {
        let desired = Self.deployment(replicas: 2)
        // The server defaulted imagePullPolicy; another manager added a label: neither is Fairway's.
        let live = Self.deployment(replicas: 2, extraLabel: true,
                                   managedFields: [Self.entry("fairway", Self.fairwayFields),
                                                   Self.entry("kubectl", ["f:metadata": ["f:labels": ["f:team": [:]]]])],
                                   pullPolicy: true)
        let plan = Self.plan(desired: desired, live: live)
        #expect(!plan.hasChanges, "\(plan.changes)")
        #expect(plan.unchanged == 1)
        #expect(plan.bindings.objects[Self.manifest(desired).key] == "41")
    }

    @Test func aFieldFairwayOwnedAndGitDroppedIsRemoved() {
        let desired = Self.deployment(replicas: nil)
        let live = Self.deployment(replicas: 2, managedFields: [Self.entry("fairway", Self.fairwayFields)])
        #expect(Self.plan(desired: desired, live: live).changes.first?.fields == [FieldChange(path: "spec.replicas", before: 2, after: nil)])
        // The same field owned by someone else (an autoscaler) stays.
        let scaled = Self.deployment(replicas: 2, managedFields: [Self.entry("hpa", ["f:spec": ["f:replicas": [:]]])])
        #expect(!Self.plan(desired: desired, live: scaled).hasChanges)
    }

    @Test func objectsPutInPlaceByAnotherToolCompareOnTheirDesiredFields() {
        // kubectl applied exactly what Fairway renders: Fairway is not a manager yet, no drift.
        let live = Self.deployment(replicas: 2, managedFields: [Self.entry("kubectl", Self.fairwayFields)], pullPolicy: true)
        #expect(!Self.plan(desired: Self.deployment(replicas: 2), live: live).hasChanges)
        // A hand edit of a desired field is drift.
        let patched = Self.deployment(replicas: 5, managedFields: [Self.entry("kubectl", Self.fairwayFields)])
        #expect(Self.plan(desired: Self.deployment(replicas: 2), live: patched).changes.first?.fields
            == [FieldChange(path: "spec.replicas", before: 5, after: 2)])
    }

    @Test func secretValuesAreMaskedInEveryFieldChange() throws {
        func secret(_ data: JSONValue) -> JSONValue {
            ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s", "namespace": "n", "labels": Self.owned], "data": data]
        }
        let plan = Self.plan(desired: secret(["token": "bmV3LXNlY3JldA==", "extra": "YWRkZWQ="]), live: secret(["token": "b2xkLXNlY3JldA=="]))
        let fields = try #require(plan.changes.first?.fields)
        #expect(fields == [FieldChange(path: "data.token", before: Sensitive.mask, after: Sensitive.mask),
                           FieldChange(path: "data.extra", before: nil, after: Sensitive.mask)])
        // The body to write keeps the real value, and carries no mask.
        #expect(plan.changes.first?.desired?["data"]?["token"] == "bmV3LXNlY3JldA==")
        #expect(!Sensitive.containsMask(plan.changes.first!.desired!))
    }

    @Test func sensitiveKeysAreRecognised() {
        for key in ["password", "client_secret", "cookieSecret", "secretToken", "apiKey", "AWS_SECRET_ACCESS_KEY", "privateKey"] {
            #expect(Sensitive.isSensitiveKey(key), "\(key)")
        }
        for key in ["secretName", "existingSecret", "tokenFile", "replicaCount", "image", "secretRef"] {
            #expect(!Sensitive.isSensitiveKey(key), "\(key)")
        }
        let masked = Sensitive.maskValues(["hub": ["cookieSecret": "abc", "config": ["client_secret": "xyz", "client_id": "id"]],
                                           "db": ["url": "postgres://u:p@h"]], extraPaths: ["db.url"])
        #expect(masked == ["hub": ["cookieSecret": Sensitive.mask, "config": ["client_secret": Sensitive.mask, "client_id": "id"]],
                           "db": ["url": Sensitive.mask]])
    }

    @Test func quantitiesInKueueQuotasCompareByValue() {
        func queue(_ gpus: JSONValue) -> JSONValue {
            ["apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue",
             "metadata": ["name": "research-a100", "labels": [Ownership.managedByLabel: "fairway", Ownership.tenantLabel: "research",
                                                               Ownership.gpuClassLabel: "a100"]],
             "spec": ["resourceGroups": [["coveredResources": ["nvidia.com/gpu"], "flavors": [[
                 "name": "gpu-a100", "resources": [["name": "nvidia.com/gpu", "nominalQuota": gpus]]]]]]]]
        }
        let same = Self.plan(desired: queue(8), live: queue("8"))
        #expect(!same.hasChanges)
        #expect(same.gpu.isEmpty)
        let more = Self.plan(desired: queue(16), live: queue("8"))
        #expect(more.changes.first?.fields.map(\.path) == ["spec.resourceGroups[0].flavors[name=gpu-a100].resources[name=nvidia.com/gpu].nominalQuota"])
        #expect(more.gpu == [GPUGuaranteeChange(tenant: "research", gpuClass: "a100", before: 8, after: 16)])
        #expect(more.gpu.first?.summary == "research: +8 a100 guaranteed (8 -> 16)")
    }

    static func release(_ values: JSONValue, version: String = "1.7.0", sensitive: [String] = []) -> HelmRelease {
        HelmRelease(name: "jupyterhub", namespace: "jupyterhub", chart: "jupyterhub", repository: "https://hub.jupyter.org/helm-chart/",
                    version: version, values: values, sourcePath: "cluster.yaml", sensitiveValues: sensitive)
    }

    static func live(_ values: JSONValue, version: String = "1.7.0", status: String = "deployed", owned: Bool = true,
                     name: String = "jupyterhub") -> LiveRelease {
        LiveRelease(name: name, namespace: "jupyterhub", chart: "jupyterhub", version: version, revision: 3, status: status,
                    values: values, owned: owned)
    }

    @Test func releasesDiffByChartVersionAndValuesWithSecretsMasked() throws {
        let values: JSONValue = ["hub": ["cookieSecret": "planted-cookie", "replicas": 1], "proxy": ["token": "t0"]]
        #expect(ReleaseDiff.plan(desired: [Self.release(values)], live: [Self.live(values)], prune: true).isEmpty)
        let changed: JSONValue = ["hub": ["cookieSecret": "planted-cookie-2", "replicas": 2], "proxy": ["token": "t0"]]
        let plans = ReleaseDiff.plan(desired: [Self.release(changed, version: "4.4.0", sensitive: ["proxy"])], live: [Self.live(values)], prune: true)
        let plan = try #require(plans.first)
        #expect(plan.action == .upgrade)
        #expect(plan.versionBefore == "1.7.0")
        #expect(plan.versionAfter == "4.4.0")
        #expect(plan.fields == [FieldChange(path: "hub.cookieSecret", before: Sensitive.mask, after: Sensitive.mask),
                                FieldChange(path: "hub.replicas", before: 1, after: 2)])
        // A failed release is upgraded even with equal values; an owned release gone from Git is uninstalled, another is not.
        let failed = ReleaseDiff.plan(desired: [Self.release(values)], live: [Self.live(values, status: "failed")], prune: true)
        #expect(failed.first?.note == "the installed revision 3 is failed")
        let gone = ReleaseDiff.plan(desired: [], live: [Self.live(values), Self.live(values, owned: false, name: "other")], prune: true)
        #expect(gone.map(\.action) == [.uninstall])
        #expect(ReleaseDiff.plan(desired: [], live: [Self.live(values)], prune: false).isEmpty)
    }

    @Test func nodeGroupsPlanCreateUpdateReplaceAndDeleteOwnedOnly() {
        let create: JSONValue = ["clusterName": "c", "nodegroupName": "gpu", "instanceTypes": ["p4d.24xlarge"],
                                 "scalingConfig": ["minSize": 0, "maxSize": 4, "desiredSize": 0], "tags": [Ownership.managedByLabel: "fairway"]]
        let group = NodeGroup(name: "gpu", sourcePath: "nodepools/gpu.yaml", create: create, updateConfig: [:])
        var live = create
        live = live.replacing(at: ["scalingConfig", "maxSize"]) { _ in 8 }
        let livePlans = NodeGroupDiff.plan(desired: [group], live: ["gpu": live, "old": ["tags": [Ownership.managedByLabel: "fairway"]],
                                                                    "theirs": ["tags": [:]]], prune: true)
        #expect(livePlans.map(\.action) == [.update, .delete])
        #expect(livePlans.first?.update?["scalingConfig"]?["maxSize"] == 4)
        let replaced = create.replacing(at: ["instanceTypes"]) { _ in ["p5.48xlarge"] }
        #expect(NodeGroupDiff.plan(desired: [group], live: ["gpu": replaced], prune: true).map(\.action) == [.replace])
        #expect(NodeGroupDiff.plan(desired: [group], live: [:], prune: true).map(\.action) == [.create])
    }

    @Test func theDeletionGuardCountsNodeGroupsAndReleases() {
        var plan = Differ.plan(desired: [], tenantOf: [:], live: [], liveSerial: 0, revision: "r")
        Differ.addTargets(to: &plan, desiredNodeGroups: [], liveNodeGroups: ["a": ["tags": [Ownership.managedByLabel: "fairway"]]],
                          desiredReleases: [], liveReleases: [Self.live([:])], options: DiffOptions(prune: true, maxDeletions: 1))
        #expect(plan.refusals.map(\.message) == ["the plan deletes 2 objects; the limit is 1 (spec.reconcile.maxDeletions or --max-deletions)"])
        #expect(plan.refusals.map(\.code) == [.tooManyDeletions])
        #expect(plan.bindings.releases == ["jupyterhub/jupyterhub": 3])
    }

    @Test func bindingsSayWhatMoved() {
        let key = ObjectKey(apiVersion: "v1", kind: "ConfigMap", namespace: "n", name: "c")
        let saved = PlanBindings(objects: [key: "10"], nodeGroups: ["gpu": "1700000000.0"], releases: ["jupyterhub/jupyterhub": 3])
        #expect(saved.moved(since: saved).isEmpty)
        let now = PlanBindings(objects: [key: "11"], nodeGroups: ["gpu": "1700000000.0"], releases: ["jupyterhub/jupyterhub": 4])
        #expect(saved.moved(since: now) == ["object ConfigMap/n/c: 10 -> 11", "release jupyterhub/jupyterhub: 3 -> 4"])
    }
}
