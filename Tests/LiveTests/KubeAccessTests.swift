import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayTestCluster
import Foundation
import Testing

/// Reaching and trusting the server: TLS with the cluster's CA, tls-server-name, insecure-skip,
/// client certificates, wrong and read-only tokens, an unreachable server, and shutdown.
@Suite struct KubeAccessTests {
    static let tokens: [String: Authorizer.Grant] = ["admin-token-7f3a": .admin(), "reader-token-19c2": .readOnly()]

    @Test func tlsWithTheClusterCA() async throws {
        try await Kube.withClient(.init(tls: true, tokens: Self.tokens), token: "admin-token-7f3a") { cluster, client in
            #expect(client.connection.server.hasPrefix("https://127.0.0.1:"))
            let created = try await client.apply(Kube.configMap("over-tls"), fieldManager: "fairway")
            #expect(try await client.get(created.key) != nil)
        }
    }

    @Test func tlsServerNameIsVerifiedInsteadOfTheHost() async throws {
        // The certificate names 127.0.0.1 and localhost; the cluster listens on 127.0.0.2.
        try await TestCluster.with(.init(host: "127.0.0.2", tls: true)) { cluster in
            var connection = try Kube.connection(cluster)
            for (serverName, works) in [(nil, false), ("localhost", true), ("wrong.example", false)] {
                connection.tls.serverName = serverName
                try await KubernetesClient.withClient(connection) { client in
                    do {
                        _ = try await client.discovery()
                        #expect(works, "\(serverName ?? "no server name") was accepted")
                    } catch let error as KubernetesError {
                        #expect(!works, "\(error)")
                        #expect(error.code == .configuration)
                        #expect(error.description.contains("TLS failed"), "\(error)")
                        #expect(error.attempts == 1)
                    }
                }
            }
        }
    }

    @Test func untrustedServersAreRefusedUnlessInsecure() async throws {
        try await TestCluster.with(.init(tls: true)) { cluster in
            var connection = try Kube.connection(cluster)
            connection.tls.certificateAuthorityPEM = nil
            try await KubernetesClient.withClient(connection) { client in
                let error = await #expect(throws: KubernetesError.self) { try await client.discovery() }
                #expect(error?.code == .configuration)
            }
            let sandbox = try ClientSandbox()
            defer { sandbox.remove() }
            let file = try sandbox.write("config", """
                clusters:
                - name: c
                  cluster:
                    server: \(cluster.url.absoluteString)
                    insecure-skip-tls-verify: true
                contexts:
                - name: c
                  context: {cluster: c, user: ""}
                current-context: c
                """)
            try await KubernetesClient.withClient(try KubeconfigLoader.load(paths: [file], environment: [:])) { client in
                let kinds = try await client.discovery().count
                #expect(kinds > 0)
            }
        }
    }

    @Test func clientCertificatesAuthenticate() async throws {
        let configuration = TestCluster.Configuration(tls: true, tokens: ["reader-token-19c2": .readOnly()],
                                                      clientCertificateUsers: ["alice": .admin("alice")])
        try await TestCluster.with(configuration) { cluster in
            let connection = try Kube.connection(cluster, certificateUser: "alice")
            #expect(connection.tls.clientCertificatePEM != nil)
            try await KubernetesClient.withClient(connection) { client in
                let applied = try await client.apply(Kube.configMap("by-certificate"), fieldManager: "fairway")
                #expect(applied.key.name == "by-certificate")
            }
            // The token user next to it can read but not write, and no credential at all is 401.
            try await KubernetesClient.withClient(try Kube.connection(cluster, token: "reader-token-19c2")) { client in
                let items = try await client.list(Kube.configMapKind).items
                #expect(items.count == 1)
                let denied = await #expect(throws: KubernetesError.self) {
                    try await client.apply(Kube.configMap("x"), fieldManager: "fairway")
                }
                #expect(denied?.isForbidden == true)
            }
            try await KubernetesClient.withClient(try Kube.connection(cluster)) { client in
                let error = await #expect(throws: KubernetesError.self) { try await client.discovery() }
                #expect(error?.isUnauthorized == true)
            }
        }
    }

    @Test func wrongTokenIs401NamingTheServerNotTheToken() async throws {
        try await Kube.withClient(.init(tokens: Self.tokens), token: "wrong-token-5be1") { cluster, client in
            let error = await #expect(throws: KubernetesError.self) { try await client.get(Kube.configMap("x").key) }
            #expect(error?.status == 401)
            #expect(error?.isUnauthorized == true)
            #expect(error?.attempts == 1)
            let text = error?.description ?? ""
            #expect(text.contains(cluster.url.absoluteString), "\(text)")
            #expect(!text.contains("wrong-token-5be1"))
        }
    }

    @Test func readOnlyTokenIs403OnApply() async throws {
        try await Kube.withClient(.init(tokens: Self.tokens), token: "reader-token-19c2") { _, client in
            let items = try await client.list(Kube.configMapKind).items
            #expect(items.isEmpty)
            let error = await #expect(throws: KubernetesError.self) {
                try await client.apply(Kube.configMap("nope"), fieldManager: "fairway")
            }
            #expect(error?.status == 403)
            #expect(error?.reason == "Forbidden")
            #expect(error?.message.contains("cannot patch resource \"configmaps\"") == true)
            #expect(error?.label == "api-status-403")
            #expect(error?.description.contains("reader-token-19c2") == false)
        }
    }

    @Test func unreachableServerFailsQuicklyAndClearly() async throws {
        // A port that was just free: nothing listens there.
        let port = try await TestCluster.with { $0.port }
        let connection = KubernetesConnection(server: "http://127.0.0.1:\(port)", credentials: .token(StaticTokenProvider("t-unreachable")))
        let started = ContinuousClock.now
        try await KubernetesClient.withClient(connection) { client in
            let error = await #expect(throws: KubernetesError.self) { try await client.discovery() }
            #expect(error?.code == .transport)
            #expect(error?.description == "GET http://127.0.0.1:\(port)/api: cannot connect: connection refused (after 5 attempts)",
                    "\(error?.description ?? "")")
            #expect(client.statistics.retries == 4)
            #expect(client.statistics.transportErrors == 5)
        }
        // It fails rather than hangs (the bound is loose so a loaded machine passes).
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    @Test func requestsAfterShutdownFailClearly() async throws {
        try await TestCluster.with { cluster in
            let client = try KubernetesClient(try Kube.connection(cluster))
            _ = try await client.discovery()
            try await client.shutdown()
            try await client.shutdown()
            let error = await #expect(throws: KubernetesError.self) { try await client.get(Kube.configMap("x").key) }
            #expect(error?.code == .shutDown)
        }
    }
}
