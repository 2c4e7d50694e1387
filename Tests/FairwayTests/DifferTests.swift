import Testing
import FairwayCore
@testable import FairwayDiff

/// `Differ.plan` as fixture pairs: desired + live objects in, the expected plan out.
@Suite struct DifferTests {
    // MARK: Fixtures

    private static func object(_ kind: String, _ name: String, namespace: String? = nil, apiVersion: String = "v1",
                               owned: Bool = true, tenant: String? = nil, metadata: JSONValue = [:],
                               fields: JSONValue = [:]) -> Manifest {
        var meta = metadata.objectValue ?? JSONObject()
        meta["name"] = .string(name)
        if let namespace { meta["namespace"] = .string(namespace) }
        var labels = meta["labels"]?.objectValue ?? JSONObject()
        if owned { labels[Ownership.managedByLabel] = .string(Ownership.managedByValue) }
        if let tenant { labels[Ownership.tenantLabel] = .string(tenant) }
        if !labels.isEmpty { meta["labels"] = .object(labels) }
        var body: JSONObject = JSONObject([("apiVersion", .string(apiVersion)), ("kind", .string(kind)),
                                           ("metadata", .object(meta))])
        for member in fields.objectValue ?? JSONObject() { body[member.key] = member.value }
        return Manifest(key: ObjectKey(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name),
                        body: .object(body))
    }

    private static func quota(_ hard: JSONValue, owned: Bool = true, metadata: JSONValue = [:],
                              extra: JSONValue = [:]) -> Manifest {
        var fields = extra.objectValue ?? JSONObject()
        fields["spec"] = ["hard": hard]
        return object("ResourceQuota", "compute", namespace: "team-a", owned: owned, tenant: "team-a",
                      metadata: metadata, fields: .object(fields))
    }

    private static func plan(desired: [Manifest], live: [Manifest], tenantOf: [ObjectKey: String] = [:],
                             options: DiffOptions = DiffOptions()) -> Plan {
        Differ.plan(desired: desired, tenantOf: tenantOf, live: live, liveSerial: 7, revision: "abc123",
                    options: options)
    }

    private static func describe(_ plan: Plan) -> [String] {
        plan.changes.map { "\($0.action.rawValue) \($0.key)" }
    }

    // MARK: Creates and updates

    @Test func missingObjectIsCreated() {
        let namespace = Self.object("Namespace", "team-a")
        let plan = Self.plan(desired: [namespace], live: [])
        #expect(Self.describe(plan) == ["create Namespace/team-a"])
        #expect(plan.changes.first?.desired == namespace.body)
        #expect(plan.changes.first?.fields == [])
        #expect(plan.counts.create == 1 && plan.counts.total == 1)
        #expect(plan.unchanged == 0)
        #expect(plan.revision == "abc123" && plan.liveSerial == 7)
        #expect(plan.canApply && plan.hasChanges)
    }

