import Foundation

/// The kubeconfig file clients use to reach the test cluster: one cluster, one user, one context,
/// all named `fairway-testcluster`.
enum Kubeconfig {
    static func text(server: String, certificatePEM: String?, token: String?) -> String {
        var cluster = "    server: \(server)\n"
        if let certificatePEM {
            cluster += "    certificate-authority-data: \(Data(certificatePEM.utf8).base64EncodedString())\n"
        }
        let user = token.map { "    token: \($0)\n" } ?? "    {}\n"
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: fairway-testcluster
              cluster:
            \(cluster)users:
            - name: fairway-testcluster
              user:
            \(user)contexts:
            - name: fairway-testcluster
              context:
                cluster: fairway-testcluster
                user: fairway-testcluster
                namespace: default
            current-context: fairway-testcluster

            """
    }
}
