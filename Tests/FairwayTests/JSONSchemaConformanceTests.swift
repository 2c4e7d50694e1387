import Foundation
import Testing
import FairwayCore
import FairwayModel
import FairwayYAML

/// The published JSON Schemas accept every template document and reject the mistakes Fairway
/// rejects, checked by Python's reference `jsonschema` implementation (what editors use).
@Suite struct JSONSchemaConformanceTests {
    /// Runs scripts/check-schemas.py over `documents` and returns its exit status and output.
    func check(_ documents: [(path: String, kind: Kind, document: JSONValue)]) throws -> (Int32, String) {
        let list = JSONValue.array(documents.map {
            ["path": .string($0.path), "kind": .string($0.kind.rawValue), "document": $0.document]
        })
        return try PythonCheck.run("check-schemas.py", [RepoPaths.template.appendingPathComponent(".schemas").path], json: list)
    }

    func templateDocuments(_ repo: TestRepo) throws -> [(path: String, kind: Kind, document: JSONValue)] {
        let headers = repo.load().platform.headers
        return try repo.files.keys.sorted().map { path in
            let stream = try YAMLParser.parse(Array(repo.files[path]!.utf8))
            let kind = try #require(headers.first { $0.path == path }?.kind)
            return (path, kind, try #require(stream.documents.first).jsonValue())
        }
    }

    @Test func templateDocumentsConformToTheirSchemas() throws {
        let (status, output) = try check(try templateDocuments(try TestRepo.template()))
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 problems"))
    }

    @Test func schemasRejectWhatFairwayRejects() throws {
        var repo = try TestRepo.template()
        try repo.replace("tenants/research.yaml", "maxWorkerReplicas: 32", with: "maxWorkerReplica: 32")
        try repo.replace("nodepools/gpu-l4-inference.yaml", "maxNodes: 10", with: "maxNodes: ten")
        try repo.replace("jupyterhub/images.yaml", "scipy-notebook:2025-06-16", with: "scipy-notebook:latest")
        try repo.replace("nodepools/gpu-h100-mig.yaml", "image: al2023", with: "image: al2024")
        let (status, output) = try check(try templateDocuments(repo))
        #expect(status == 1)
        #expect(output.contains("tenants/research.yaml: spec/ray: Additional properties are not allowed"))
        #expect(output.contains("nodepools/gpu-l4-inference.yaml: spec/capacity/maxNodes"))
        #expect(output.contains("jupyterhub/images.yaml: spec/images/0/ref"))
        #expect(output.contains("nodepools/gpu-h100-mig.yaml: spec/os/image"))
        #expect(output.contains("4 problems"))
    }
}
