import FairwayKubernetes
import Foundation

/// Bearer tokens for an EKS cluster's Kubernetes API, made natively the way `aws eks get-token` and
/// aws-iam-authenticator make them: a presigned STS GetCallerIdentity URL (valid 60 s, signing the
/// `x-k8s-aws-id` header that names the cluster), base64url-encoded without padding behind
/// `k8s-aws-v1.`. EKS accepts such a token for 15 minutes; this provider says it expires after 14
/// (or when the credentials do, if sooner), caches it, and makes a new one a little before then.
public final class EKSTokenProvider: KubernetesTokenProvider {
    public let clusterName: String
    public let region: String
    public let stsEndpoint: AWSURL
    private let cache: AWSRefreshingCache<KubernetesToken>

    public static let tokenPrefix = "k8s-aws-v1."
    /// X-Amz-Expires of the presigned URL, as aws-iam-authenticator sets it.
    public static let presignedURLLifetime = 60
    /// How long a token is taken to be valid.
    public static let tokenLifetime: TimeInterval = 14 * 60

    /// - Parameters:
    ///   - stsEndpoint: overrides `https://sts.<region>.amazonaws.com`.
    ///   - renewBefore: how long before expiry a new token is made.
    public init(clusterName: String, region: String, credentials: any AWSCredentialsProvider, stsEndpoint: AWSURL? = nil,
                clock: @escaping AWSTime.Clock = AWSTime.systemClock, renewBefore: TimeInterval = 120) {
        self.clusterName = clusterName
        self.region = region
        let endpoint = stsEndpoint ?? AWSURL(host: "sts.\(region).\(region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com")")
        self.stsEndpoint = endpoint
        cache = AWSRefreshingCache(margin: renewBefore, clock: clock, expiry: { $0.expiry.map(Date.init(timeIntervalSince1970:)) }) {
            () async throws(AWSError) -> KubernetesToken in
            let current = try await credentials.credentials()
            return Self.token(clusterName: clusterName, region: region, stsEndpoint: endpoint, credentials: current, at: clock())
        }
    }

    public func token() async throws -> KubernetesToken {
        try await cache.value()
    }

    /// The token for `credentials` at `date`: no network, no cache.
    public static func token(clusterName: String, region: String, stsEndpoint: AWSURL, credentials: AWSCredentials,
                             at date: Date) -> KubernetesToken {
        let url = presignedURL(clusterName: clusterName, region: region, stsEndpoint: stsEndpoint, credentials: credentials, at: date)
        var expiry = date.addingTimeInterval(tokenLifetime)
        if let expiration = credentials.expiration, expiration < expiry { expiry = expiration }
        return KubernetesToken(value: tokenPrefix + base64URL(Array(url.utf8)), expiry: expiry.timeIntervalSince1970)
    }

    /// The presigned GetCallerIdentity URL a token wraps.
    public static func presignedURL(clusterName: String, region: String, stsEndpoint: AWSURL, credentials: AWSCredentials,
                                    at date: Date) -> String {
        let url = stsEndpoint.appending(path: "/", query: [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")])
        let request = AWSRequest(method: "GET", url: url, headers: [("x-k8s-aws-id", clusterName)])
        let signer = SigV4Signer(credentials: credentials, region: region, service: "sts")
        return signer.presign(request, expires: presignedURLLifetime, at: date).request.url.description
    }

    /// Base64 with `-` and `_` for `+` and `/`, and no `=` padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
