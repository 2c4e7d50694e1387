import FairwayCore
import Testing
@testable import FairwayTestCluster

/// Create, get, update and delete with Kubernetes' bookkeeping and its error bodies.
@Suite struct ObjectLifecycleTests {
    let api = APIHarness()
    let configMaps = "/api/v1/namespaces/default/configmaps"

    @Test func createSetsIdentityAndBookkeeping() async {
        let created = await api.call("POST", configMaps, body: APIHarness.configMap("one"))
        #expect(created.status == 201)
        #expect(created.body["metadata"]?["uid"]?.stringValue?.count == 36)
        #expect(created.body["metadata"]?["creationTimestamp"]?.stringValue?.hasSuffix("Z") == true)
        let version = Int(created.body["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
        let second = await api.call("POST", configMaps, body: APIHarness.configMap("two"))
        #expect(Int(second.body["metadata"]?["resourceVersion"]?.stringValue ?? "") == version + 1)
        #expect(created.body["metadata"]?["managedFields"]?[0]?["manager"] == "fairway-tests")
    }

    @Test(arguments: [
        ("GET", "/api/v1/namespaces/default/configmaps/nope", 404, "NotFound", "configmaps \"nope\" not found"),
        ("GET", "/apis/apps/v1/namespaces/default/deployments/web", 404, "NotFound", "deployments.apps \"web\" not found"),
        ("DELETE", "/api/v1/namespaces/default/secrets/gone", 404, "NotFound", "secrets \"gone\" not found"),
        ("GET", "/apis/example.com/v1/widgets", 404, "NotFound", "the server could not find the requested resource"),
    ])
    func errorsAreWordedAsKubernetesWordsThem(method: String, path: String, code: Int, reason: String, message: String) async {
        let answer = await api.call(method, path)
        #expect(answer.status == code)
        #expect(answer.body["kind"] == "Status")
        #expect(answer.body["status"] == "Failure")
        #expect(answer.reason == reason)
        #expect(answer.message == message)
        #expect(answer.body["code"] == .int(Int64(code)))
    }

    @Test func alreadyExistsAndMissingNamespace() async {
        await api.call("POST", configMaps, body: APIHarness.configMap("dup"))
        let again = await api.call("POST", configMaps, body: APIHarness.configMap("dup"))
        #expect(again.status == 409)
        #expect(again.reason == "AlreadyExists")
        #expect(again.message == "configmaps \"dup\" already exists")
        let ghost = await api.call("POST", "/api/v1/namespaces/ghost/configmaps", body: APIHarness.configMap("x", namespace: "ghost"))
        #expect(ghost.status == 404)
        #expect(ghost.message == "namespaces \"ghost\" not found")
    }

    @Test func invalidNamesAre422() async {
        let answer = await api.call("POST", configMaps, body: APIHarness.configMap("Not_Valid"))
        #expect(answer.status == 422)
        #expect(answer.reason == "Invalid")
        #expect(answer.message.hasPrefix("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value: \"Not_Valid\": a lowercase RFC 1123 subdomain"))
        #expect(answer.body["details"]?["causes"]?[0]?["field"] == "metadata.name")
    }

    @Test func staleUpdatesConflictAndNoOpUpdatesKeepTheVersion() async {
        let created = await api.call("POST", configMaps, body: APIHarness.configMap("cas")).body
        guard case var .object(object) = created else { Issue.record("no object"); return }
        object["data"] = ["a": "2"]
        let updated = await api.call("PUT", configMaps + "/cas", body: .object(object))
        #expect(updated.status == 200)
        #expect(updated.body["data"]?["a"] == "2")
        let stale = await api.call("PUT", configMaps + "/cas", body: .object(object))
        #expect(stale.status == 409)
        #expect(stale.reason == "Conflict")
        #expect(stale.message == "Operation cannot be fulfilled on configmaps \"cas\": the object has been modified; please apply your changes to the latest version and try again")
        guard case var .object(current) = updated.body else { return }
        current.setMetadata("resourceVersion", nil)
        let same = await api.call("PUT", configMaps + "/cas", body: .object(current))
        #expect(same.body["metadata"]?["resourceVersion"] == updated.body["metadata"]?["resourceVersion"])
    }

    @Test func generationFollowsTheSpecOnly() async {
        let path = "/apis/apps/v1/namespaces/default/deployments"
        let created = await api.call("POST", path, body: APIHarness.deployment("web", containers: [["name": "app", "image": "nginx:1"]]))
        #expect(created.body["metadata"]?["generation"] == 1)
        #expect(created.body["status"]?["readyReplicas"] == 1)
        let labelled = await api.call("PATCH", path + "/web", body: ["metadata": ["labels": ["team": "a"]]],
                                      contentType: "application/merge-patch+json")
        #expect(labelled.body["metadata"]?["generation"] == 1)
        let scaled = await api.call("PATCH", path + "/web", body: ["spec": ["replicas": 3]], contentType: "application/merge-patch+json")
        #expect(scaled.body["metadata"]?["generation"] == 2)
        #expect(scaled.body["status"]?["observedGeneration"] == 2)
        #expect(scaled.body["status"]?["availableReplicas"] == 3)
    }

    @Test func scaleSubresourceReadsAndWritesReplicas() async {
        let path = "/apis/apps/v1/namespaces/default/deployments"
        await api.call("POST", path, body: APIHarness.deployment("s", containers: [["name": "app", "image": "app:1"]], replicas: 2))
        let scale = await api.call("GET", path + "/s/scale")
        #expect(scale.body["kind"] == "Scale")
        #expect(scale.body["spec"]?["replicas"] == 2)
        #expect(scale.body["status"]?["selector"] == "app=s")
        let scaled = await api.call("PATCH", path + "/s/scale", body: ["spec": ["replicas": 5]], contentType: "application/merge-patch+json")
        #expect(scaled.body["spec"]?["replicas"] == 5)
        #expect(await api.call("GET", path + "/s").body["spec"]?["replicas"] == 5)
        #expect(await api.call("GET", "/api/v1/namespaces/default/configmaps/x/scale").status == 404)
    }

    @Test func patchesMergeByTheirRules() async {
        let path = "/apis/apps/v1/namespaces/default/deployments"
        await api.call("POST", path, body: APIHarness.deployment("p", containers: [
            ["name": "app", "image": "app:1", "env": [["name": "A", "value": "1"]]], ["name": "sidecar", "image": "side:1"],
        ]))
        let strategic = await api.call("PATCH", path + "/p", body: ["spec": ["template": ["spec": ["containers": [
            ["name": "app", "image": "app:2", "env": [["name": "B", "value": "2"]]],
            ["name": "sidecar", "$patch": "delete"],
        ]]]]], contentType: "application/strategic-merge-patch+json")
        let containers = strategic.body.value(at: ["spec", "template", "spec", "containers"])?.arrayValue ?? []
        #expect(containers.count == 1)
        #expect(containers.first?["image"] == "app:2")
        #expect(containers.first?["env"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A", "B"])
        let merge = await api.call("PATCH", path + "/p", body: ["spec": ["template": ["spec": ["containers": [["name": "only", "image": "x"]]]]]],
                                   contentType: "application/merge-patch+json")
        #expect(merge.body.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.count == 1)
        #expect(merge.body.value(at: ["spec", "template", "spec", "containers"])?[0]?["name"] == "only")
        let json = await api.call("PATCH", path + "/p", body: [["op": "replace", "path": "/spec/replicas", "value": 4],
                                                                ["op": "add", "path": "/metadata/labels", "value": ["x": "y"]]],
                                  contentType: "application/json-patch+json")
        #expect(json.body["spec"]?["replicas"] == 4)
        #expect(json.body["metadata"]?["labels"]?["x"] == "y")
        let failing = await api.call("PATCH", path + "/p", body: [["op": "test", "path": "/spec/replicas", "value": 9]],
                                     contentType: "application/json-patch+json")
        #expect(failing.status == 422)
    }

    @Test func dryRunChangesNothingOnEveryVerb() async {
        let dry = ["dryRun": "All"]
        let created = await api.call("POST", configMaps, dry, body: APIHarness.configMap("dry"))
        #expect(created.status == 201)
        #expect(await api.call("GET", configMaps + "/dry").status == 404)
        let before = await api.call("POST", configMaps, body: APIHarness.configMap("real")).body
        await api.call("PATCH", configMaps + "/real", dry, body: ["data": ["a": "changed"]], contentType: "application/merge-patch+json")
        await api.apply(configMaps + "/real", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"real\"},\"data\":{\"a\":\"x\"}}",
                        manager: "m", force: true, dryRun: true)
        guard case var .object(edited) = before else { return }
        edited["data"] = ["a": "put"]
        let put = await api.call("PUT", configMaps + "/real", dry, body: .object(edited))
        #expect(put.body["data"]?["a"] == "put")
        #expect(await api.call("DELETE", configMaps + "/real", dry).status == 200)
        let after = await api.call("GET", configMaps + "/real").body
        #expect(after == before)
    }

    @Test func namespaceDeletionTerminatesThenRemovesItsContents() async throws {
        await api.call("POST", "/api/v1/namespaces", body: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "team"]])
        await api.call("POST", "/api/v1/namespaces/team/configmaps", body: APIHarness.configMap("inside", namespace: "team"))
        let deleted = await api.call("DELETE", "/api/v1/namespaces/team")
        #expect(deleted.body["status"]?["phase"] == "Terminating")
        let refused = await api.call("POST", "/api/v1/namespaces/team/configmaps", body: APIHarness.configMap("late", namespace: "team"))
        #expect(refused.status == 403)
        #expect(refused.message.hasSuffix("unable to create new content in namespace team because it is being terminated"))
        var attempts = 0
        while await api.call("GET", "/api/v1/namespaces/team").status != 404, attempts < 200 {
            attempts += 1
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await api.call("GET", "/api/v1/namespaces/team").status == 404)
        #expect(await api.call("GET", "/api/v1/namespaces/team/configmaps/inside").status == 404)
    }
}
