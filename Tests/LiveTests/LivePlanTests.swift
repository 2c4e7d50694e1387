import FairwayCore
import FairwayLive
import FairwayYAML
import Foundation
import Testing

extension LiveEndToEnd {
    /// `fairway plan` against real peers, all started here: the test API server (as its own process),
    /// moto_server for EKS and the real helm. An empty cluster plans everything; the same objects, node
    /// group and releases put in place by kubectl, boto3 and helm plan nothing; hand edits made with
    /// those tools plan exactly those drifts; and no planted secret shows in any output or saved plan.
    @Suite(.serialized, .enabled(if: Tools.installed("helm", "kubectl"), "needs helm and kubectl (bash scripts/setup)"))
    struct LivePlanTests {
        /// Planted in cluster.yaml's JupyterHub values and in the live cluster; must never be printed.
        static let plantedValue = "planted-cookie-7f3a9c21"
        static let plantedLiveValue = "planted-live-cookie-0b6e44"
        static let plantedSecretData = "planted-secret-data-d41c"

        /// One run's world: the cluster process, moto, a copy of the template with a planted secret.
        struct World {
            let cluster: ClusterProcess
            let moto: PythonServer
            let python: String
            let repo: String
            let render: String

            var sandbox: ClientSandbox { cluster.sandbox }

            var environment: [String: String] {
                var environment = sandbox.environment
                environment["AWS_ACCESS_KEY_ID"] = "AKIDFAIRWAYTEST"
                environment["AWS_SECRET_ACCESS_KEY"] = "fairway-test-secret-key"
                environment["AWS_REGION"] = "us-west-2"
                return environment
            }

            /// `fairway plan` against the cluster, moto and helm.
            func plan(_ extra: [String] = []) async throws -> ChildProcess.Outcome {
                try await ChildProcess.run(Paths.binaries.appendingPathComponent("fairway").path,
                                           ["plan", repo, "--kubeconfig", sandbox.kubeconfig, "--aws-endpoint-url", moto.url.description,
                                            "--helm", Tools.path("helm")!] + extra,
                                           environment: environment, timeout: 120)
            }

            /// `fairway apply` against the cluster, moto and helm, with charts from `charts`, without asking.
            func apply(_ extra: [String] = [], source: [String]? = nil, charts: String? = nil) async throws -> ChildProcess.Outcome {
                var arguments = ["apply"] + (source ?? [repo]) + ["--kubeconfig", sandbox.kubeconfig, "--aws-endpoint-url", moto.url.description,
                                                                 "--helm", Tools.path("helm")!, "--auto-approve"]
                if let charts { arguments += ["--charts", charts] }
                return try await ChildProcess.run(Paths.binaries.appendingPathComponent("fairway").path, arguments + extra,
                                                  environment: environment, timeout: 300)
            }

            func planJSON() async throws -> JSONValue {
                let outcome = try await plan(["--output", "json"])
                try #require(outcome.status == 0, "\(outcome.stderrText)")
                return try JSONReader.parse(outcome.stdout)
            }

            /// Runs boto3 against moto with `input` as JSON on standard input.
            func boto3(_ script: String, _ input: JSONValue) async throws -> JSONValue {
                let prelude = """
                    import json, sys, boto3
                    eks = boto3.client('eks', region_name='us-west-2', endpoint_url='\(moto.url.description)',
                                       aws_access_key_id='testing', aws_secret_access_key='testing')
                    args = json.load(sys.stdin)

                    """
                return try await Python.run(python, prelude + script, input: input)
            }
        }

        /// A world with the reference CRDs that `crds` accepts (by path) installed by kubectl; the
        /// cluster process gets `clusterArguments` (tokens, for one).
        static func withWorld(crds: (String) -> Bool = { _ in true }, clusterArguments: [String] = [],
                              _ body: (World) async throws -> Void) async throws {
            guard let python = await Python.interpreter(with: ["moto.server", "boto3"], for: "the live plan tests") else { return }
            _ = try await PythonServer.withMoto { moto in
                try await ClusterProcess.with(clusterArguments) { cluster in
                    let sandbox = cluster.sandbox
                    let repo = sandbox.directory.appendingPathComponent("platform").path
                    try FileManager.default.copyItem(atPath: Paths.template.path, toPath: repo)
                    let clusterFile = repo + "/cluster.yaml"
                    var text = try String(contentsOfFile: clusterFile, encoding: .utf8)
                    text = text.replacingOccurrences(of: "      values:\n        proxy:\n", with: "      values:\n        hub:\n          cookieSecret: \(plantedValue)\n        proxy:\n")
                    try text.write(toFile: clusterFile, atomically: true, encoding: .utf8)
                    let render = sandbox.directory.appendingPathComponent("render").path
                    let rendered = try await ChildProcess.run(Paths.binaries.appendingPathComponent("fairway").path, ["render", repo, "--out", render])
                    try #require(rendered.status == 0, "\(rendered.stderrText)")
                    for file in try Paths.referenceCRDs() where crds(file) {
                        let applied = try await sandbox.kubectl(["apply", "--server-side", "-f", file])
                        try #require(applied.status == 0, "\(applied)")
                    }
                    let world = World(cluster: cluster, moto: moto, python: python, repo: repo, render: render)
                    _ = try await world.boto3("""
                        eks.create_cluster(name='ml-platform', roleArn='arn:aws:iam::111122223333:role/eks',
                                           resourcesVpcConfig={'subnetIds': ['subnet-0a1b2c3d4e5f60701']})
                        print('{}')
                        """, [:])
                    try await body(world)
                }
            }
        }

