import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayTestCluster
import Foundation
import Testing

/// The Kubernetes client against the in-process test cluster: discovery (aggregated and legacy, CRDs
/// created at runtime), get, list (selectors, pages, an expired continue token), server-side apply
/// (create, update, no-op, conflicts, force, dry run), delete, and errors for bad credentials.
@Suite struct KubeClientTests {
    @Test func discoveryMapsBuiltinKinds() async throws {
        try await Kube.withClient { cluster, client in
            cluster.requestLog.clear()
            let map = try await client.discovery()
            #expect(Kube.requests(cluster) == ["discovery /api", "discovery /apis"])
            let configMaps = try #require(map.resource(apiVersion: "v1", kind: "ConfigMap"))
            #expect(configMaps.plural == "configmaps")
            #expect(configMaps.namespaced)
            #expect(configMaps.verbs.contains("patch"))
            #expect(configMaps.path(namespace: "team-a", name: "x") == "/api/v1/namespaces/team-a/configmaps/x")
            let deployments = try #require(map.resource(apiVersion: "apps/v1", kind: "Deployment"))
            #expect(deployments.path(namespace: nil) == "/apis/apps/v1/deployments")
            let roles = try #require(map.resource(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole"))
            #expect(!roles.namespaced)
            #expect(roles.path(namespace: "ignored", name: "r") == "/apis/rbac.authorization.k8s.io/v1/clusterroles/r")
            // Cached: no more requests.
            _ = try await client.discovery()
            #expect(cluster.requestLog.all.count == 2)
        }
    }

    @Test func legacyDiscoveryFindsTheSameKinds() async throws {
        var options = Kube.quickOptions
        options.aggregatedDiscovery = false
        try await Kube.withClient(options: options) { cluster, legacy in
            let aggregated = try await KubernetesClient.withClient(try Kube.connection(cluster)) { try await $0.discovery() }
            cluster.requestLog.clear()
            let map = try await legacy.discovery()
            #expect(map.resources == aggregated.resources)
            #expect(map.count > 20)
            #expect(cluster.requestLog.all.count > 5)
            #expect(cluster.requestLog.all.allSatisfy { $0.verb == "discovery" && $0.status == 200 })
        }
    }

    @Test func customResourcesAppearAfterRefresh() async throws {
        try await Kube.withClient { _, client in
            #expect(try await client.discovery().resource(for: Kube.widgetKind) == nil)
            _ = try await client.apply(Kube.widgetDefinition, fieldManager: "fairway")
            // Still cached...
            #expect(try await client.discovery().resource(for: Kube.widgetKind) == nil)
            // ...but an object of the new kind refreshes discovery by itself.
            let applied = try await client.apply(Kube.widget("w1"), fieldManager: "fairway")
            #expect(applied.body["spec"]?["size"] == 3)
            let widgets = try #require(try await client.discovery().resource(for: Kube.widgetKind))
            #expect(widgets.plural == "widgets")
            #expect(widgets.namespaced)
            #expect(try await client.refreshDiscovery().resource(for: Kube.widgetKind) == widgets)
            let unknown = GroupVersionKind(group: "nothing.example.com", version: "v1", kind: "Gadget")
            let error = await #expect(throws: KubernetesError.self) { try await client.list(unknown) }
            #expect(error?.code == .unknownKind)
        }
    }

    @Test func listFiltersByLabelsFieldsAndNamespace() async throws {
        try await Kube.withClient { _, client in
            _ = try await client.apply(Kube.namespace("team-a"), fieldManager: "fairway")
            for (name, namespace, team) in [("a1", "default", "a"), ("a2", "team-a", "a"), ("b1", "default", "b")] {
                _ = try await client.apply(Kube.configMap(name, namespace: namespace, labels: [("team", .string(team))]),
                                           fieldManager: "fairway")
            }
            let teamA = try await client.list(Kube.configMapKind, labelSelector: "team=a")
            #expect(teamA.items.map(\.key.name).sorted() == ["a1", "a2"])
            #expect(teamA.items.allSatisfy { $0.body["apiVersion"] == "v1" && $0.body["kind"] == "ConfigMap" })
            #expect(!teamA.resourceVersion.isEmpty)
            let inDefault = try await client.list(Kube.configMapKind, namespace: "default", labelSelector: "team in (a,b)")
            #expect(inDefault.items.map(\.key.name).sorted() == ["a1", "b1"])
            let byName = try await client.list(Kube.configMapKind, fieldSelector: "metadata.name=b1")
            #expect(byName.items.map(\.key) == [ObjectKey(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "b1")])
        }
    }

