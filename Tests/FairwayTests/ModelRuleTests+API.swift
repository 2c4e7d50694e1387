import FairwayPipeline
import Testing
import FairwayAgent
import FairwayCore
@testable import FairwayModel

/// Values `validate` once accepted that the API server, Karpenter, KubeRay or AWS refuse later, and
/// input whose problem was reported at the wrong place or without its cause (#20). Each row is one
/// mistake in a copy of the template that must give exactly one error at the field's line.
extension ModelRuleTests {
    static let apiCases: [RuleCase] = [
        // Kubernetes: quantities in ResourceQuota and container resources are non-negative.
        RuleCase(code: "invalid-value", path: "ray/research/qwen-finetune.yaml", old: "    cpu: \"8\"\n",
                 new: "    cpu: \"-8\"\n", lineOf: "cpu: \"-8\""),
        RuleCase(code: "invalid-value", path: "tenants/students.yaml", old: "requests.storage: 4Ti",
                 new: "requests.storage: -4Ti", lineOf: "requests.storage: -4Ti"),
        // int32 fields (RayJob activeDeadlineSeconds).
        RuleCase(code: "invalid-value", path: "ray/research/qwen-finetune.yaml", old: "activeDeadlineSeconds: 43200",
                 new: "activeDeadlineSeconds: 2147483648", lineOf: "activeDeadlineSeconds: 2147483648",
                 hint: "the value lands in a Kubernetes int32 field"),
        // PriorityClass names starting `system-` are reserved.
        RuleCase(code: "reserved-name", path: "cluster.yaml", old: "      - name: scavenger\n",
                 new: "      - name: system-low\n        value: 1\n      - name: scavenger\n", lineOf: "name: system-low"),
        // ResourceQuota takes standard resource names only (or qualified names, `count/...`).
        RuleCase(code: "unknown-resource", path: "tenants/students.yaml", old: "requests.cpu: \"64\"",
                 new: "requests.cpus: \"64\"", lineOf: "requests.cpus:", hint: "did you mean `requests.cpu`?"),
        // Label values and restricted label domains.
        RuleCase(code: "invalid-value", path: "nodepools/gpu-l4-inference.yaml", old: "ml.example.com/workload: inference",
                 new: "ml.example.com/workload: \"inference pool\"", lineOf: "ml.example.com/workload:"),
        RuleCase(code: "restricted-label", path: "nodepools/gpu-l4-inference.yaml", old: "ml.example.com/workload: inference",
                 new: "kubernetes.io/workload: inference", lineOf: "kubernetes.io/workload:"),
        RuleCase(code: "restricted-label", path: "nodepools/gpu-h100-mig.yaml", old: "  labels:\n",
                 new: "  labels:\n    team.k8s.io/owner: ml\n", lineOf: "team.k8s.io/owner:"),
        RuleCase(code: "restricted-label", path: "nodepools/gpu-l4-inference.yaml", old: "ml.example.com/workload: inference",
                 new: "karpenter.sh/workload: inference", lineOf: "karpenter.sh/workload:"),
        // Karpenter's duration pattern ^(([0-9]+(s|m|h))+|Never)$: no fractions.
        RuleCase(code: "invalid-value", path: "nodepools/gpu-l4-inference.yaml", old: "consolidateAfter: 10m",
                 new: "consolidateAfter: 1.5h", lineOf: "consolidateAfter: 1.5h"),
        RuleCase(code: "invalid-value", path: "nodepools/gpu-l4-inference.yaml", old: "expireAfter: 168h",
                 new: "expireAfter: 500ms", lineOf: "expireAfter: 500ms"),
        // Image references: a tag after `:` and a 64-hex sha256 digest.
        RuleCase(code: "invalid-value", path: "ray/research/qwen-finetune.yaml", old: "image: rayproject/ray:2.52.0-py311-gpu",
                 new: "image: \"rayproject/ray:\"", lineOf: "image: \"rayproject/ray:\""),
        RuleCase(code: "invalid-value", path: "ray/research/qwen-finetune.yaml", old: "image: rayproject/ray:2.52.0-py311-gpu",
                 new: "image: rayproject/ray@sha256:abc123", lineOf: "image: rayproject/ray@sha256"),
        RuleCase(code: "invalid-value", path: "jupyterhub/images.yaml", old: "scipy-notebook:2025-06-16",
                 new: "scipy-notebook:-bad", lineOf: "scipy-notebook:-bad"),
        // A worker asking for more GPUs than any node of its class has.
        RuleCase(code: "gpus-exceed-node", path: "ray/research/qwen-finetune.yaml", old: "gpu: 4 ", new: "gpu: 9 ",
                 lineOf: "gpu: 9 "),
        // Zones of the cluster's region only.
        RuleCase(code: "zone-outside-region", path: "nodepools/gpu-a100-training.yaml",
                 old: "AZ\n      - us-west-2b", new: "AZ\n      - us-east-1b", lineOf: "- us-east-1b"),
        // Subnet ids and role ARNs as AWS writes them.
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "subnet-0a1b2c3d4e5f60701",
                 new: "subnet-0a1b2c3", lineOf: "subnet-0a1b2c3 "),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "us-west-2b: subnet-0a1b2c3d4e5f60702",
                 new: "us-west-2b: subnet-0A1B", lineOf: "us-west-2b: subnet-0A1B"),
        // Managed node groups are placed in their zones' subnets: spec.eks.subnets says which those are.
        RuleCase(code: "zone-without-subnet", path: "nodepools/gpu-h100-mig.yaml", old: "      - us-west-2b            # where",
                 new: "      - us-west-2d            # where", lineOf: "- us-west-2d"),
        RuleCase(code: "subnet-not-listed", path: "cluster.yaml", old: "us-west-2c: subnet-0a1b2c3d4e5f60703",
                 new: "us-west-2c: subnet-0a1b2c3d4e5f60799", lineOf: "us-west-2c: subnet-0a1b2c3d4e5f60799"),
        RuleCase(code: "zone-outside-region", path: "cluster.yaml", old: "us-west-2c: subnet-0a1b2c3d4e5f60703",
                 new: "eu-west-1c: subnet-0a1b2c3d4e5f60703", lineOf: "eu-west-1c:"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "nodeRoleArn: arn:aws:iam::111122223333:role/",
                 new: "nodeRoleArn: arn:aws:iam::111122223333:user/", lineOf: "nodeRoleArn:"),
        RuleCase(code: "invalid-value", path: "tenants/students.yaml", old: "iamRoleArn: arn:aws:iam::111122223333:role/",
                 new: "iamRoleArn: arn:aws:iam::1111:role/", lineOf: "iamRoleArn:"),
        // EKS versions are major.minor; Helm releases pin one SemVer chart version.
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "kubernetesVersion: \"1.33\"",
                 new: "kubernetesVersion: abc", lineOf: "kubernetesVersion: abc"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "kubernetesVersion: \"1.33\"",
                 new: "kubernetesVersion: \"1.33.2\"", lineOf: "kubernetesVersion:"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "version: 0.19.2", new: "version: latest",
                 lineOf: "version: latest", hint: "pin one version from the chart repository's index (a range or `latest` would change under you)"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "version: 4.4.0", new: "version: ^4.4", lineOf: "version: ^4.4"),
        // AWS: the region, Karpenter's node role name and discovery tag, Cognito's domain and pool id.
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "    region: us-west-2", new: "    region: oregon",
                 lineOf: "region: oregon"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "nodeRole: KarpenterNodeRole-ml-platform",
                 new: "nodeRole: \"Karpenter Node Role\"", lineOf: "nodeRole:"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "discoveryTag: ml-platform", new: "discoveryTag: \"\"",
                 lineOf: "discoveryTag:"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "domain: ml-platform ", new: "domain: \"ml platform\" ",
                 lineOf: "domain:"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "userPoolId: us-west-2_EXAMPLE12", new: "userPoolId: EXAMPLE12",
                 lineOf: "userPoolId:"),
        // Ingress: an IngressClass name and a host are DNS subdomains (a host may begin `*.`).
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "host: notebooks.example.com", new: "host: https://notebooks.example.com",
                 lineOf: "host:"),
        // A zero interval or timeout is a busy loop or an immediate failure.
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "interval: 5m ", new: "interval: 0s ", lineOf: "interval: 0s"),
        RuleCase(code: "invalid-value", path: "jupyterhub/images.yaml", old: "startTimeout: 10m", new: "startTimeout: \"0\"",
                 lineOf: "startTimeout:"),
        // KubeRay's rayStartParams is a map of strings: a list cannot become one.
        RuleCase(code: "wrong-type", path: "ray/research/qwen-finetune.yaml", old: "num-cpus: \"0\"", new: "num-cpus: [0]",
                 lineOf: "num-cpus: [0]"),
        // The envelope: a wrongly typed apiVersion, kind, metadata or name is named at its value.
        RuleCase(code: "wrong-type", path: "tenants/students.yaml", old: "kind: Tenant", new: "kind: [Tenant]", lineOf: "kind: [Tenant]"),
        RuleCase(code: "wrong-type", path: "tenants/students.yaml", old: "apiVersion: fairway.dev/v1alpha1",
                 new: "apiVersion: {version: v1alpha1}", lineOf: "apiVersion:"),
        RuleCase(code: "wrong-type", path: "tenants/students.yaml", old: "metadata:\n  name: students\n",
                 new: "metadata: students\n", lineOf: "metadata: students"),
        RuleCase(code: "wrong-type", path: "tenants/students.yaml", old: "  name: students\n", new: "  name: [students]\n",
                 lineOf: "name: [students]"),
    ]

    static let locationCases: [RuleCase] = [
        RuleCase(code: "control-character", path: "tenants/students.yaml", old: "displayName: Students and",
                 new: "displayName: Students\u{07} and", lineOf: "displayName:"),
        RuleCase(code: "nbsp-indentation", path: "tenants/students.yaml", old: "  displayName:",
                 new: "\u{A0} displayName:", lineOf: "displayName:"),
        RuleCase(code: "yaml-tag", path: "tenants/students.yaml", old: "displayName: Students and Interns",
                 new: "displayName: !!binary U3R1ZGVudHM=", lineOf: "displayName:"),
        RuleCase(code: "yaml-tag", path: "cluster.yaml", old: "kubernetesVersion: \"1.33\"",
                 new: "kubernetesVersion: !Ref KubernetesVersion", lineOf: "kubernetesVersion:"),
        RuleCase(code: "unknown-field", path: "tenants/students.yaml", old: "  displayName:",
                 new: "  display\u{200B}Name:", lineOf: "Name: Students"),
    ]

    @Test(arguments: apiCases + locationCases)
    func apiRuleGivesOneDiagnostic(_ c: RuleCase) throws {
        try Self.expectOneDiagnostic(c)
    }

    /// The sharing policy's `mig.allowedWorkloads` holds for notebook profiles as it does for Ray
    /// workloads: without `Notebook` there, a MIG profile is refused at its `mig` field.
    @Test func migNotebookProfileFollowsTheSharingPolicy() throws {
        var repo = try TestRepo.template()
        let policy = try #require(repo.files["policies/gpu-sharing.yaml"])
        let mig = try #require(policy.range(of: "  mig:"))
        repo.files["policies/gpu-sharing.yaml"] = String(policy[..<mig.lowerBound])
            + policy[mig.lowerBound...].replacingOccurrences(of: "      - Notebook\n", with: "")
        let errors = Pipeline().evaluate(repo.snapshot, render: false).diagnostics.filter { $0.severity == .error }
        let line = try repo.line(of: "mig: 1g.10gb", in: "jupyterhub/images.yaml")
        #expect(errors.map(\.code) == ["sharing-forbidden"], "\(errors.map(\.description))")
        #expect(errors.first?.location?.path == "jupyterhub/images.yaml" && errors.first?.location?.line == line)
        #expect(errors.first?.hint?.contains("RayCluster, RayJob, RayService") == true)
    }

    /// A pool mixing 1-GPU and 4-GPU sizes is counted at 1 GPU per node while Karpenter may launch
    /// 4-GPU nodes: a warning with both numbers, at the pool's instance list.
    @Test func mixedGPUCountsAreNamed() throws {
        var repo = try TestRepo.template()
        try repo.replace("nodepools/gpu-l4-inference.yaml", "      - 2xlarge\n", with: "      - 2xlarge\n      - 12xlarge\n")
        let diagnostics = repo.load().diagnostics
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty)
        let warning = try #require(diagnostics.first { $0.code == "mixed-gpu-counts" })
        #expect(warning.message.contains("1 to 4 GPUs per node") && warning.message.contains("(10 in all)")
                && warning.message.contains("grow to 40"), "\(warning.message)")
        #expect(warning.location?.path == "nodepools/gpu-l4-inference.yaml")
    }

    /// Versions EKS and Helm take, and what they refuse.
    @Test(arguments: [("1.33", true), ("1.9", true), ("2.0", true), ("1.033", false), ("1", false), ("1.33.0", false), ("v1.33", false), ("abc", false)])
    func kubernetesVersions(_ text: String, _ valid: Bool) {
        #expect(FormatCheck.problem(text, format: .kubernetesVersion) == nil ? valid : !valid)
    }

    @Test(arguments: [("1.7.0", true), ("v26.7.0", true), ("0.19.2", true), ("1.0.0-rc.1+build.5", true), ("latest", false),
                      ("1.7", false), ("^1.7.0", false), ("1.7.x", false), ("01.7.0", false), ("1.7.0-", false), ("", false)])
    func chartVersions(_ text: String, _ valid: Bool) {
        #expect(FormatCheck.problem(text, format: .chartVersion) == nil ? valid : !valid)
    }

    /// Without `spec.eks.subnets`, a managed node group that names zones is reported at its zones
    /// (EKS would spread it over every subnet); Karpenter pools, which find subnets by tag, are not.
    /// With the map, the group's CreateNodegroup request names only its zones' subnets.
    @Test func managedNodeGroupZonesNeedTheirSubnets() throws {
        var repo = try TestRepo.template()
        let map = "    subnets:\n      us-west-2a: subnet-0a1b2c3d4e5f60701\n      us-west-2b: subnet-0a1b2c3d4e5f60702\n"
            + "      us-west-2c: subnet-0a1b2c3d4e5f60703\n"
        let withMap = repo.load()
        #expect(withMap.diagnostics.filter { $0.severity == .error }.isEmpty)
        let pool = try #require(withMap.platform.nodePools.first { $0.name == "gpu-h100-mig" })
        let cluster = try #require(withMap.platform.cluster)
        #expect(cluster.spec.eks.subnets(forZones: pool.spec.instances.zones) == ["subnet-0a1b2c3d4e5f60702"])
        #expect(cluster.spec.eks.subnets(forZones: nil).count == 3)

        try repo.replace("cluster.yaml", map, with: "")
        let errors = repo.load().diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.code) == ["zones-without-subnets"], "\(errors.map(\.description))")
        #expect(errors.first?.location?.path == "nodepools/gpu-h100-mig.yaml")
        #expect(errors.first?.location?.line == (try repo.line(of: "    zones:", in: "nodepools/gpu-h100-mig.yaml")), "\(errors.map(\.description))")
        #expect(errors.first?.message.contains("EKS would place it in every subnet") == true)
    }

    /// Ray's runtime environment is a mapping (KubeRay passes `runtimeEnvYAML` to Ray, whose
    /// RuntimeEnv is a dict): a list is refused at its line.
    @Test func runtimeEnvironmentIsAMapping() throws {
        let path = "ray/research/qwen-finetune.yaml"
        let text = try #require(TestRepo.template().files[path])
        let start = try #require(text.range(of: "    runtimeEnv:\n"))
        let end = try #require(text.range(of: "    activeDeadlineSeconds", range: start.upperBound..<text.endIndex))
        try Self.expectOneDiagnostic(RuleCase(code: "wrong-type", path: path, old: String(text[start.lowerBound..<end.lowerBound]),
                                              new: "    runtimeEnv:\n      - pip\n", lineOf: "      - pip\n"))
    }

    /// Values the target APIs accept must pass: Karpenter's `Never`, digests, `count/...` quotas.
    @Test(arguments: [
        ("nodepools/gpu-l4-inference.yaml", "expireAfter: 168h", "expireAfter: Never"),
        ("nodepools/gpu-l4-inference.yaml", "consolidateAfter: 10m", "consolidateAfter: Never"),
        ("nodepools/gpu-l4-inference.yaml", "consolidateAfter: 10m", "consolidateAfter: 1h30m"),
        ("ray/research/qwen-finetune.yaml", "image: rayproject/ray:2.52.0-py311-gpu",
         "image: rayproject/ray@sha256:" + String(repeating: "ab", count: 32)),
        ("ray/research/qwen-finetune.yaml", "image: rayproject/ray:2.52.0-py311-gpu",
         "image: localhost:5000/ray:2.52.0@sha256:" + String(repeating: "0f", count: 32)),
        ("tenants/students.yaml", "requests.storage: 4Ti", "requests.storage: 4Ti\n    count/jobs.batch: \"20\""),
        ("tenants/students.yaml", "requests.storage: 4Ti", "requests.storage: 4Ti\n    fast.storageclass.storage.k8s.io/requests.storage: 1Ti"),
        ("tenants/students.yaml", "requests.storage: 4Ti", "requests.storage: 4Ti\n    requests.hugepages-2Mi: 1Gi"),
        ("nodepools/gpu-l4-inference.yaml", "ml.example.com/workload: inference",
         "ml.example.com/workload: inference\n    node.kubernetes.io/role: inference"),
        ("cluster.yaml", "subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d"),
        ("cluster.yaml", "nodeRoleArn: arn:aws:iam::111122223333:role/",
         "nodeRoleArn: arn:aws:iam::111122223333:role/eks/nodes/"),
    ])
    func acceptedByTheTargetAPIs(_ path: String, _ old: String, _ new: String) throws {
        var repo = try TestRepo.template()
        // Every occurrence: a subnet id is in subnetIds and in the zone map.
        let text = try #require(repo.files[path])
        #expect(text.contains(old))
        repo.files[path] = text.replacingOccurrences(of: old, with: new)
        let problems = repo.load().diagnostics
        #expect(problems.isEmpty, "\(problems.map(\.description))")
    }

    @Test func controlCharacterIsNamedAtItsColumn() throws {
        var repo = try TestRepo.template()
        try repo.replace("tenants/students.yaml", "displayName: Students and", with: "displayName: Students\u{07} and")
        let error = try #require(repo.load().diagnostics.first)
        let line = try repo.line(of: "displayName:", in: "tenants/students.yaml")
        #expect(error.location?.line == line && error.location?.column == 24, "\(error)")
        #expect(error.message.contains("U+0007"), "\(error)")
    }

    @Test func noBreakSpaceIsNamedWhereItIs() throws {
        var repo = try TestRepo.template()
        try repo.replace("tenants/students.yaml", "  displayName:", with: " \u{A0}displayName:")
        let error = try #require(repo.load().diagnostics.first)
        let line = try repo.line(of: "displayName:", in: "tenants/students.yaml")
        #expect(error.location?.line == line && error.location?.column == 2, "\(error)")
        #expect(error.message.contains("U+00A0"), "\(error)")
    }

    @Test func invisibleCharacterInAFieldNameIsNamed() throws {
        var repo = try TestRepo.template()
        try repo.replace("tenants/students.yaml", "  displayName:", with: "  display\u{200B}Name:")
        let error = try #require(repo.load().diagnostics.first)
        #expect(error.message.contains("U+200B"), "\(error)")
        #expect(error.hint == "did you mean `displayName`?", "\(error)")
    }

    /// The hint never ends in an empty list, and the limit is named.
    @Test func gpusPerPodNamesTheNode() throws {
        var repo = try TestRepo.template()
        try repo.replace("ray/research/qwen-finetune.yaml", "gpu: 4 ", with: "gpu: 9 ")
        let error = try #require(repo.load().diagnostics.first)
        #expect(error.message.contains("8"), "\(error)")
    }
}

/// A GPU class without capacity is one problem, reported once, however many tenants it has.
@Suite struct ClassWithoutCapacityTests {
    @Test func reportedOnceNotOncePerTenant() throws {
        var repo = try TestRepo.template()
        repo.files["nodepools/gpu-a100-training.yaml"] = nil
        let dir = try repo.write()
        let run = try CLIRun.fairway(["validate", dir.path])
        let lines = run.stdout.split(separator: "\n").filter { $0.contains("error[guarantees-exceed-capacity]") }
        #expect(lines.count == 1, "\(run.stdout)\(run.stderr)")
        for tenant in ["platform", "prod-inference", "research"] {
            #expect(run.stdout.contains("\(tenant) is guaranteed"), "\(run.stdout)")
        }
    }
}
