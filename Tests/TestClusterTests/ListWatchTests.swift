import FairwayCore
import Testing
@testable import FairwayTestCluster

/// Lists with label and field selectors and pagination; watches from now and from the past.
@Suite struct ListWatchTests {
    let api = APIHarness()
    let configMaps = "/api/v1/namespaces/default/configmaps"

    func seed() async {
        for (index, tier) in ["a", "b", "c", "a", "b"].enumerated() {
            var labels: JSONObject = [("tier", .string(tier))]
            if index == 4 { labels["legacy"] = "true" }
            await api.call("POST", configMaps, body: APIHarness.configMap("cm-\(index)", labels: .object(labels)))
        }
    }

    func names(_ answer: APIHarness.Answer) -> [String] {
        answer.body["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
    }

    @Test(arguments: [
        ("tier=a", ["cm-0", "cm-3"]),
        ("tier!=a", ["cm-1", "cm-2", "cm-4"]),
        ("tier in (a, c)", ["cm-0", "cm-2", "cm-3"]),
        ("tier notin (a,c),!legacy", ["cm-1"]),
        ("legacy", ["cm-4"]),
    ])
    func labelSelectors(selector: String, expected: [String]) async {
        await seed()
        #expect(names(await api.call("GET", configMaps, ["labelSelector": selector])) == expected)
    }

    @Test func fieldSelectorsAndCrossNamespaceLists() async {
        await seed()
        #expect(names(await api.call("GET", configMaps, ["fieldSelector": "metadata.name=cm-2"])) == ["cm-2"])
        #expect(names(await api.call("GET", "/api/v1/configmaps", ["fieldSelector": "metadata.namespace=default,metadata.name!=cm-0"])).count == 4)
        let list = await api.call("GET", configMaps)
        #expect(list.body["kind"] == "ConfigMapList")
        #expect(list.body["metadata"]?["resourceVersion"]?.stringValue?.isEmpty == false)
    }

    @Test func paginationWithLimitAndContinue() async {
        await seed()
        let first = await api.call("GET", configMaps, ["limit": "2"])
        #expect(names(first) == ["cm-0", "cm-1"])
        #expect(first.body["metadata"]?["remainingItemCount"] == 3)
        let token = first.body["metadata"]?["continue"]?.stringValue ?? ""
        let second = await api.call("GET", configMaps, ["limit": "2", "continue": token])
        #expect(names(second) == ["cm-2", "cm-3"])
        let last = await api.call("GET", configMaps, ["limit": "2", "continue": second.body["metadata"]?["continue"]?.stringValue ?? ""])
        #expect(names(last) == ["cm-4"])
        #expect(last.body["metadata"]?["continue"] == nil)
    }

    /// Reads watch lines until `count` events arrived.
    func events(_ path: String, _ query: [String: String], count: Int, while action: () async -> Void) async -> [JSONValue] {
        let response = await api.server.handle(APIRequest(method: "GET", path: path, query: query.merging(["watch": "true"]) { $1 }))
        guard case let .stream(chunks) = response.body else { return [] }
        await action()
        var result: [JSONValue] = []
        for await chunk in chunks {
            if let event = try? JSONReader.parse(chunk) { result.append(event) }
            if result.count >= count { break }
        }
        return result
    }

    @Test func watchSendsCurrentObjectsThenChanges() async {
        await api.call("POST", configMaps, body: APIHarness.configMap("existing"))
        let seen = await events(configMaps, ["fieldSelector": "metadata.name!=ignored"], count: 4) {
            await api.call("POST", configMaps, body: APIHarness.configMap("new"))
            await api.call("PATCH", configMaps + "/new", body: ["data": ["a": "2"]], contentType: "application/merge-patch+json")
            await api.call("DELETE", configMaps + "/existing")
        }
        #expect(seen.compactMap { $0["type"]?.stringValue } == ["ADDED", "ADDED", "MODIFIED", "DELETED"])
        #expect(seen.compactMap { $0["object"]?["metadata"]?["name"]?.stringValue } == ["existing", "new", "new", "existing"])
    }

    @Test func objectsMovingInAndOutOfASelectorAreAddedAndDeleted() async {
        await api.call("POST", configMaps, body: APIHarness.configMap("mover", labels: ["tier": "a"]))
        let seen = await events(configMaps, ["labelSelector": "tier=b"], count: 3) {
            await api.call("PATCH", configMaps + "/mover", body: ["metadata": ["labels": ["tier": "b"]]], contentType: "application/merge-patch+json")
            await api.call("PATCH", configMaps + "/mover", body: ["data": ["a": "2"]], contentType: "application/merge-patch+json")
            await api.call("PATCH", configMaps + "/mover", body: ["metadata": ["labels": ["tier": "c"]]], contentType: "application/merge-patch+json")
        }
        #expect(seen.compactMap { $0["type"]?.stringValue } == ["ADDED", "MODIFIED", "DELETED"])
        #expect(seen.last?["object"]?["metadata"]?["labels"]?["tier"] == "c")
    }

    @Test func watchFromAResourceVersionReplaysLaterChanges() async {
        let version = await api.call("POST", configMaps, body: APIHarness.configMap("v1")).body["metadata"]?["resourceVersion"]?.stringValue ?? ""
        await api.call("POST", configMaps, body: APIHarness.configMap("v2"))
        let seen = await events(configMaps, ["resourceVersion": version], count: 1) {}
        #expect(seen.first?["object"]?["metadata"]?["name"] == "v2")
        let initial = await events(configMaps, ["sendInitialEvents": "true", "resourceVersionMatch": "NotOlderThan"], count: 3) {}
        #expect(initial.last?["type"] == "BOOKMARK")
        #expect(initial.last?["object"]?["metadata"]?["annotations"]?["k8s.io/initial-events-end"] == "true")
    }
}
