import FairwayCore

/// A bearer token for the Kubernetes API and when it stops being valid.
public struct KubernetesToken: Sendable, Equatable {
    public var value: String
    /// When the token expires; nil when unknown (static tokens). Clients renew a little before.
    public var expiry: Double?

    public init(value: String, expiry: Double? = nil) {
        self.value = value
        self.expiry = expiry
    }
}

/// Something that hands out bearer tokens for the Kubernetes API: a static token, a token file
/// re-read on rotation (in-cluster service accounts), an exec credential plugin, or a token for EKS
/// generated natively from AWS credentials (a presigned STS GetCallerIdentity request).
///
/// A provider never logs or prints the token, and its errors never contain it.
public protocol KubernetesTokenProvider: Sendable {
    /// A valid token; providers cache and renew as they see fit.
    func token() async throws -> KubernetesToken
}
