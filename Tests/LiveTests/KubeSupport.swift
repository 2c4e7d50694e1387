import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayTestCluster
import FairwayTestSupport
import Foundation

/// Shared by the Kubernetes client tests: clients for a test cluster, quick retries, and objects.
enum Kube {
    /// Retries that wait milliseconds, not seconds, so fault tests stay fast.
    static var quickOptions: KubernetesClient.Options {
        var options = KubernetesClient.Options()
        options.retry = RetryPolicy(maxAttempts: 5, baseDelay: 0.005, maxDelay: 0.05)
        // Tests count requests and retries exactly: on a starved CI machine (tests taking two minutes
        // each) the production 5 s connect and 30 s attempt timeouts fired and added a retry nobody
        // asked for. Only the fault under test may cause one.
        options.connectTimeout = 60
        options.attemptTimeout = 90
        options.requestDeadline = 240
        return options
    }

    /// The connection the cluster's own kubeconfig describes.
    static func connection(_ cluster: TestCluster, token: String? = nil, certificateUser: String? = nil) throws -> KubernetesConnection {
        try Kubeconfig.parse(Array(cluster.kubeconfig(token: token, certificateUser: certificateUser).utf8), path: "test-kubeconfig")
            .connection()
    }

    /// A fresh cluster and a client for it, both stopped afterwards.
    static func withClient<T>(_ configuration: TestCluster.Configuration = .init(), token: String? = nil,
                              options: KubernetesClient.Options = quickOptions,
                              _ body: (TestCluster, KubernetesClient) async throws -> T) async throws -> T {
        try await TestCluster.with(configuration) { cluster in
            try await KubernetesClient.withClient(try connection(cluster, token: token), options: options) { client in
                try await body(cluster, client)
            }
        }
    }

    static func configMap(_ name: String, namespace: String = "default", data: JSONValue = ["a": "1"], owned: Bool = true,
                          labels: [(String, JSONValue)] = []) -> Manifest {
        var labelObject = JSONObject(labels)
        if owned { labelObject[Ownership.managedByLabel] = .string(Ownership.managedByValue) }
        var metadata: JSONObject = [("name", .string(name)), ("namespace", .string(namespace))]
        if !labelObject.isEmpty { metadata["labels"] = .object(labelObject) }
        return Manifest(body: .object([("apiVersion", "v1"), ("kind", "ConfigMap"), ("metadata", .object(metadata)), ("data", data)]))!
    }

    static func namespace(_ name: String, owned: Bool = true) -> Manifest {
        var metadata: JSONObject = [("name", .string(name))]
        if owned { metadata["labels"] = [Ownership.managedByLabel: .string(Ownership.managedByValue)] }
        return Manifest(body: .object([("apiVersion", "v1"), ("kind", "Namespace"), ("metadata", .object(metadata))]))!
    }

    /// A namespaced `Widget` kind in `example.com`, with any fields allowed.
    static let widgetDefinition = Manifest(body: [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": ["name": "widgets.example.com"],
        "spec": [
            "group": "example.com", "scope": "Namespaced",
            "names": ["plural": "widgets", "singular": "widget", "kind": "Widget"],
            "versions": [["name": "v1", "served": true, "storage": true,
                          "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]],
        ],
    ])!

    static let widgetKind = GroupVersionKind(group: "example.com", version: "v1", kind: "Widget")

    static func widget(_ name: String, namespace: String = "default") -> Manifest {
        Manifest(body: ["apiVersion": "example.com/v1", "kind": "Widget",
                        "metadata": ["name": .string(name), "namespace": .string(namespace),
                                     "labels": [Ownership.managedByLabel: .string(Ownership.managedByValue)]],
                        "spec": ["size": 3]])!
    }

    static let configMapKind = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
    static let namespaceKind = GroupVersionKind(group: "", version: "v1", kind: "Namespace")

    static func resourceVersion(_ manifest: Manifest?) -> String? {
        manifest?.body["metadata"]?["resourceVersion"]?.stringValue
    }

    /// Requests the cluster served since the log was last cleared, as `VERB path`.
    static func requests(_ cluster: TestCluster) -> [String] {
        cluster.requestLog.all.map { "\($0.verb) \($0.path)" }
    }
}

extension ClientSandbox {
    /// A shell script in the sandbox, executable.
    func script(_ name: String, _ body: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try TestScript.install(body, at: path)
        return path
    }

    var path: String { directory.path }
}
