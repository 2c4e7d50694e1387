import FairwayCore
import Foundation

/// What DescribeCluster says about a cluster that Fairway needs to reach its Kubernetes API without a
/// kubeconfig: the API server URL and the certificate authority to trust.
public struct EKSCluster: Sendable, Equatable {
    public var name: String
    /// The API server URL (`https://....eks.amazonaws.com`).
    public var endpoint: String?
    /// `certificateAuthority.data`: the CA's PEM, base64-encoded as EKS returns it.
    public var certificateAuthorityData: String?
    public var status: String?
    public var version: String?
    /// The whole `cluster` object.
    public var raw: JSONValue

    public init(raw: JSONValue) {
        self.raw = raw
        name = raw["name"]?.stringValue ?? ""
        endpoint = raw["endpoint"]?.stringValue
        certificateAuthorityData = raw.value(at: ["certificateAuthority", "data"])?.stringValue
        status = raw["status"]?.stringValue
        version = raw["version"]?.stringValue
    }

    /// The CA certificate(s) in PEM, decoded; nil when absent or not base64.
    public var certificateAuthorityPEM: [UInt8]? {
        certificateAuthorityData.flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }.map { Array($0) }
    }
}

extension EKSClient {
    /// DescribeCluster.
    public func describeCluster(_ name: String) async throws(AWSError) -> EKSCluster {
        let answer = try await call("GET", ["clusters", name], operation: "DescribeCluster")
        return EKSCluster(raw: try member("cluster", of: answer, operation: "DescribeCluster"))
    }
}
