import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayTestCluster
import Foundation
import Testing

/// `readLive`: owned objects by label, unowned objects in the way, kinds whose CRD is missing,
/// few requests on an empty cluster, and speed with thousands of objects.
@Suite struct KubeReadLiveTests {
    static let kinds: Set<GroupVersionKind> = [
        Kube.namespaceKind, Kube.configMapKind, GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment"),
        GroupVersionKind(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole"), Kube.widgetKind,
    ]

    static let desired: [ObjectKey] = [
        Kube.namespace("team-a").key,
        Kube.configMap("settings", namespace: "team-a").key,
        Kube.configMap("in-default").key,
        ObjectKey(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", namespace: nil, name: "team-a-view"),
        Kube.widget("w", namespace: "team-a").key,
    ]

    @Test func anEmptyClusterCostsFewRequests() async throws {
        try await Kube.withClient { cluster, client in
            cluster.requestLog.clear()
            let live = try await client.readLive(kinds: Self.kinds, desired: Self.desired)
            #expect(live.objects.isEmpty)
            #expect(live.missingKinds == [Kube.widgetKind])
            // Discovery, one list per served kind, the namespaces, and GETs only where the namespace
            // exists (default) or there is none (a ClusterRole): team-a's objects cost nothing.
            #expect(Kube.requests(cluster).sorted() == [
                "discovery /api", "discovery /apis",
                "get /api/v1/namespaces/default/configmaps/in-default",
                "get /apis/rbac.authorization.k8s.io/v1/clusterroles/team-a-view",
                "list /api/v1/configmaps", "list /api/v1/namespaces", "list /api/v1/namespaces",
                "list /apis/apps/v1/deployments", "list /apis/rbac.authorization.k8s.io/v1/clusterroles",
            ])
        }
    }

    @Test func ownedUnownedAndMissingKinds() async throws {
        try await Kube.withClient { cluster, client in
            _ = try await client.apply(Kube.namespace("team-a"), fieldManager: "fairway")
            let settings = try await client.apply(Kube.configMap("settings", namespace: "team-a"), fieldManager: "fairway")
            // Owned but no longer desired: still read, so it can be pruned.
            _ = try await client.apply(Kube.configMap("stale", namespace: "team-a"), fieldManager: "fairway")
            // In the way: exists, desired, but not owned.
            _ = try await client.apply(Kube.configMap("in-default", owned: false), fieldManager: "someone-else")
            // Neither owned nor desired: not read.
            _ = try await client.apply(Kube.configMap("unrelated", owned: false), fieldManager: "someone-else")

            let live = try await client.readLive(kinds: Self.kinds, desired: Self.desired)
            #expect(live.missingKinds == [Kube.widgetKind])
            #expect(live.manifests.map(\.key.description) == [
                "Namespace/team-a", "ConfigMap/default/in-default", "ConfigMap/team-a/settings", "ConfigMap/team-a/stale",
            ])
            #expect(live.resourceVersions[settings.key] == Kube.resourceVersion(settings))
            let inTheWay = try #require(live.objects[Kube.configMap("in-default").key])
            #expect(!Ownership.isOwned(inTheWay.body))
            #expect(inTheWay.body["metadata"]?["managedFields"] != nil)
            #expect(live.objects[settings.key]?.body["apiVersion"] == "v1")

            // Once the CRD is installed (and discovery refreshed), its kind is read too.
            _ = try await client.apply(Kube.widgetDefinition, fieldManager: "fairway")
            _ = try await client.apply(Kube.widget("w", namespace: "team-a"), fieldManager: "fairway")
            try await client.refreshDiscovery()
            let withWidgets = try await client.readLive(kinds: Self.kinds, desired: Self.desired)
            #expect(withWidgets.missingKinds.isEmpty)
            #expect(withWidgets.objects[Kube.widget("w", namespace: "team-a").key]?.body["spec"]?["size"] == 3)
        }
    }

    @Test func twoThousandObjectsReadQuickly() async throws {
        try await Kube.withClient { cluster, client in
            // Seed the store directly (no HTTP), 20 namespaces of 100 config maps each.
            var desired: [ObjectKey] = []
            for n in 0..<20 {
                let namespace = Kube.namespace("bulk-\(n)")
                desired.append(namespace.key)
                _ = await cluster.server.handle(APIRequest(method: "POST", path: "/api/v1/namespaces",
                                                           headers: ["content-type": "application/json"],
                                                           body: JSONWriter.bytes(namespace.body)))
                for m in 0..<99 {
                    let data: JSONValue = .object(JSONObject((0..<8).map { ("key-\($0)", .string(String(repeating: "v", count: 40))) }))
                    let configMap = Kube.configMap("cm-\(m)", namespace: "bulk-\(n)", data: data)
                    desired.append(configMap.key)
                    _ = await cluster.server.handle(APIRequest(method: "POST", path: "/api/v1/namespaces/bulk-\(n)/configmaps",
                                                               headers: ["content-type": "application/json"],
                                                               body: JSONWriter.bytes(configMap.body)))
                }
            }
            #expect(desired.count == 2_000)
            _ = try await client.discovery()
            cluster.requestLog.clear()
            let started = ContinuousClock.now
            let live = try await client.readLive(kinds: [Kube.namespaceKind, Kube.configMapKind], desired: desired)
            let elapsed = ContinuousClock.now - started
            print("readLive: \(live.objects.count) objects in \(elapsed) (\(cluster.requestLog.all.count) requests)")
            #expect(live.objects.count == 2_000)
            #expect(live.resourceVersions.count == 2_000)
            #expect(cluster.requestLog.all.count == 5)
            // About 0.2 s alone in a debug build; the bound only catches a pathological slowdown when
            // the whole suite runs at once on two cores.
            #expect(elapsed < .seconds(90))
        }
    }
}
