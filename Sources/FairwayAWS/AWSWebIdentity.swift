import FairwayLive
import Foundation

/// Web identity federation (IRSA on EKS, or any OIDC token): exchanges the token in a file for
/// temporary credentials with STS AssumeRoleWithWebIdentity, an unsigned form POST. The token file
/// is read on every exchange, since the kubelet rotates it; its contents never appear in an error.
public struct AWSWebIdentity: Sendable, Equatable {
    public var roleArn: String
    public var tokenFile: String
    public var sessionName: String
    /// Where the settings came from ("environment", "profile ci"), for messages.
    public var origin: String

    public init(roleArn: String, tokenFile: String, sessionName: String? = nil, origin: String) {
        self.roleArn = roleArn
        self.tokenFile = tokenFile
        self.sessionName = sessionName.flatMap { $0.isEmpty ? nil : $0 } ?? "fairway-\(Int(Date().timeIntervalSince1970))"
        self.origin = origin
    }

    /// Calls STS at `endpoint` and returns the credentials it grants.
    public func assumeRole(endpoint: AWSURL, transport: AWSTransport) async throws(AWSError) -> AWSCredentials {
        let token: String
        do {
            token = String(decoding: try FileIO.readAll(tokenFile), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw AWSError(.configuration, "cannot read the web identity token (\(origin)): \(error.message)", path: tokenFile)
        }
        guard !token.isEmpty else {
            throw AWSError(.configuration, "the web identity token file (\(origin)) is empty", path: tokenFile)
        }
        let form = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
                    ("RoleSessionName", sessionName), ("WebIdentityToken", token)]
        let body = form.map { "\($0.0)=\(AWSPercentEncoding.encode($0.1))" }.joined(separator: "&")
        let request = AWSRequest(method: "POST", url: endpoint.appending(path: "/"),
                                 headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                 body: Array(body.utf8))
        let response = try await transport.send(request, operation: "AssumeRoleWithWebIdentity", signing: nil)
        return try Self.credentials(from: response, source: "web-identity (\(origin))", endpoint: endpoint.origin)
    }

    /// Reads the `<Credentials>` of an STS answer. The answer itself is never quoted: it holds secrets.
    static func credentials(from response: AWSResponse, source: String, endpoint: String) throws(AWSError) -> AWSCredentials {
        let xml = String(decoding: response.body, as: UTF8.self)
        guard let block = AWSXML.element("Credentials", in: xml),
              let accessKeyId = AWSXML.text("AccessKeyId", in: block), !accessKeyId.isEmpty,
              let secret = AWSXML.text("SecretAccessKey", in: block), !secret.isEmpty
        else {
            throw AWSError(.invalidResponse, "the STS answer has no Credentials with AccessKeyId and SecretAccessKey",
                           status: response.status, requestId: response.requestId, operation: "AssumeRoleWithWebIdentity",
                           endpoint: endpoint)
        }
        var expiration: Date?
        if let text = AWSXML.text("Expiration", in: block) {
            guard let date = AWSTime.parseISO8601(text) else {
                throw AWSError(.invalidResponse, "the STS answer's Expiration is not an ISO 8601 time: \(text)",
                               operation: "AssumeRoleWithWebIdentity", endpoint: endpoint)
            }
            expiration = date
        }
        return AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: AWSXML.text("SessionToken", in: block),
                              expiration: expiration, source: source)
    }
}