    @Test func listReadsPagesAndRelistsWhenTheContinueTokenExpires() async throws {
        try await Kube.withClient { cluster, client in
            for index in 0..<25 { _ = try await client.apply(Kube.configMap("cm-\(index)"), fieldManager: "fairway") }
            cluster.requestLog.clear()
            let paged = try await client.list(Kube.configMapKind, namespace: "default", pageSize: 10)
            #expect(paged.items.count == 25)
            #expect(Set(paged.items.map(\.key.name)).count == 25)
            let pages = cluster.requestLog.all
            #expect(pages.map { $0.query["limit"] } == ["10", "10", "10"])
            #expect(pages.map { $0.query["continue"] == nil } == [true, false, false])

            cluster.faults.add(FaultRule(verb: "list", queryParameter: "continue", times: 1, effect: .status(410)))
            cluster.requestLog.clear()
            let relisted = try await client.list(Kube.configMapKind, namespace: "default", pageSize: 10)
            #expect(relisted.items.count == 25)
            #expect(Set(relisted.items.map(\.key.name)).count == 25)
            #expect(cluster.requestLog.all.map(\.status) == [200, 410, 200])
            #expect(cluster.requestLog.all.last?.query["limit"] == nil)
        }
    }

    @Test func serverSideApplyCreatesUpdatesAndLeavesNoOpsAlone() async throws {
        try await Kube.withClient { _, client in
            let key = Kube.configMap("settings").key
            #expect(try await client.get(key) == nil)
            let created = try await client.apply(Kube.configMap("settings"), fieldManager: "fairway")
            let version = try #require(Kube.resourceVersion(created))
            #expect(created.body["data"] == ["a": "1"])
            #expect(created.body["metadata"]?["managedFields"]?.arrayValue?.first?["manager"] == "fairway")
            let again = try await client.apply(Kube.configMap("settings"), fieldManager: "fairway")
            #expect(Kube.resourceVersion(again) == version)
            let changed = try await client.apply(Kube.configMap("settings", data: ["a": "2"]), fieldManager: "fairway")
            #expect(Kube.resourceVersion(changed) != version)
            #expect(try await client.get(key)?.body["data"] == ["a": "2"])
        }
    }

    @Test func conflictsNameTheOtherManagerUntilForced() async throws {
        try await Kube.withClient { _, client in
            _ = try await client.apply(Kube.configMap("shared", data: ["a": "1"]), fieldManager: "kubectl")
            let error = await #expect(throws: KubernetesError.self) {
                try await client.apply(Kube.configMap("shared", data: ["a": "2"]), fieldManager: "fairway")
            }
            #expect(error?.status == 409)
            #expect(error?.isConflict == true)
            #expect(error?.reason == "Conflict")
            #expect(error?.conflicts.map { "\($0.manager) \($0.field)" } == ["kubectl .data.a"])
            #expect(error?.key == Kube.configMap("shared").key)
            #expect(error?.attempts == 1)
            #expect(error?.description.contains("(ConfigMap/default/shared): 409 Conflict: Apply failed with 1 conflict") == true,
                    "\(error?.description ?? "")")
            let forced = try await client.apply(Kube.configMap("shared", data: ["a": "2"]), fieldManager: "fairway", force: true)
            #expect(forced.body["data"] == ["a": "2"])
        }
    }

    @Test func dryRunChangesNothing() async throws {
        try await Kube.withClient { _, client in
            let created = try await client.apply(Kube.configMap("dry"), fieldManager: "fairway")
            let preview = try await client.apply(Kube.configMap("dry", data: ["a": "9"]), fieldManager: "fairway", dryRun: true)
            #expect(preview.body["data"] == ["a": "9"])
            let live = try await client.get(created.key)
            #expect(live?.body["data"] == ["a": "1"])
            #expect(Kube.resourceVersion(live) == Kube.resourceVersion(created))
            let newOne = try await client.apply(Kube.configMap("never"), fieldManager: "fairway", dryRun: true)
            #expect(newOne.key.name == "never")
            #expect(try await client.get(newOne.key) == nil)
            #expect(try await client.delete(created.key, dryRun: true) == .deleted(nil))
            #expect(try await client.get(created.key) != nil)
        }
    }

    @Test func deleteWithPreconditions() async throws {
        try await Kube.withClient { _, client in
            let created = try await client.apply(Kube.configMap("doomed"), fieldManager: "fairway")
            let wrongUID = await #expect(throws: KubernetesError.self) { try await client.delete(created.key, uid: "not-the-uid") }
            #expect(wrongUID?.status == 409)
            let uid = try #require(created.body["metadata"]?["uid"]?.stringValue)
            #expect(try await client.delete(created.key, uid: uid, resourceVersion: Kube.resourceVersion(created)) == .deleted(nil))
            #expect(try await client.get(created.key) == nil)
            #expect(try await client.delete(created.key) == .notFound)
            // A namespace is answered with the object, now terminating.
            let namespace = try await client.apply(Kube.namespace("going"), fieldManager: "fairway")
            guard case let .deleted(object?) = try await client.delete(namespace.key, propagationPolicy: .foreground) else {
                Issue.record("no namespace object in the answer")
                return
            }
            #expect(object.body["status"]?["phase"] == "Terminating")
        }
    }
}