    /// (live spec.hard, desired spec.hard, expected field changes)
    static let quotaFixtures: [(JSONValue, JSONValue, [FieldChange])] = [
        (["requests.cpu": "8", "pods": "10"], ["requests.cpu": "16", "pods": "10"],
         [FieldChange(path: #"spec.hard["requests.cpu"]"#, before: "8", after: "16")]),
        (["requests.cpu": "8"], ["requests.cpu": "8", "pods": "10"],
         [FieldChange(path: "spec.hard.pods", before: nil, after: "10")]),
        (["requests.cpu": "8", "requests.memory": "32Gi"], ["requests.cpu": "8"],
         [FieldChange(path: #"spec.hard["requests.memory"]"#, before: "32Gi", after: nil)]),
        (["requests.nvidia.com/gpu": "4", "pods": "1"], ["requests.nvidia.com/gpu": "2", "count/jobs": "5"],
         [FieldChange(path: #"spec.hard["requests.nvidia.com/gpu"]"#, before: "4", after: "2"),
          FieldChange(path: #"spec.hard["count/jobs"]"#, before: nil, after: "5"),
          FieldChange(path: "spec.hard.pods", before: "1", after: nil)]),
        (["requests.cpu": "1000m"], ["requests.cpu": "1"], []),
        (["requests.memory": "65536Mi", "limits.cpu": "500m"], ["requests.memory": "64Gi", "limits.cpu": "0.5"], []),
        (["requests.cpu": "1001m"], ["requests.cpu": "1"],
         [FieldChange(path: #"spec.hard["requests.cpu"]"#, before: "1001m", after: "1")]),
        (["requests.cpu": "lots"], ["requests.cpu": "lots"], []),
        // A number and a string spelling one quantity are equal (Kueue keeps what was sent as is).
        (["requests.cpu": "8"], ["requests.cpu": 8], []),
        (["requests.cpu": "8"], ["requests.cpu": 9],
         [FieldChange(path: #"spec.hard["requests.cpu"]"#, before: "8", after: 9)]),
    ]

    @Test(arguments: quotaFixtures)
    func quotaUpdates(live: JSONValue, desired: JSONValue, expected: [FieldChange]) {
        let plan = Self.plan(desired: [Self.quota(desired)], live: [Self.quota(live)])
        if expected.isEmpty {
            #expect(plan.changes.isEmpty)
            #expect(plan.unchanged == 1)
        } else {
            #expect(Self.describe(plan) == ["update ResourceQuota/team-a/compute"])
            #expect(plan.changes.first?.fields == expected)
            #expect(plan.changes.first?.desired == Self.quota(desired).body)
            #expect(plan.unchanged == 0)
        }
    }

    @Test func quantitiesCountAsEqualOnlyUnderQuantityFields() {
        let live = Self.object("ConfigMap", "c", namespace: "n", fields: ["data": ["cpu": "1000m"],
            "spec": ["containers": [["resources": ["limits": ["cpu": "1000m"], "requests": ["memory": "1Gi"]]]]]])
        let desired = Self.object("ConfigMap", "c", namespace: "n", fields: ["data": ["cpu": "1"],
            "spec": ["containers": [["resources": ["limits": ["cpu": "1"], "requests": ["memory": "1024Mi"]]]]]])
        let plan = Self.plan(desired: [desired], live: [live])
        #expect(plan.changes.first?.fields == [FieldChange(path: "data.cpu", before: "1000m", after: "1")])
    }

    /// Lists of uniquely named items are matched by name (an item renamed is one removed and one
    /// added); other lists of equal length by index, and otherwise whole.
    @Test func listsAreComparedByNameIndexOrWhole() {
        let subjects: (String, Int) -> JSONValue = { name, count in
            .array((0..<count).map { n in ["kind": "Group", "name": .string(n == 0 ? name : "g\(n)")] })
        }
        let live = Self.object("RoleBinding", "rb", namespace: "n", fields: ["subjects": subjects("a", 2)])
        let renamed = Self.object("RoleBinding", "rb", namespace: "n", fields: ["subjects": subjects("b", 2)])
        #expect(Self.plan(desired: [renamed], live: [live]).changes.first?.fields
            == [FieldChange(path: "subjects[name=b]", before: nil, after: ["kind": "Group", "name": "b"]),
                FieldChange(path: "subjects[name=a]", before: ["kind": "Group", "name": "a"], after: nil)])
        let longer = Self.object("RoleBinding", "rb", namespace: "n", fields: ["subjects": subjects("a", 3)])
        #expect(Self.plan(desired: [longer], live: [live]).changes.first?.fields
            == [FieldChange(path: "subjects[name=g2]", before: nil, after: ["kind": "Group", "name": "g2"])])
        let verbs = { (list: [JSONValue]) in Self.object("Role", "r", namespace: "n", fields: ["rules": [["verbs": .array(list)]]]) }
        #expect(Self.plan(desired: [verbs(["get", "list"])], live: [verbs(["get"])]).changes.first?.fields
            == [FieldChange(path: "rules[0].verbs", before: ["get"], after: ["get", "list"])])
        #expect(Self.plan(desired: [verbs(["get", "list"])], live: [verbs(["get", "watch"])]).changes.first?.fields
            == [FieldChange(path: "rules[0].verbs[1]", before: "watch", after: "list")])
    }

    @Test func serverSetMetadataAndSourceAnnotationAreIgnored() {
        let live = Self.quota(["pods": "10"], metadata: [
            "resourceVersion": "12345", "uid": "0b1c-77", "creationTimestamp": "2024-01-01T00:00:00Z",
            "generation": 3, "selfLink": "/api/v1/x", "managedFields": [["manager": "kubectl", "operation": "Apply"]],
            "annotations": [
                "fairway.dev/source": "tenants/team-a.yaml@oldrev",
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
                "team": "ml",
            ],
        ], extra: ["status": ["used": ["pods": "3"]]])
        let desired = Self.quota(["pods": "10"], metadata: [
            "annotations": ["team": "ml", "fairway.dev/source": "tenants/team-a.yaml@newrev"],
        ])
        let plan = Self.plan(desired: [desired], live: [live])
        #expect(plan.changes.isEmpty)
        #expect(plan.unchanged == 1)

        // An annotation that is not Fairway's still counts.
        let other = Self.quota(["pods": "10"], metadata: ["annotations": ["team": "cv"]])
        #expect(Self.plan(desired: [other], live: [live]).changes.first?.fields
            == [FieldChange(path: "metadata.annotations.team", before: "ml", after: "cv")])
    }

    // MARK: Ownership and deletion

    @Test func onlyOwnedLiveObjectsAreDeleted() {
        let owned = Self.object("ConfigMap", "old", namespace: "team-a", tenant: "team-a")
        let foreign = Self.object("ConfigMap", "theirs", namespace: "team-a", owned: false)
        let plan = Self.plan(desired: [], live: [owned, foreign])
        #expect(Self.describe(plan) == ["delete ConfigMap/team-a/old"])
        #expect(plan.changes.first?.tenant == "team-a")
        #expect(plan.changes.first?.desired == nil)
        #expect(plan.orphaned.isEmpty && plan.canApply)
    }

    @Test func unownedLiveTwinIsRefused() {
        let desired = Self.quota(["pods": "10"])
        let live = Self.quota(["pods": "5"], owned: false)
        let plan = Self.plan(desired: [desired, Self.object("Namespace", "team-a")], live: [live])
        #expect(Self.describe(plan) == ["create Namespace/team-a"])
        #expect(plan.refusals.count == 1)
        #expect(plan.refusals.first?.message.contains("ResourceQuota/team-a/compute") == true)
        #expect(plan.refusals.first?.code == .unownedObject)
        #expect(!plan.canApply)
    }

    @Test func pruneOffListsOrphansInsteadOfDeleting() {
        let live = [Self.object("ConfigMap", "b", namespace: "x"), Self.object("Namespace", "x"),
                    Self.object("ConfigMap", "a", namespace: "x"), Self.object("ConfigMap", "z", namespace: "x", owned: false)]
        let plan = Self.plan(desired: [], live: live, options: DiffOptions(prune: false))
        #expect(plan.changes.isEmpty)
        #expect(plan.orphaned.map(\.description) == ["Namespace/x", "ConfigMap/x/a", "ConfigMap/x/b"])
        #expect(plan.canApply)
    }

    @Test(arguments: [(nil as Int?, true), (3, true), (2, false), (0, false)])
    func maxDeletionsGuard(limit: Int?, allowed: Bool) {
        let live = (1...3).map { Self.object("ConfigMap", "cm\($0)", namespace: "x") }
        let plan = Self.plan(desired: [], live: live, options: DiffOptions(maxDeletions: limit))
        #expect(plan.counts.delete == 3)
        #expect(plan.canApply == allowed)
        #expect(plan.refusals.count == (allowed ? 0 : 1))
        if let limit, !allowed {
            #expect(plan.refusals.first?.message.contains("limit is \(limit)") == true)
            #expect(plan.refusals.first?.code == .tooManyDeletions)
        }
    }

    // MARK: Order and counts

    @Test func changesFollowKindOrderAndDeletesRunInReverse() {
        let desired = [
            Self.object("Deployment", "web", namespace: "team-a", apiVersion: "apps/v1"),
            Self.quota(["pods": "10"]),
            Self.object("ConfigMap", "cfg", namespace: "team-a"),
            Self.object("Namespace", "team-a"),
            Self.object("Namespace", "team-b"),
        ]
        let live = [
            Self.object("Namespace", "old"),
            Self.object("ResourceQuota", "q", namespace: "old"),
            Self.object("ConfigMap", "cfg", namespace: "old"),
            Self.object("ConfigMap", "cfg", namespace: "team-a", fields: ["data": ["k": "v"]]),
        ]
        let plan = Self.plan(desired: desired, live: live)
        #expect(Self.describe(plan) == [
            "create Namespace/team-a",
            "create Namespace/team-b",
            "create ResourceQuota/team-a/compute",
            "update ConfigMap/team-a/cfg",
            "create Deployment/team-a/web",
            "delete ConfigMap/old/cfg",
            "delete ResourceQuota/old/q",
            "delete Namespace/old",
        ])
        // The same inputs in another order give the same plan.
        #expect(Self.plan(desired: Array(desired.reversed()), live: Array(live.reversed())) == plan)
    }

    @Test func countsPerTenant() {
        let rq = Self.quota(["pods": "10"])
        let cm = Self.object("ConfigMap", "cfg", namespace: "team-b")
        let ns = Self.object("Namespace", "shared")
        let live = [Self.object("ConfigMap", "gone", namespace: "team-b", tenant: "team-b"),
                    Self.object("ConfigMap", "gone", namespace: "x"),
                    Self.object("ConfigMap", "cfg", namespace: "team-b", fields: ["data": ["a": "1"]])]
        let plan = Self.plan(desired: [rq, cm, ns], live: live, tenantOf: [rq.key: "team-a", cm.key: "team-b"])
        #expect(plan.counts.create == 2 && plan.counts.update == 1 && plan.counts.delete == 2)
        let byTenant = plan.countsByTenant
        #expect(byTenant.map(\.tenant) == ["team-a", "team-b"])
        #expect(byTenant[0].counts.create == 1 && byTenant[0].counts.total == 1)
        #expect(byTenant[1].counts.update == 1 && byTenant[1].counts.delete == 1 && byTenant[1].counts.create == 0)
        #expect(plan.changes.first { $0.key == ns.key }?.tenant == nil)
    }

    @Test func normalizerDropsOnlyServerFields() {
        let body: JSONValue = ["kind": "X", "status": ["ready": true],
                               "metadata": ["name": "n", "uid": "u", "labels": ["a": "b"],
                                            "annotations": ["fairway.dev/source": "s"]]]
        #expect(Normalizer.comparable(body) == ["kind": "X", "metadata": ["name": "n", "labels": ["a": "b"]]])
        #expect(Normalizer.comparable("scalar") == "scalar")
    }
}
