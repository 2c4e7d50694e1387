import FairwayTestSupport
import FairwayCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import FairwayTestCluster

/// The HTTP server itself: the Swift API's listener with tokens and faults, and the
/// `fairway-testcluster` executable with TLS, tokens and SIGTERM, driven by kubectl.
@Suite(.serialized) struct ServerTests {
    func get(_ url: URL, token: String?) async throws -> (Int, JSONValue) {
        var request = URLRequest(url: url)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONReader.parse(Array(data))) ?? .null)
    }

    @Test func swiftAPIServesOverHTTP() async throws {
        try await TestCluster.with(TestCluster.Configuration(tokens: ["t": .admin()])) { cluster in
            let version = try await get(cluster.url.appendingPathComponent("version"), token: "t")
            #expect(version.0 == 200)
            #expect(version.1["gitVersion"] == "v1.35.0-fairway")
            #expect(try await get(cluster.url.appendingPathComponent("version"), token: nil).0 == 401)
            cluster.faults.add(FaultRule(pathPrefix: "/api", effect: .dropConnection))
            await #expect(throws: (any Error).self) { try await get(cluster.url.appendingPathComponent("api"), token: "t") }
            #expect(cluster.requestLog.all.last?.fault == "drop")
            #expect(cluster.kubeconfig(token: "t").contains("server: \(cluster.url.absoluteString)"))
            #expect(cluster.store.objects(apiVersion: "v1", kind: "Namespace").map(\.name) == ["default", "kube-node-lease", "kube-public", "kube-system"])
            #expect(cluster.store.object(apiVersion: "v1", kind: "Namespace", name: "default")?["status"]?["phase"] == "Active")
        }
    }

    @Test(.enabled(if: Tools.installed("kubectl"), "needs kubectl (bash scripts/setup)")) func executableServesTLSWithTokensUntilSIGTERM() async throws {
        let cluster = try await ClusterProcess(["--tls", "--token", "admin-token", "--read-only-token", "reader-token"])
        #expect(cluster.url.hasPrefix("https://127.0.0.1:"))
        let sandbox = cluster.sandbox
        let created = try await sandbox.kubectl(["create", "namespace", "tls-check"])
        #expect(created.status == 0, "\(created)")
        let config = try String(contentsOfFile: sandbox.kubeconfig, encoding: .utf8)
        #expect(config.contains("certificate-authority-data:"))
        let reader = try sandbox.write("reader.kubeconfig", config.replacingOccurrences(of: "token: admin-token", with: "token: reader-token"))
        let listed = try await sandbox.kubectl(["--kubeconfig", reader, "get", "namespaces", "-o", "name"])
        #expect(listed.stdout.contains("namespace/tls-check"), "\(listed)")
        let refused = try await sandbox.kubectl(["--kubeconfig", reader, "create", "configmap", "x", "--from-literal=a=b"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("configmaps is forbidden: User \"reader\" cannot create resource \"configmaps\""), "\(refused)")
        let nobody = try sandbox.write("nobody.kubeconfig", config.replacingOccurrences(of: "token: admin-token", with: "token: nope"))
        let unauthorized = try await sandbox.kubectl(["--kubeconfig", nobody, "get", "namespaces"])
        #expect(unauthorized.stderr.contains("Unauthorized"), "\(unauthorized)")
        let log = try await sandbox.kubectl(["get", "--raw", "/fairway-admin/requests"])
        let entries = (try? JSONReader.parse(log.stdout))?.arrayValue ?? []
        #expect(entries.contains { $0["verb"] == "create" && $0["status"] == 403 })
        #expect(await cluster.stop() == 0)
    }

    @Test(.enabled(if: Tools.installed("kubectl"), "needs kubectl (bash scripts/setup)")) func executableInjectsFaultsFromFlags() async throws {
        try await ClusterProcess.with(["--fault", "verb=list,path=/api/v1/namespaces/default/configmaps,status=500,times=1"]) { cluster in
            let first = try await cluster.sandbox.kubectl(["get", "configmaps"])
            #expect(first.status == 1)
            #expect(first.stderr.contains("injected fault"), "\(first)")
            let second = try await cluster.sandbox.kubectl(["get", "configmaps"])
            #expect(second.status == 0, "\(second)")
        }
    }
}
