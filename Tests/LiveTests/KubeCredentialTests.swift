import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayTestCluster
import Foundation
import Testing

/// Credentials that change: exec credential plugins (a shell script printing an ExecCredential, with
/// expiry and renewal, cluster info, a failing plugin) and the in-cluster service account token.
@Suite struct KubeCredentialTests {
    static let token = "exec-token-8d41"

    /// A plugin that counts its runs and prints `TOKEN` valid for `EXPIRY` seconds.
    static let plugin = """
        echo run >> "$COUNT_FILE"
        printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO_FILE"
        expiry=$(date -u -d "@$(( $(date +%s) + EXPIRY ))" +%Y-%m-%dT%H:%M:%SZ)
        printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}' "$TOKEN" "$expiry"

        """

    /// A kubeconfig for `cluster` whose user runs `command` with `env`.
    static func kubeconfig(_ cluster: TestCluster, command: String, env: [(String, String)], provideClusterInfo: Bool = true) -> String {
        let ca = cluster.certificatePEM.map { "\n    certificate-authority-data: \(Data($0.utf8).base64EncodedString())" } ?? ""
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: \(cluster.url.absoluteString)\(ca)
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: \(command)
                  provideClusterInfo: \(provideClusterInfo)
                  env:
            \(env.map { "      - name: \($0.0)\n        value: \"\($0.1)\"" }.joined(separator: "\n"))
            contexts:
            - name: c
              context: {cluster: c, user: u}
            current-context: c

            """
    }

    func runs(_ sandbox: ClientSandbox) -> Int {
        ((try? String(contentsOfFile: "\(sandbox.path)/count", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    @Test(arguments: [(3600, 1), (5, 3)])
    func execPluginTokensAreCachedUntilTheyExpire(expiry: Int, expectedRuns: Int) async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        try await TestCluster.with(.init(tls: true, tokens: [Self.token: .admin()])) { cluster in
            // A relative command is taken from the kubeconfig's directory.
            _ = try sandbox.script("bin/plugin.sh", Self.plugin)
            let file = try sandbox.write("config", Self.kubeconfig(cluster, command: "./bin/plugin.sh", env: [
                ("TOKEN", Self.token), ("COUNT_FILE", "\(sandbox.path)/count"), ("INFO_FILE", "\(sandbox.path)/info"),
                ("EXPIRY", "\(expiry)"),
            ]))
            let connection = try KubeconfigLoader.load(paths: [file], environment: ["PATH": "/usr/bin:/bin"])
            try await KubernetesClient.withClient(connection) { client in
                _ = try await client.discovery()
                _ = try await client.apply(Kube.configMap("by-exec"), fieldManager: "fairway")
            }
            // Discovery's two requests and the apply: one run while the token is fresh, one each
            // when it expires within the renewal margin.
            #expect(runs(sandbox) == expectedRuns)
            let info = try JSONReader.parse(try String(contentsOfFile: "\(sandbox.path)/info", encoding: .utf8))
            #expect(info["kind"] == "ExecCredential")
            #expect(info["spec"]?["interactive"] == false)
            #expect(info["spec"]?["cluster"]?["server"] == .string(cluster.url.absoluteString))
            #expect(info["spec"]?["cluster"]?["certificate-authority-data"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func aRefusedExecTokenIsRenewedOnce() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        try await TestCluster.with(.init(tokens: ["current-token": .admin()])) { cluster in
            // The first run hands out a revoked token, later runs the current one.
            let script = try sandbox.script("plugin.sh", """
                echo run >> "$COUNT_FILE"
                token=revoked-token
                [ "$(wc -l < "$COUNT_FILE")" -gt 1 ] && token=current-token
                printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$token"

                """)
            let file = try sandbox.write("config", Self.kubeconfig(cluster, command: script, env: [("COUNT_FILE", "\(sandbox.path)/count")]))
            try await KubernetesClient.withClient(try KubeconfigLoader.load(paths: [file], environment: [:])) { client in
                let items = try await client.list(Kube.configMapKind).items
            #expect(items.isEmpty)
            }
            #expect(runs(sandbox) == 2)
        }
    }

    @Test func execPluginsCanHandOutClientCertificates() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let configuration = TestCluster.Configuration(tls: true, clientCertificateUsers: ["robot": .admin("robot")])
        try await TestCluster.with(configuration) { cluster in
            let robot = try #require(cluster.clientCertificates?.credentials["robot"])
            let credential: JSONValue = [
                "apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                "status": ["clientCertificateData": .string(robot.certificatePEM), "clientKeyData": .string(robot.keyPEM)],
            ]
            try sandbox.write("credential.json", JSONWriter.string(credential))
            let script = try sandbox.script("plugin.sh", "cat \"$(dirname \"$0\")/credential.json\"\n")
            let file = try sandbox.write("config", Self.kubeconfig(cluster, command: script, env: [("X", "1")]))
            try await KubernetesClient.withClient(try KubeconfigLoader.load(paths: [file])) { client in
                let applied = try await client.apply(Kube.configMap("by-robot"), fieldManager: "fairway")
                #expect(applied.body["metadata"]?["managedFields"]?.arrayValue?.first?["manager"] == "fairway")
            }
        }
    }

    @Test func failingPluginsQuoteStderrButNeverStdout() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        try await TestCluster.with { cluster in
            let script = try sandbox.script("plugin.sh", """
                echo '{"status":{"token":"leaked-stdout-token"}}'
                echo 'error: the SSO session for profile platform has expired' >&2
                echo 'run: aws sso login --profile platform' >&2
                exit 3

                """)
            let file = try sandbox.write("config", Self.kubeconfig(cluster, command: script, env: [("X", "1")]))
            try await KubernetesClient.withClient(try KubeconfigLoader.load(paths: [file], environment: [:])) { client in
                let error = await #expect(throws: KubernetesError.self) { try await client.discovery() }
                #expect(error?.code == .credentials)
                let text = error?.description ?? ""
                #expect(text.contains("exec plugin '\(script)' exited with status 3: error: the SSO session for profile platform has expired | run: aws sso login"), "\(text)")
                #expect(text.contains("(context \"c\")"))
                #expect(!text.contains("leaked-stdout-token"))
            }
        }
    }

    @Test(arguments: [
        ("echo not json", "printed no ExecCredential JSON (invalid literal at byte 0)"),
        ("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{\"token\":\"t\"}}'",
         "printed apiVersion 'client.authentication.k8s.io/v1beta1', but the kubeconfig asks for client.authentication.k8s.io/v1"),
        ("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{}}'",
         "returned neither a token nor a client certificate"),
        ("echo '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1\",\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"tomorrow\"}}'",
         "returned an expirationTimestamp that is not RFC 3339: 'tomorrow'"),
    ])
    func unusablePluginOutputIsExplained(body: String, message: String) async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("plugin.sh", body + "\n")
        let plugin = ExecCredentialPlugin(ExecConfig(command: script), environment: [:], context: "prod")
        let error = await #expect(throws: KubeconfigError.self) { try await plugin.credential() }
        #expect(error?.code == .execOutputInvalid)
        #expect(error?.description == "exec plugin '\(script)' \(message) (context \"prod\")")
    }

    @Test func missingPluginShowsTheInstallHint() async throws {
        let plugin = ExecCredentialPlugin(ExecConfig(command: "fairway-no-such-plugin", installHint: "Install it with: apt install x"),
                                          environment: ["PATH": "/usr/bin:/bin"])
        let error = await #expect(throws: KubeconfigError.self) { try await plugin.credential() }
        #expect(error?.code == .execFailed)
        #expect(error?.description.contains("Install it with: apt install x") == true, "\(error?.description ?? "")")
    }

    @Test func inClusterConfigReadsTheServiceAccountAndFollowsRotation() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        // Only the rotated token is valid: the first is already refused.
        try await TestCluster.with(.init(tls: true, tokens: ["bound-token-2": .admin()])) { cluster in
            let base = "\(sandbox.path)/serviceaccount"
            try sandbox.write("serviceaccount/token", "bound-token-1")
            try sandbox.write("serviceaccount/ca.crt", cluster.certificatePEM!)
            try sandbox.write("serviceaccount/namespace", "fairway-system\n")
            let environment = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "\(cluster.port)"]
            #expect(InClusterConfig.isAvailable(environment: environment, basePath: base))
            #expect(!InClusterConfig.isAvailable(environment: [:], basePath: base))
            let connection = try InClusterConfig.load(environment: environment, basePath: base)
            #expect(connection.server == "https://127.0.0.1:\(cluster.port)")
            #expect(connection.namespace == "fairway-system")
            try await KubernetesClient.withClient(connection) { client in
                let refused = await #expect(throws: KubernetesError.self) { try await client.list(Kube.configMapKind) }
                #expect(refused?.isUnauthorized == true)
                // The kubelet swaps in a new token: the next request uses it.
                try sandbox.write("serviceaccount/token", "bound-token-2")
                let items = try await client.list(Kube.configMapKind).items
            #expect(items.isEmpty)
            }
            let error = #expect(throws: KubeconfigError.self) { try InClusterConfig.load(environment: [:], basePath: base) }
            #expect(error?.code == .notInCluster)
        }
    }
}
