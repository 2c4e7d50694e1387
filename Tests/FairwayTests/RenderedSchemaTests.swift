import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore

/// Every rendered object of the template validates against its schema: Kueue and Karpenter objects
/// against their CRDs in ../shared/reference, core kinds against Kubernetes' own schemas
/// (kubernetes-validate), strictly (unknown fields are errors).
@Suite struct RenderedSchemaTests {
    func check(_ objects: [JSONValue]) throws -> (Int32, String) {
        let reference = RepoPaths.reference.path
        return try PythonCheck.run("check-k8s-schemas.py",
                                   ["--crds", "\(reference)/kueue", "--crds", "\(reference)/karpenter", "--crds", "\(reference)/kuberay",
                                    "--kubernetes-version", "1.33"], json: .array(objects))
    }

    @Test func templateRenderingIsValid() throws {
        let desired = try #require(try Pipeline().evaluate(path: RepoPaths.template.path).desired)
        let objects = desired.sortedStampedManifests.map(\.body)
        let (status, output) = try check(objects)
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(objects.count) objects checked, 0 problems"))
    }

    @Test func aMistakeIsCaught() throws {
        let desired = try #require(try Pipeline().evaluate(path: RepoPaths.template.path).desired)
        var objects = desired.sortedStampedManifests.map(\.body)
        let index = try #require(objects.firstIndex { $0["kind"] == "ClusterQueue" })
        guard case var .object(queue) = objects[index], case var .object(spec)? = queue["spec"] else { return }
        spec["cohort"] = "typo"
        queue["spec"] = .object(spec)
        objects[index] = .object(queue)
        let (status, output) = try check(objects)
        #expect(status == 1)
        #expect(output.contains(".spec.cohort: unknown field \"cohort\""))
    }
}