        /// The rendered objects, node group and releases put in place by kubectl, boto3 and helm.
        static func putInPlaceByHand(_ world: World) async throws {
            let sandbox = world.sandbox
            let kubernetes = world.render + "/kubernetes"
            for arguments in [["-f", kubernetes + "/_cluster"], ["-R", "-f", kubernetes]] {
                let applied = try await sandbox.kubectl(["apply", "--server-side"] + arguments)
                try #require(applied.status == 0, "\(applied)")
            }
            for file in try FileManager.default.contentsOfDirectory(atPath: world.render + "/eks") {
                let request = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: "\(world.render)/eks/\(file)"))))
                _ = try await world.boto3("eks.create_nodegroup(**args)\nprint('{}')", request["CreateNodegroup"] ?? [:])
            }
            let releases = try RenderedReleases.read(world.render + "/helm/releases.yaml")
            for release in releases {
                let chart = try await Self.localChart(release.chart, version: release.version, in: sandbox)
                let installed = try await sandbox.helm(["install", release.name, chart, "--namespace", release.namespace, "--create-namespace",
                                                        "-f", "\(world.render)/helm/\(release.values)"])
                try #require(installed.status == 0, "\(installed)")
            }
        }

        /// A chart named and versioned like the real add-on, holding one ConfigMap (the values are what
        /// matter) and, in `crds/`, the CustomResourceDefinitions the real chart brings.
        static func localChart(_ name: String, version: String, crds: [String] = [], in sandbox: ClientSandbox) async throws -> String {
            let directory = sandbox.directory.appendingPathComponent("charts/\(name)")
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("templates"), withIntermediateDirectories: true)
            if !crds.isEmpty {
                try FileManager.default.createDirectory(at: directory.appendingPathComponent("crds"), withIntermediateDirectories: true)
                for file in crds {
                    try FileManager.default.copyItem(atPath: file, toPath: directory.appendingPathComponent("crds/\(URL(fileURLWithPath: file).lastPathComponent)").path)
                }
            }
            try "apiVersion: v2\nname: \(name)\nversion: \(version)\n".write(to: directory.appendingPathComponent("Chart.yaml"), atomically: true, encoding: .utf8)
            try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-marker\ndata:\n  chart: {{ .Chart.Name }}\n"
                .write(to: directory.appendingPathComponent("templates/marker.yaml"), atomically: true, encoding: .utf8)
            return directory.path
        }

        @Test func planEmptyThenInPlaceThenDrift() async throws {
            try await Self.withWorld { world in
                // 1. An empty cluster: everything is created, installed and made.
                let empty = try await world.planJSON()
                #expect(empty["summary"]?["create"] == 130)
                #expect(empty["nodeGroups"]?.arrayValue?.map { $0["action"] } == ["create"])
                #expect(empty["releases"]?.arrayValue?.map { $0["action"] } == ["install", "install", "install", "install"])
                #expect(empty["gpuChanges"]?.arrayValue?.count == 11)

                // 2. The same state made by kubectl, boto3 and helm: nothing to do.
                try await Self.putInPlaceByHand(world)
                let same = try await world.plan(["--detailed-exitcode"])
                #expect(same.status == 0, "\(same.stdoutText)\n\(same.stderrText)")
                #expect(same.stdoutText.contains("No changes."), "\(same.stdoutText)")
                let sameJSON = try await world.planJSON()
                #expect(sameJSON["changes"] == [], "\(sameJSON["changes"].map { JSONWriter.string($0) } ?? "")")
                #expect(sameJSON["nodeGroups"] == [], "\(sameJSON["nodeGroups"].map { JSONWriter.string($0) } ?? "")")
                #expect(sameJSON["releases"] == [], "\(sameJSON["releases"].map { JSONWriter.string($0) } ?? "")")
                #expect(sameJSON["summary"]?["unchanged"] == 130)

                // 3. Hand edits: a kubectl patch, a node group scaled through boto3, a helm upgrade.
                let patched = try await world.sandbox.kubectl(["-n", "research", "patch", "resourcequota", "tenant-quota", "--type", "merge",
                                                               "-p", #"{"spec":{"hard":{"requests.cpu":"999"}}}"#])
                try #require(patched.status == 0, "\(patched)")
                _ = try await world.boto3("""
                    eks.update_nodegroup_config(clusterName='ml-platform', nodegroupName='gpu-h100-mig',
                                                scalingConfig={'minSize': 0, 'maxSize': 9, 'desiredSize': 0})
                    print('{}')
                    """, [:])
                let chart = try await Self.localChart("kuberay-operator", version: "1.7.0", in: world.sandbox)
                let upgraded = try await world.sandbox.helm(["upgrade", "kuberay-operator", chart, "-n", "kuberay-system", "--reuse-values",
                                                             "--set", "batchScheduler.name=volcano"])
                try #require(upgraded.status == 0, "\(upgraded)")
                let drift = try await world.planJSON()
                let changes = try #require(drift["changes"]?.arrayValue)
                #expect(changes.count == 1)
                #expect(changes.first?["kind"] == "ResourceQuota" && changes.first?["namespace"] == "research")
                #expect(changes.first?["fields"] == [["path": #"spec.hard["requests.cpu"]"#, "before": "999", "after": "256"]])
                let groups = try #require(drift["nodeGroups"]?.arrayValue)
                #expect(groups.map { $0["action"] } == ["update"])
                let scaling = groups.first?["fields"]?.arrayValue?.first
                #expect(scaling?["path"] == "scalingConfig")
                #expect(scaling?["before"]?["maxSize"] == 9)
                let releases = try #require(drift["releases"]?.arrayValue)
                #expect(releases.map { $0["name"] } == ["kuberay-operator"])
                #expect(releases.first?["action"] == "upgrade")
                #expect(releases.first?["fields"]?.arrayValue?.first?["before"] == ["name": "volcano"])
                #expect(releases.first?["fields"]?.arrayValue?.map { $0["path"] } == ["batchScheduler"], "\(JSONWriter.string(releases.first ?? .null))")
            }
        }

        @Test func noSecretInAnyOutputLogOrSavedPlan() async throws {
            try await Self.withWorld { world in
                try await Self.putInPlaceByHand(world)
                // The live hub runs with another cookie secret, and a Secret carries Fairway's label.
                let chart = try await Self.localChart("jupyterhub", version: "4.4.0", in: world.sandbox)
                let upgraded = try await world.sandbox.helm(["upgrade", "jupyterhub", chart, "-n", "jupyterhub", "--reuse-values",
                                                             "--set", "hub.cookieSecret=\(Self.plantedLiveValue)"])
                try #require(upgraded.status == 0, "\(upgraded)")
                let encoded = Data(Self.plantedSecretData.utf8).base64EncodedString()
                let secret = """
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: leftover, namespace: research, labels: {app.kubernetes.io/managed-by: fairway}}
                    data: {token: \(encoded)}
                    """
                let created = try await world.sandbox.kubectl(["apply", "--server-side", "-f", try world.sandbox.write("secret.yaml", secret)])
                try #require(created.status == 0, "\(created)")

                let savedPlan = world.sandbox.directory.appendingPathComponent("plan.json").path
                var outputs: [String: String] = [:]
                for format in ["text", "json", "markdown", "github"] {
                    var extra = ["--output", format]
                    if format == "json" { extra += ["--out", savedPlan] }
                    let outcome = try await world.plan(extra)
                    #expect(outcome.status == 0, "\(outcome.stderrText)")
                    outputs["\(format) stdout"] = outcome.stdoutText
                    outputs["\(format) stderr"] = outcome.stderrText
                }
                outputs["saved plan"] = try String(contentsOfFile: savedPlan, encoding: .utf8)
                // The plan does show that the secret changed; Secrets are no kind Fairway renders, reads or prunes,
                // even one labelled as Fairway's.
                #expect(outputs["text stdout"]?.contains(#"~ hub.cookieSecret: "(sensitive value)" -> "(sensitive value)""#) == true,
                        "\(outputs["text stdout"] ?? "")")
                #expect(outputs["text stdout"]?.contains("Secret/research/leftover") == false)
                for (name, text) in outputs {
                    for planted in [Self.plantedValue, Self.plantedLiveValue, Self.plantedSecretData, encoded, "fairway-test-secret-key"] {
                        #expect(!text.contains(planted), "\(planted) appears in \(name)")
                    }
                }
            }
        }
    }
}

/// Reads the `helm/releases.yaml` that `fairway render --out` writes.
enum RenderedReleases {
    struct Release {
        var name, namespace, chart, version, values: String
    }

    static func read(_ path: String) throws -> [Release] {
        let stream = try YAMLParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let releases = try #require(stream.documents.first?.jsonValue()["releases"]?.arrayValue)
        return releases.map {
            Release(name: $0["name"]?.stringValue ?? "", namespace: $0["namespace"]?.stringValue ?? "", chart: $0["chart"]?.stringValue ?? "",
                    version: $0["version"]?.stringValue ?? "", values: $0["values"]?.stringValue ?? "")
        }
    }
}
