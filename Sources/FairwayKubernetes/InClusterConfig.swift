import FairwayLive
import Foundation

/// The connection a pod has to its own cluster: the API server from `KUBERNETES_SERVICE_HOST` and
/// `KUBERNETES_SERVICE_PORT`, the service account's token (re-read whenever the kubelet rotates
/// it), CA bundle and namespace from `/var/run/secrets/kubernetes.io/serviceaccount` (injectable
/// for tests).
public enum InClusterConfig {
    public static let defaultBasePath = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Whether this looks like a pod: the service variables are set and the token file exists.
    public static func isAvailable(environment: [String: String] = ProcessInfo.processInfo.environment,
                                   basePath: String = defaultBasePath) -> Bool {
        environment["KUBERNETES_SERVICE_HOST"].map { !$0.isEmpty } == true
            && environment["KUBERNETES_SERVICE_PORT"].map { !$0.isEmpty } == true && FileIO.exists("\(basePath)/token")
    }

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            basePath: String = defaultBasePath) throws(KubeconfigError) -> KubernetesConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeconfigError(.notInCluster, "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        let tokenPath = "\(basePath)/token"
        guard FileIO.exists(tokenPath) else {
            throw KubeconfigError(.notInCluster, "not running in a cluster: no service account token", file: tokenPath)
        }
        var tls = KubernetesConnection.TLS()
        tls.certificateAuthorityPEM = try? FileIO.readAll("\(basePath)/ca.crt")
        let namespace = (try? FileIO.readAll("\(basePath)/namespace"))
            .map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }
            .flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return KubernetesConnection(server: "https://\(hostPart):\(port)", tls: tls,
                                    credentials: .token(TokenFileProvider(path: tokenPath)), namespace: namespace)
    }
}
