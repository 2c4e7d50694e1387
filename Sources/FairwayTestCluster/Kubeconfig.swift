import Foundation

/// The kubeconfig file clients use to reach the test cluster: one cluster, one user, one context,
/// all named `fairway-testcluster`.
enum Kubeconfig {
    static func text(server: String, certificatePEM: String?, token: String?,
                     clientCertificate: ClientCertificateAuthority.Credential? = nil) -> String {
        var cluster = "    server: \(server)\n"
        if let certificatePEM {
            cluster += "    certificate-authority-data: \(Data(certificatePEM.utf8).base64EncodedString())\n"
        }
        var user = token.map { "    token: \($0)\n" } ?? ""
        if let clientCertificate {
            user += "    client-certificate-data: \(Data(clientCertificate.certificatePEM.utf8).base64EncodedString())\n"
            user += "    client-key-data: \(Data(clientCertificate.keyPEM.utf8).base64EncodedString())\n"
        }
        if user.isEmpty { user = "    {}\n" }
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
