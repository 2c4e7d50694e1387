import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayDiff
import FairwayRender

/// The template's EKS node groups and Helm releases: request shapes checked against the EKS API
/// model, JupyterHub values against the chart's schema, replacement detection, values merging, and
/// the files `fairway render --out` writes.
@Suite struct RenderedAddonsTests {
    static func desired() throws -> DesiredState {
        try #require(try Pipeline().evaluate(path: RepoPaths.template.path).desired)
    }

    static func checkEKS(_ requests: [JSONValue]) throws -> (Int32, String) {
        try PythonCheck.run("check-eks-shapes.py", [RepoPaths.reference.appendingPathComponent("eks/eks-2017-11-01-service-2.json").path],
                            json: .array(requests))
    }

    static func checkHubValues(_ values: JSONValue) throws -> (Int32, String) {
        try PythonCheck.run("check-helm-values.py", [RepoPaths.reference.appendingPathComponent("jupyterhub/values.schema.yaml").path,
                                                     "--defaults", RepoPaths.reference.appendingPathComponent("jupyterhub/values.yaml").path],
                            json: values)
    }

    static func requests(_ groups: [NodeGroup]) -> [JSONValue] {
        groups.flatMap { group -> [JSONValue] in [
            ["operation": "CreateNodegroup", "name": .string(group.name), "input": group.create],
            ["operation": "UpdateNodegroupConfig", "name": .string(group.name), "input": group.updateConfig],
        ] }
    }

    @Test func nodeGroupRequestsMatchTheEKSModel() throws {
        let groups = try Self.desired().nodeGroups
        #expect(groups.map(\.name) == ["gpu-h100-mig"])
        let create = try #require(groups.first?.create)
        #expect(create["amiType"] == "AL2023_x86_64_NVIDIA")
        #expect(create["capacityType"] == "ON_DEMAND")
        #expect(create["taints"] == [["key": "nvidia.com/gpu", "effect": "NO_SCHEDULE"]])
        #expect(create["labels"]?["nvidia.com/mig.config"] == "all-1g.10gb")
        let (status, output) = try Self.checkEKS(Self.requests(groups))
        #expect(status == 0, "\(output)")
        #expect(output.contains("2 requests checked, 0 problems"))
    }

    @Test func aWrongEKSShapeIsCaught() throws {
        var group = try #require(try Self.desired().nodeGroups.first)
        guard case var .object(create) = group.create else { return }
        create["taints"] = [["key": "nvidia.com/gpu", "effect": "NoSchedule"]]
        create["diskSizeGb"] = 100
        group.create = .object(create)
        let (status, output) = try Self.checkEKS(Self.requests([group]))
        #expect(status == 1)
        #expect(output.contains("taints[0].effect: 'NoSchedule' is not one of TaintEffect's values"))
        #expect(output.contains("diskSizeGb: unknown member of CreateNodegroupRequest"))
    }

    @Test func jupyterHubValuesMatchTheChartSchema() throws {
        let hub = try #require(try Self.desired().helmReleases.first { $0.name == "jupyterhub" })
        let (status, output) = try Self.checkHubValues(hub.values)
        #expect(status == 0, "\(output)")
        let profiles = try #require(hub.values["singleuser"]?["profileList"]?.arrayValue)
        #expect(profiles.count == 4)
        let mig = try #require(profiles.first { $0["slug"] == "pytorch-h100-mig" })
        #expect(mig["kubespawner_override"]?["extra_resource_limits"] == ["nvidia.com/mig-1g.10gb": "1"])
        #expect(mig["kubespawner_override"]?["node_selector"] == ["fairway.dev/node-pool": "gpu-h100-mig"])
        #expect(mig["kubespawner_override"]?["tolerations"]?.arrayValue?.first?["key"] == "nvidia.com/gpu")
        let cpu = try #require(profiles.first { $0["slug"] == "cpu-standard" })
        #expect(cpu["profile_options"]?["image"]?["choices"]?.objectValue?.keys == ["scipy", "pytorch-cpu"])
        #expect(cpu["kubespawner_override"]?["mem_guarantee"] == .int(4 * 1024 * 1024 * 1024))
        // The repository's values win over computed ones; secrets are referenced, never inlined.
        #expect(hub.values["proxy"]?["service"]?["type"] == "ClusterIP")
        #expect(hub.values["hub"]?["extraEnv"]?["OAUTH_CLIENT_SECRET"]?["valueFrom"]?["secretKeyRef"]?["name"] == "jupyterhub-cognito-oauth")
        let python = try #require(hub.values["hub"]?["extraConfig"]?["fairway-tenant-notebooks"]?.stringValue)
        #expect(python.contains("\"name\":\"students\""))
    }

    @Test func aWrongHubValueIsCaught() throws {
        let hub = try #require(try Self.desired().helmReleases.first { $0.name == "jupyterhub" })
        let broken = hub.values.merging(["singleuser": ["startTimeout": "10m"], "cull": ["timout": 5]])
        let (status, output) = try Self.checkHubValues(broken)
        #expect(status == 1)
        #expect(output.contains(".singleuser.startTimeout"))
        #expect(output.contains("'timout' was unexpected"))
    }

