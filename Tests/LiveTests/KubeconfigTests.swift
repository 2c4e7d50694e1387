import FairwayCore
import FairwayKubernetes
import FairwayLive
import Foundation
import Testing

/// Kubeconfig files: parsing with positions, kubectl's merge of KUBECONFIG files, contexts, relative
/// paths, credentials and their precedence, exec overrides, and errors that never show a secret.
@Suite struct KubeconfigTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    static func config(current: String? = "main", clusters: [(String, String)] = [("main", "server: https://k8s.example:6443")],
                       users: [(String, String)] = [("main", "token: secret-token-1")],
                       contexts: [(String, String)] = [("main", "cluster: main\n    user: main")]) -> String {
        var text = "apiVersion: v1\nkind: Config\n"
        if let current { text += "current-context: \(current)\n" }
        text += "clusters:\n" + clusters.map { "- name: \($0.0)\n  cluster:\n    \($0.1)\n" }.joined()
        text += "users:\n" + users.map { "- name: \($0.0)\n  user:\n    \($0.1)\n" }.joined()
        text += "contexts:\n" + contexts.map { "- name: \($0.0)\n  context:\n    \($0.1)\n" }.joined()
        return text
    }

    @Test func tokenUserGivesABearerToken() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let file = try sandbox.write("config", Self.config(contexts: [("main", "cluster: main\n    user: main\n    namespace: team-a")]))
        let connection = try KubeconfigLoader.load(paths: [file], environment: [:])
        #expect(connection.server == "https://k8s.example:6443")
        #expect(connection.namespace == "team-a")
        #expect(connection.contextName == "main")
        guard case let .token(provider) = connection.credentials else { Issue.record("no token provider"); return }
        #expect(try await provider.token().value == "secret-token-1")
    }

    @Test func relativePathsAreTakenFromTheFilesDirectory() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        try sandbox.write("conf/ca.pem", Self.caPEM)
        try sandbox.write("conf/token", "first-token\n")
        let file = try sandbox.write("conf/config", Self.config(
            clusters: [("main", "server: https://k8s.example\n    certificate-authority: ca.pem\n    tls-server-name: api.internal")],
            users: [("main", "tokenFile: token")]))
        let connection = try KubeconfigLoader.load(paths: [file], environment: [:])
        #expect(connection.tls.certificateAuthorityPEM == Array(Self.caPEM.utf8))
        #expect(connection.tls.serverName == "api.internal")
        guard case let .token(provider) = connection.credentials else { Issue.record("no token provider"); return }
        #expect("\(provider)" == "token file \(sandbox.directory.path)/conf/token")
        #expect(try await provider.token().value == "first-token")
        // A rotated token file is read again.
        try sandbox.write("conf/token", "second-token-longer\n")
        #expect(try await provider.token().value == "second-token-longer")
    }

    @Test func certificateDataInsecureAndClientCertificates() throws {
        let ca = Data(Self.caPEM.utf8).base64EncodedString()
        let secure = try Kubeconfig.parse(Array(Self.config(
            clusters: [("main", "server: https://k8s.example\n    certificate-authority-data: \(ca)")],
            users: [("main", "client-certificate-data: \(ca)\n    client-key-data: \(Data("KEY".utf8).base64EncodedString())")]).utf8),
                                          path: "/x/config").connection()
        #expect(secure.tls.certificateAuthorityPEM == Array(Self.caPEM.utf8))
        #expect(secure.tls.clientCertificatePEM == Array(Self.caPEM.utf8))
        #expect(secure.tls.clientKeyPEM?.value == Array("KEY".utf8))
        let insecure = try Kubeconfig.parse(Array(Self.config(
            clusters: [("main", "server: https://k8s.example\n    insecure-skip-tls-verify: true")]).utf8), path: "/x/config").connection()
        #expect(insecure.tls.insecureSkipVerify)
        #expect(insecure.tls.certificateAuthorityPEM == nil)
    }

    @Test func kubeconfigFilesMergeFirstWins() throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let first = try sandbox.write("a", Self.config(current: "alpha",
            clusters: [("shared", "server: https://first.example")], users: [("u", "token: t1")],
            contexts: [("alpha", "cluster: shared\n    user: u")]))
        let second = try sandbox.write("b", Self.config(current: "beta",
            clusters: [("shared", "server: https://second.example"), ("other", "server: https://other.example")],
            users: [("u", "token: t2")], contexts: [("alpha", "cluster: other\n    user: u"), ("beta", "cluster: other\n    user: u")]))
        let environment = ["KUBECONFIG": "\(first)::\(sandbox.directory.path)/missing:\(second):\(first)"]
        #expect(KubeconfigLoader.files(environment: environment) == [first, second])
        let merged = try KubeconfigLoader.read(environment: environment)
        #expect(merged.currentContext == "alpha")
        #expect(merged.clusters["shared"]?.server == "https://first.example")
        #expect(merged.clusters["other"]?.server == "https://other.example")
        #expect(merged.contexts["alpha"]?.cluster == "shared")
        #expect(try KubeconfigLoader.load(environment: environment).server == "https://first.example")
        // An explicit context overrides current-context.
        let beta = try KubeconfigLoader.load(context: "beta", environment: environment)
        #expect(beta.server == "https://other.example")
        #expect(beta.contextName == "beta")
    }

    @Test func unknownContextIsAClearError() throws {
        let config = try Kubeconfig.parse(Array(Self.config().utf8), path: "/home/me/.kube/config")
        let error = #expect(throws: KubeconfigError.self) { try config.connection(context: "prod") }
        #expect(error?.code == .unknownContext)
        #expect(error?.description == "/home/me/.kube/config: context \"prod\" is not defined (known: main) (context \"prod\")")
        let none = try Kubeconfig.parse(Array(Self.config(current: nil).utf8), path: "/c")
        #expect(throws: KubeconfigError.self) { try none.connection() }
        let noFiles = #expect(throws: KubeconfigError.self) {
            try KubeconfigLoader.load(environment: ["KUBECONFIG": "/nonexistent/one:/nonexistent/two"])
        }
        #expect(noFiles?.code == .noConfiguration)
    }

    @Test(arguments: [
        ("clusters:\n- name: a\n  cluster:\n    server: [unclosed\n", "/c/config:4:", KubeconfigError.Code.malformed),
        ("apiVersion: v1\nclusters: 5\n", "/c/config:2: clusters must be a list", .malformed),
        ("users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: x\n",
         "/c/config:5: exec.apiVersion 'client.authentication.k8s.io/v1alpha1' is not supported", .malformed),
        ("clusters:\n- name: a\n  cluster:\n    certificate-authority-data: '%%%'\n", "/c/config:4: certificate-authority-data is not valid base64", .malformed),
        ("- just\n- a list\n", "/c/config:1: a kubeconfig must be a mapping", .malformed),
    ])
    func malformedFilesNameFileAndLine(text: String, prefix: String, code: KubeconfigError.Code) {
        let error = #expect(throws: KubeconfigError.self) { try Kubeconfig.parse(Array(text.utf8), path: "/c/config") }
        #expect(error?.code == code)
        #expect(error?.description.hasPrefix(prefix) == true, "\(error?.description ?? "")")
    }

    @Test(arguments: [
        ("token: a\n    username: b\n    password: c", "more than one of token, username/password and exec"),
        ("auth-provider:\n      name: gcp", "auth-provider 'gcp' is not supported"),
        ("client-certificate-data: QQ==", "needs both client-certificate and client-key"),
    ])
    func unusableUsersAreRefused(user: String, message: String) throws {
        let config = try Kubeconfig.parse(Array(Self.config(users: [("main", user)]).utf8), path: "/c/config")
        let error = #expect(throws: KubeconfigError.self) { try config.connection() }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
        #expect(error?.description.hasPrefix("/c/config:") == true)
        #expect(error?.context == "main")
    }

    @Test func insecureWithACertificateAuthorityIsRefused() throws {
        let config = try Kubeconfig.parse(Array(Self.config(clusters: [("main", "server: https://x\n    insecure-skip-tls-verify: true\n"
            + "    certificate-authority-data: \(Data("x".utf8).base64EncodedString())")]).utf8), path: "/c/config")
        #expect(throws: KubeconfigError.self) { try config.connection() }
    }

    @Test func execPluginsCanBeReplacedByANativeProvider() async throws {
        let user = """
            exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: aws
                  args: [eks, get-token, --cluster-name, gpu-prod, --region, eu-west-1]
                  env:
                  - name: AWS_PROFILE
                    value: platform
                  provideClusterInfo: true
            """
        let config = try Kubeconfig.parse(Array(Self.config(users: [("main", user)]).utf8), path: "/c/config")
        let exec = try #require(config.users["main"]?.exec)
        #expect(exec.command == "aws")
        #expect(exec.apiVersion == "client.authentication.k8s.io/v1beta1")
        #expect(exec.argument(after: "--cluster-name") == "gpu-prod")
        #expect(exec.env == [ExecConfig.EnvVar(name: "AWS_PROFILE", value: "platform")])
        #expect(exec.provideClusterInfo)
        let native = try config.connection(execOverride: { exec in
            exec.command == "aws" && exec.args.starts(with: ["eks", "get-token"])
                ? StaticTokenProvider("k8s-aws-v1.native-\(exec.argument(after: "--cluster-name") ?? "")") : nil
        })
        guard case let .token(provider) = native.credentials else { Issue.record("the override was not used"); return }
        #expect(try await provider.token().value == "k8s-aws-v1.native-gpu-prod")
        guard case let .exec(plugin) = try config.connection().credentials else { Issue.record("no exec plugin"); return }
        #expect(plugin.config == exec)
    }

    @Test func printingAConfigurationShowsNoSecret() throws {
        let key = Data("PRIVATE-KEY-BYTES".utf8).base64EncodedString()
        let config = try Kubeconfig.parse(Array(Self.config(users: [
            ("main", "token: secret-token-1\n    client-certificate-data: QQ==\n    client-key-data: \(key)"),
            ("basic", "username: admin\n    password: hunter2-password"),
        ]).utf8), path: "/c/config")
        let connection = try config.connection()
        for text in ["\(config)", String(reflecting: config), "\(connection)", String(reflecting: connection),
                     "\(connection.credentials)", "\(config.users["basic"]!)"] {
            #expect(!text.contains("secret-token-1"))
            #expect(!text.contains("hunter2-password"))
            #expect(!text.contains("PRIVATE-KEY-BYTES"))
            #expect(!text.contains(key))
        }
    }
}
