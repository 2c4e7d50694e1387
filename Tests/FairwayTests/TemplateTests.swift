import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayModel
import FairwaySource

/// The template and every bundled policy load cleanly, so examples cannot drift from the schema.
@Suite struct TemplateTests {
    @Test func templateIsValidWithoutWarnings() throws {
        let result = try TestRepo.template().load()
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))")
        let platform = result.platform
        #expect(platform.cluster != nil)
        #expect(platform.tenants.count >= 4)
        #expect(platform.nodePools.count >= 5)
        #expect(Set(platform.rayWorkloads.map(\.kind)) == [.rayJob, .rayCluster, .rayService])
        #expect(platform.notebookCatalog != nil)
        #expect(platform.fairnessPolicy?.path == "policies/default.yaml")
        #expect(platform.nodePools.contains { $0.spec.provisioner == .managedNodeGroup && $0.spec.gpu?.sharing?.mode == .mig })
    }

    @Test func everyTemplateFileIsLoaded() throws {
        let repo = try TestRepo.template()
        let result = repo.load()
        let loaded = Set(result.platform.headers.map(\.path))
        #expect(loaded == Set(repo.files.keys), "files not turned into documents: \(Set(repo.files.keys).subtracting(loaded))")
    }

    @Test func templateFilesPointAtTheirSchema() throws {
        let repo = try TestRepo.template()
        for (path, text) in repo.files {
            let depth = path.split(separator: "/").count - 1
            let prefix = depth == 0 ? "./" : String(repeating: "../", count: depth)
            let kind = try #require(repo.load().platform.headers.first { $0.path == path }?.kind)
            let expected = "# yaml-language-server: $schema=\(prefix).schemas/\(JSONSchemaGenerator.fileName(for: kind))"
            #expect(text.hasPrefix(expected), "\(path) should start with \(expected)")
        }
    }

    @Test func templateSchemasAreUpToDate() throws {
        for kind in Kind.allCases {
            let url = RepoPaths.template.appendingPathComponent(".schemas/\(JSONSchemaGenerator.fileName(for: kind))")
            let onDisk = try String(contentsOf: url, encoding: .utf8)
            #expect(onDisk == JSONWriter.string(JSONSchemaGenerator.schema(for: kind), pretty: true),
                    "\(url.lastPathComponent) is stale: run `make schemas`")
        }
    }

    @Test func bundledPoliciesMatchThePoliciesFolder() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: RepoPaths.policies.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(BundledPolicies.files.map(\.path) == names.map { "policies/\($0)" })
        for file in BundledPolicies.files {
            let onDisk = try Data(contentsOf: RepoPaths.root.appendingPathComponent(file.path))
            #expect(Array(onDisk) == file.bytes, "\(file.path) is stale: run `make generate`")
        }
    }

    @Test func bundledPoliciesLoadOnTheirOwn() throws {
        // A repository of only the bundled policies: each policy document is read and typed without problems.
        let snapshot = SourceSnapshot(origin: "test", revision: "test", files: BundledPolicies.files, diagnostics: [])
        let result = PlatformLoader(bundledPolicies: []).load(snapshot)
        let policyProblems = result.diagnostics.filter { $0.location?.path.hasPrefix("policies/") == true }
        #expect(policyProblems.isEmpty, "\(policyProblems)")
        #expect(result.platform.fairnessPolicy?.spec.defaultWeight == 1)
        #expect(result.platform.sharingPolicies.map(\.name) == ["gpu-sharing"])
        #expect(result.platform.sharingPolicies.first?.spec.timeSlicing?.allowedWorkloads == ["Notebook", "RayCluster"])
    }

    @Test func repositoryPoliciesOverrideBundledOnesByName() throws {
        let result = try TestRepo.template().load()
        #expect(result.platform.fairnessPolicy?.path == "policies/default.yaml")
        #expect(result.platform.sharingPolicies.map(\.path) == ["policies/gpu-sharing.yaml"])
    }

    @Test func bundledPoliciesApplyWhenTheRepositoryHasNone() throws {
        var repo = try TestRepo.template()
        repo.files["policies/gpu-sharing.yaml"] = nil
        let result = repo.load()
        #expect(result.platform.sharingPolicies.map(\.path) == ["\(BundledPolicies.prefix)policies/gpu-sharing.yaml"])
    }

    @Test func templateRendersTenantObjectsWithOwnership() throws {
        let evaluation = try Pipeline().evaluate(path: RepoPaths.template.path)
        let desired = try #require(evaluation.desired)
        #expect(!desired.manifests.isEmpty)
        for manifest in desired.sortedStampedManifests {
            #expect(Ownership.isOwned(manifest.body), "\(manifest.key) lacks the managed-by label")
            let source = manifest.body["metadata"]?["annotations"]?[Ownership.sourceAnnotation]?.stringValue
            let path = source.map { String($0.prefix { $0 != "@" }) } ?? ""
            #expect(["tenants/", "policies/", "nodepools/", "ray/", "cluster.yaml"].contains { path.hasPrefix($0) }, "\(manifest.key)")
            #expect(source?.hasSuffix("@local") == true)
        }
        let kinds = Set(desired.manifests.map(\.key.kind))
        #expect(kinds == ["Namespace", "ResourceQuota", "LimitRange", "RoleBinding", "NetworkPolicy", "ServiceAccount",
                          "PriorityClass", "WorkloadPriorityClass", "ResourceFlavor", "Cohort", "ClusterQueue", "LocalQueue",
                          "NodePool", "EC2NodeClass", "RayJob", "RayCluster", "RayService"])
    }

    @Test func renderingIsDeterministic() throws {
        let a = try Pipeline().evaluate(path: RepoPaths.template.path).desired?.manifests
        let b = try Pipeline().evaluate(path: RepoPaths.template.path).desired?.manifests
        let bytesA = (a ?? []).map { JSONWriter.string($0.body) }
        let bytesB = (b ?? []).map { JSONWriter.string($0.body) }
        #expect(bytesA == bytesB)
    }
}

/// The live reader searches a cluster for owned objects of `KindFacts.rendered` only: every kind the
/// template renders must be listed there, or pruning would miss its objects.
struct RenderedKindsTests {
    @Test func everyRenderedKindIsManaged() throws {
        let evaluation = try Pipeline().evaluate(path: RepoPaths.template.path)
        let rendered = Set(try #require(evaluation.desired).manifests.map { "\($0.key.apiVersion) \($0.key.kind)" })
        let managed = Set(KindFacts.rendered.map { "\($0.apiVersion) \($0.kind)" })
        #expect(rendered.subtracting(managed).isEmpty, "\(rendered.subtracting(managed))")
    }
}