    @Test func releasesCarryPinnedChartsAndComputedValues() throws {
        let releases = try Self.desired().helmReleases
        #expect(releases.map(\.name) == ["kueue", "kuberay-operator", "gpu-operator", "jupyterhub"])
        #expect(releases.map(\.version) == ["0.19.2", "1.7.0", "v26.7.0", "4.4.0"])
        let gpu = try #require(releases.first { $0.name == "gpu-operator" })
        #expect(gpu.values["driver"]?["enabled"] == false)
        #expect(gpu.values["mig"]?["strategy"] == "mixed")
        let slicing = try #require(gpu.values["devicePlugin"]?["config"]?["data"]?["gpu-a10g-shared"]?.stringValue)
        #expect(slicing.contains("replicas: 4"))
        let kuberay = try #require(releases.first { $0.name == "kuberay-operator" })
        #expect(kuberay.values["resources"]?["limits"]?["memory"] == "1Gi")
        let kueue = try #require(releases.first { $0.name == "kueue" })
        let config = try #require(kueue.values["managerConfig"]?["controllerManagerConfigYaml"]?.stringValue)
        #expect(config.contains("ray.io/rayjob") && config.contains("fairSharing"))
    }

    @Test func valuesMergeLikeHelm() {
        let base: JSONValue = ["a": ["b": 1, "c": [1, 2]], "d": "x"]
        #expect(base.merging(["a": ["c": [3]], "d": .null, "e": true]) == ["a": ["b": 1, "c": [3]], "e": true])
    }

    @Test func nodeGroupChangesAreInPlaceOrReplacements() throws {
        let group = try #require(try Self.desired().nodeGroups.first)
        #expect(NodeGroupDiff.compare(group, live: nil) == .create)
        // Live as DescribeNodegroup reports it: same fields, lists in another order, extra fields.
        guard case var .object(live) = group.create else { return }
        live["status"] = "ACTIVE"
        live["subnets"] = .array((group.create["subnets"]?.arrayValue ?? []).reversed())
        #expect(NodeGroupDiff.compare(group, live: .object(live)) == .unchanged)

        var scaled = live
        scaled["scalingConfig"] = ["minSize": 0, "maxSize": 2, "desiredSize": 2]
        scaled["labels"] = ["ml.example.com/workload": "mig-shared", "fairway.dev/gpu-class": "h100-mig",
                            "fairway.dev/node-pool": "gpu-h100-mig",
                            "nvidia.com/mig.config": "all-1g.10gb", "stale": "yes"]
        guard case let .update(request, fields) = NodeGroupDiff.compare(group, live: .object(scaled)) else {
            Issue.record("expected an in-place update")
            return
        }
        #expect(fields.map(\.path) == ["scalingConfig", "labels"])
        #expect(request["labels"] == ["removeLabels": ["stale"]])
        #expect(request["scalingConfig"] == group.create["scalingConfig"])

        var otherType = live
        otherType["instanceTypes"] = ["p4d.24xlarge"]
        otherType["capacityType"] = "SPOT"
        guard case let .replace(reasons) = NodeGroupDiff.compare(group, live: .object(otherType)) else {
            Issue.record("expected a replacement")
            return
        }
        #expect(reasons.map(\.path) == ["instanceTypes", "capacityType"])
    }

    @Test func renderWritesGroupedFilesAndReplacesAnEarlierRender() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-render-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let desired = try Self.desired()
        let first = try RenderWriter(directory: dir).write(desired)
        #expect(first.objects == desired.manifests.count)
        #expect(first.files.contains("kubernetes/_cluster/namespace.yaml"))
        #expect(first.files.contains("kubernetes/research/resourcequota.yaml"))
        #expect(first.files.contains("helm/jupyterhub.values.yaml") && first.files.contains("helm/releases.yaml"))
        #expect(first.files.contains("eks/gpu-h100-mig.json"))
        let stale = "\(dir)/kubernetes/old-namespace/configmap.yaml"
        try FileManager.default.createDirectory(atPath: "\(dir)/kubernetes/old-namespace", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: stale))
        let before = try Self.contents(dir)
        _ = try RenderWriter(directory: dir).write(desired)
        #expect(!FileManager.default.fileExists(atPath: stale))
        // Byte-identical output for the same input.
        var after = try Self.contents(dir)
        after["kubernetes/old-namespace/configmap.yaml"] = "x"
        #expect(after == before)

        let foreign = dir + "-foreign"
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: foreign) }
        try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(foreign)/notes.txt"))
        #expect(throws: RenderWriterError.self) { try RenderWriter(directory: foreign).write(desired) }
        #expect(FileManager.default.fileExists(atPath: "\(foreign)/notes.txt"))
    }

    static func contents(_ dir: String) throws -> [String: String] {
        var out: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: "\(dir)/\(path)", isDirectory: &isDirectory)
            if !isDirectory.boolValue { out[path] = try String(contentsOfFile: "\(dir)/\(path)", encoding: .utf8) }
        }
        return out
    }
}
