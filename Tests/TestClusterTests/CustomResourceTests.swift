import FairwayTestSupport
import FairwayCore
import FairwayYAML
import Foundation
import Testing
@testable import FairwayTestCluster

/// CustomResourceDefinitions created at runtime: discovery, schema validation (422 with causes),
/// strict field validation, pruning, and deletion with their objects.
@Suite struct CustomResourceTests {
    let api = APIHarness()
    let flavors = "/apis/kueue.x-k8s.io/v1beta2/resourceflavors"

    func createFlavorCRD() async throws {
        let text = try String(contentsOf: Paths.reference.appendingPathComponent("kueue/kueue.x-k8s.io_resourceflavors.yaml"), encoding: .utf8)
        let crd = try #require(try YAMLParser.parse(Array(text.utf8), limits: YAMLLimits(maxBytes: 8 << 20)).documents.first).jsonValue()
        let created = await api.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd)
        #expect(created.status == 201, "\(created.body)")
        #expect(created.body["status"]?["conditions"]?.arrayValue?.contains { $0["type"] == "Established" && $0["status"] == "True" } == true)
    }

    func flavor(_ name: String, spec: JSONValue) -> JSONValue {
        ["apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ResourceFlavor", "metadata": ["name": .string(name)], "spec": spec]
    }

    @Test func discoveryShowsTheNewKind() async throws {
        try await createFlavorCRD()
        let aggregated = await api.call("GET", "/apis", headers: ["accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"])
        #expect(aggregated.header("content-type") == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        let kueue = aggregated.body["items"]?.arrayValue?.first { $0["metadata"]?["name"] == "kueue.x-k8s.io" }
        #expect(kueue?["versions"]?[0]?["version"] == "v1beta2")
        #expect(kueue?["versions"]?[0]?["resources"]?.arrayValue?.first?["scope"] == "Cluster")
        let legacy = await api.call("GET", "/apis/kueue.x-k8s.io/v1beta2")
        #expect(legacy.body["resources"]?.arrayValue?.contains { $0["name"] == "resourceflavors" } == true)
        let openAPI = await api.call("GET", "/openapi/v3/apis/kueue.x-k8s.io/v1beta2")
        #expect(openAPI.status == 200)
    }

    @Test func objectsAreCheckedAgainstTheSchema() async throws {
        try await createFlavorCRD()
        let valid = await api.call("POST", flavors, body: flavor("gpu", spec: ["nodeLabels": ["pool": "gpu"]]))
        #expect(valid.status == 201)
        let wrongType = await api.call("POST", flavors, body: flavor("bad", spec: ["nodeLabels": "pool"]))
        #expect(wrongType.status == 422)
        #expect(wrongType.message == "ResourceFlavor.kueue.x-k8s.io \"bad\" is invalid: spec.nodeLabels: Invalid value: \"pool\": spec.nodeLabels in body must be of type object: \"string\"")
        #expect(wrongType.body["details"]?["causes"]?[0]?["field"] == "spec.nodeLabels")
        #expect(wrongType.body["details"]?["causes"]?[0]?["reason"] == "FieldValueTypeInvalid")
        let taints: [JSONValue] = (0..<9).map { _ in ["key": "k", "effect": "NoSchedule"] }
        let several = await api.call("POST", flavors, body: flavor("several", spec: ["nodeTaints": .array(taints + [["key": "k"]])]))
        #expect(several.status == 422)
        #expect(several.message == "ResourceFlavor.kueue.x-k8s.io \"several\" is invalid: [spec.nodeTaints[9].effect: Required value, spec.nodeTaints: Too many: 10: must have at most 8 items]")
        #expect(several.body["details"]?["causes"]?.arrayValue?.count == 2)
        let strict = await api.call("POST", flavors, ["fieldValidation": "Strict"], body: flavor("strict", spec: ["bogus": 1]))
        #expect(strict.status == 400)
        #expect(strict.message.contains("strict decoding error: unknown field \"spec.bogus\""))
        let pruned = await api.call("POST", flavors, body: flavor("pruned", spec: ["bogus": 1, "nodeLabels": ["a": "b"]]))
        #expect(pruned.status == 201)
        #expect(pruned.body["spec"] == ["nodeLabels": ["a": "b"]])
        #expect(pruned.headers.contains { $0.0 == "Warning" && $0.1.contains("unknown field \\\"spec.bogus\\\"") })
        guard case var .object(updated) = valid.body else { return }
        updated["spec"] = ["nodeLabels": 5]
        #expect(await api.call("PUT", flavors + "/gpu", body: .object(updated)).status == 422)
    }

    @Test func deletingTheDefinitionDeletesItsObjects() async throws {
        try await createFlavorCRD()
        await api.call("POST", flavors, body: flavor("gpu", spec: [:]))
        #expect(await api.call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/resourceflavors.kueue.x-k8s.io").status == 200)
        #expect(await api.call("GET", flavors).status == 404)
        try await createFlavorCRD()
        #expect(await api.call("GET", flavors + "/gpu").status == 404)
    }

    @Test func definitionsThemselvesAreChecked() async {
        let crd: JSONValue = ["apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                              "metadata": ["name": "wrong.example.com"],
                              "spec": ["group": "example.com", "scope": "Namespaced",
                                       "names": ["plural": "widgets", "kind": "Widget"], "versions": []]]
        let answer = await api.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd)
        #expect(answer.status == 422)
        #expect(answer.message.contains("metadata.name: Invalid value: \"wrong.example.com\": must be spec.names.plural+\".\"+spec.group"))
    }

    @Test func defaultsAndEnumsComeFromTheSchema() async {
        let schema: JSONValue = ["type": "object", "properties": [
            "spec": ["type": "object", "default": [:] as JSONValue, "properties": [
                "size": ["type": "integer", "default": 3, "minimum": 1],
                "mode": ["type": "string", "enum": ["fast", "safe"]],
            ]],
        ]]
        let crd: JSONValue = ["apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                              "metadata": ["name": "widgets.example.com"],
                              "spec": ["group": "example.com", "scope": "Namespaced",
                                       "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]],
                                       "versions": [["name": "v1", "served": true, "storage": true, "schema": ["openAPIV3Schema": schema]]]]]
        #expect(await api.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd).status == 201)
        let widgets = "/apis/example.com/v1/namespaces/default/widgets"
        let created = await api.call("POST", widgets, body: ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "w"]])
        #expect(created.body["spec"] == ["size": 3])
        let wrong = await api.call("POST", widgets, body: ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "x"],
                                                          "spec": ["mode": "slow", "size": 0]])
        #expect(wrong.message == "Widget.example.com \"x\" is invalid: [spec.mode: Unsupported value: \"slow\": supported values: \"fast\", \"safe\", spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1]")
    }
}
