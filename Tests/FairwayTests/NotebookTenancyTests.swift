import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayFairness
import FairwayModel
import FairwayRender

/// Notebooks as tenant workloads, as rendered for the template: what each tenant's notebook
/// namespace holds for the hub, the JupyterHub values that make the hub start servers there, the
/// GPU notebooks in the admission prediction, and the checks `validate` makes of them.
@Suite struct NotebookTenancyTests {
    static func desired(_ repo: TestRepo? = nil) throws -> DesiredState {
        let path = try repo?.write().path ?? RepoPaths.template.path
        return try #require(try Pipeline().evaluate(path: path).desired)
    }

    static func object(_ desired: DesiredState, _ kind: String, _ namespace: String?, _ name: String) -> JSONValue? {
        desired.manifests.first { $0.key.kind == kind && $0.key.namespace == namespace && $0.key.name == name }?.body
    }

    @Test func theHubMayStartServersInNotebookNamespacesAndNothingMore() throws {
        let desired = try Self.desired()
        for (tenant, namespace) in [("research", "research"), ("students", "students"), ("platform", "platform-ci"),
                                    ("prod-inference", "prod-inference")] {
            // The hub is bound to the spawner ClusterRole the agent's chart installs; Fairway writes no Role.
            #expect(Self.object(desired, "Role", namespace, "fairway-jupyterhub-spawner") == nil)
            let binding = try #require(Self.object(desired, "RoleBinding", namespace, "fairway-jupyterhub-spawner"), "\(tenant)")
            #expect(binding["subjects"] == [["kind": "ServiceAccount", "name": "hub", "namespace": "jupyterhub"]])
            #expect(binding["roleRef"] == ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "fairway-jupyterhub-spawner"])
            // Under network isolation the hub and proxy are let in; platform's namespaces are open anyway.
            #expect((Self.object(desired, "NetworkPolicy", namespace, "allow-jupyterhub-to-notebooks") != nil) == (tenant != "platform"))
            #expect(Self.object(desired, "NetworkPolicy", namespace, "notebooks-deny-cloud-metadata") != nil)
        }
        // Only the notebook namespace: research-scratch and platform-tools run no servers.
        for namespace in ["research-scratch", "platform-tools"] {
            #expect(Self.object(desired, "Role", namespace, "fairway-jupyterhub-spawner") == nil)
        }
        #expect(!desired.manifests.contains { $0.key.kind == "PersistentVolumeClaim" }, "the template has no team volume")
    }

    @Test func theHubValuesHandServersToTheTenants() throws {
        let desired = try Self.desired()
        let values = try #require(desired.helmReleases.first { $0.name == "jupyterhub" }?.values)
        #expect(values["hub"]?["networkPolicy"]?["interNamespaceAccessLabels"] == "accept")
        #expect(values["singleuser"]?["cloudMetadata"]?["blockWithIptables"] == false)
        let profiles = try #require(values["singleuser"]?["profileList"]?.arrayValue)
        let l4 = try #require(profiles.first { $0["slug"] == "pytorch-l4" })
        #expect(l4["kubespawner_override"]?["extra_labels"]?["kueue.x-k8s.io/queue-name"] == "l4")
        #expect(l4["kubespawner_override"]?["storage_capacity"] == "50Gi")
        let cpu = try #require(profiles.first { $0["slug"] == "cpu-standard" })
        #expect(cpu["kubespawner_override"]?["extra_labels"] == nil)
        let config = try #require(values["hub"]?["extraConfig"]?["fairway-tenant-notebooks"]?.stringValue)
        #expect(config.contains("c.KubeSpawner.pre_spawn_hook = _fairway_pre_spawn"))
        #expect(config.contains("c.JupyterHub.allow_named_servers = True"), "research and platform allow 2 servers per user")
        #expect(values["ingress"] == ["enabled": true, "hosts": ["notebooks.example.com"], "ingressClassName": "nginx",
                                      "tls": [["hosts": ["notebooks.example.com"], "secretName": "notebooks-example-com-tls"]]])
    }

    @Test func aTeamVolumeIsOneClaimPerNotebookNamespace() throws {
        var repo = try TestRepo.template()
        try repo.replace("jupyterhub/images.yaml", "    storage: 20Gi ", with: "    teamVolume:\n      size: 500Gi\n      storageClass: efs-sc\n    storage: 20Gi ")
        let desired = try Self.desired(repo)
        let claims = desired.manifests.filter { $0.key.kind == "PersistentVolumeClaim" }
        #expect(Set(claims.compactMap(\.key.namespace)) == ["research", "students", "platform-ci", "prod-inference"])
        let claim = try #require(Self.object(desired, "PersistentVolumeClaim", "research", "team-volume"))
        #expect(claim["spec"] == ["accessModes": ["ReadWriteMany"], "resources": ["requests": ["storage": "500Gi"]],
                                  "storageClassName": "efs-sc"])
    }

    /// GPU notebooks are Kueue workloads of their tenant: the prediction holds `maxGpuServers` of
    /// them (the tenant's largest profile in the class) beside the Ray workloads.
    @Test func gpuNotebooksArePredictedAsKueueWorkloads() throws {
        let report = Fairness.evaluate(try TestRepo.template().load().platform)
        let shared = try #require(report.classes.first { $0.gpuClass == "a10g-shared" })
        let notebooks = shared.workloads.filter { $0.kind == "Notebook" }
        #expect(notebooks.filter { $0.tenant == "students" }.count == 16)
        #expect(notebooks.filter { $0.tenant == "research" }.count == 8)
        #expect(notebooks.filter { $0.tenant == "platform" }.count == 2)
        #expect(notebooks.allSatisfy { $0.gpus == 1 })
        let students = try #require(notebooks.first { $0.tenant == "students" })
        #expect(students.path == "tenants/students.yaml" && students.line != nil)
        let l4 = try #require(report.classes.first { $0.gpuClass == "l4" })
        #expect(!l4.workloads.contains { $0.kind == "Notebook" && $0.tenant == "prod-inference" }, "maxGpuServers: 0")
    }

    @Test func aProfileImageWhoseRayDiffersFromTheTenantsClustersIsReported() throws {
        var repo = try TestRepo.template()
        try repo.replace("jupyterhub/images.yaml", "      ref: quay.io/jupyter/pytorch-notebook:cuda12-2025-06-16\n",
                         with: "      ref: quay.io/jupyter/pytorch-notebook:cuda12-2025-06-16\n      rayVersion: \"2.49.0\"\n")
        let result = repo.load()
        let mismatches = result.diagnostics.filter { $0.code == "ray-version-mismatch" }
        let line = try repo.line(of: "rayVersion: \"2.49.0\"", in: "jupyterhub/images.yaml")
        #expect(mismatches.allSatisfy { $0.severity == .warning && $0.location?.path == "jupyterhub/images.yaml" && $0.location?.line == line })
        // research's hpo-sweep and students' ray-intro run 2.52.0, and both tenants offer pytorch-cuda12 profiles.
        #expect(mismatches.contains { $0.message.contains("RayCluster hpo-sweep runs Ray 2.52.0") })
        #expect(mismatches.contains { $0.message.contains("tenant students") })
        #expect(!mismatches.contains { $0.message.contains("tenant prod-inference") }, "prod-inference offers only the CPU profile")
        #expect(!result.diagnostics.hasErrors)

        try repo.replace("jupyterhub/images.yaml", "rayVersion: \"2.49.0\"", with: "rayVersion: \"2.52.0\"")
        #expect(!repo.load().diagnostics.contains { $0.code == "ray-version-mismatch" })
    }
}
