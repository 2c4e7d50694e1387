import FairwayCore
import Testing
@testable import FairwayTestCluster

/// Server-side apply: ownership per manager, conflicts, forcing, and fields an applier stops applying.
@Suite struct ServerSideApplyTests {
    let api = APIHarness()
    let path = "/api/v1/namespaces/default/configmaps/settings"

    func configMap(_ data: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n\(data)"
    }

    @Test func applyCreatesAndRecordsOwnership() async {
        let created = await api.apply(path, configMap("  a: \"1\"\n  b: \"2\"\n"), manager: "alice")
        #expect(created.status == 201)
        let entry = created.body["metadata"]?["managedFields"]?[0]
        #expect(entry?["manager"] == "alice")
        #expect(entry?["operation"] == "Apply")
        #expect(entry?["fieldsType"] == "FieldsV1")
        #expect(entry?["fieldsV1"] == ["f:data": ["f:a": [:] as JSONValue, "f:b": [:] as JSONValue]])
        let again = await api.apply(path, configMap("  a: \"1\"\n  b: \"2\"\n"), manager: "alice")
        #expect(again.status == 200)
        #expect(again.body["metadata"]?["resourceVersion"] == created.body["metadata"]?["resourceVersion"])
    }

    @Test func conflictsNameTheOtherManagerAndForceTakesOver() async {
        await api.apply(path, configMap("  a: \"1\"\n  b: \"2\"\n"), manager: "alice")
        let conflict = await api.apply(path, configMap("  a: \"9\"\n"), manager: "bob")
        #expect(conflict.status == 409)
        #expect(conflict.reason == "Conflict")
        #expect(conflict.message == "Apply failed with 1 conflict: conflict with \"alice\" using v1: .data.a")
        #expect(conflict.body["details"]?["causes"]?[0]?["reason"] == "FieldManagerConflict")
        #expect(conflict.body["details"]?["causes"]?[0]?["field"] == ".data.a")
        let shared = await api.apply(path, configMap("  b: \"2\"\n"), manager: "bob")
        #expect(shared.status == 200)
        let forced = await api.apply(path, configMap("  a: \"9\"\n  b: \"2\"\n"), manager: "bob", force: true)
        #expect(forced.status == 200)
        #expect(forced.body["data"]?["a"] == "9")
        let managers = forced.body["metadata"]?["managedFields"]?.arrayValue ?? []
        let alice = managers.first { $0["manager"] == "alice" }
        #expect(alice?["fieldsV1"] == ["f:data": ["f:b": [:] as JSONValue]])
    }

    @Test func fieldsNoLongerAppliedAreRemovedUnlessSomeoneElseOwnsThem() async {
        await api.apply(path, configMap("  a: \"1\"\n  b: \"2\"\n  c: \"3\"\n"), manager: "alice")
        await api.apply(path, configMap("  c: \"3\"\n"), manager: "bob")
        let shrunk = await api.apply(path, configMap("  a: \"1\"\n"), manager: "alice")
        #expect(shrunk.body["data"] == ["a": "1", "c": "3"])
    }

    @Test func listItemsMergeByKey() async {
        let deployments = "/apis/apps/v1/namespaces/default/deployments/web"
        let base = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:

            """
        await api.apply(deployments, base + "      - {name: app, image: app:1, ports: [{containerPort: 80}]}\n", manager: "ci")
        let sidecar = await api.apply(deployments, base + "      - {name: proxy, image: envoy:1}\n", manager: "mesh")
        let containers = sidecar.body.value(at: ["spec", "template", "spec", "containers"])?.arrayValue ?? []
        #expect(containers.compactMap { $0["name"]?.stringValue } == ["app", "proxy"])
        #expect(containers.first?["ports"]?[0]?["protocol"] == "TCP")
        let fields = sidecar.body["metadata"]?["managedFields"]?.arrayValue?.first { $0["manager"] == "mesh" }?["fieldsV1"]
        #expect(fields?.value(at: ["f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"proxy\"}", "f:image"]) == [:] as JSONValue)
        let removed = await api.apply(deployments, base + "      - {name: app, image: app:2, ports: [{containerPort: 80}]}\n", manager: "ci")
        #expect(removed.body.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.count == 2)
    }

    @Test func applyNeedsAFieldManager() async {
        let request = APIRequest(method: "PATCH", path: path, headers: ["content-type": "application/apply-patch+yaml"],
                                 body: Array(configMap("  a: \"1\"\n").utf8))
        let response = await api.server.handle(request)
        #expect(response.status == 400)
    }
}
