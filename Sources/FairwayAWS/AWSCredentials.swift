import Foundation

/// The AWS part of FairwayLive: signing requests (SigV4), finding credentials, talking to EKS and
/// minting bearer tokens for EKS clusters. Nothing here prints or logs a secret access key or a
/// session token; descriptions show the last four characters of the access key id at most.

/// One set of AWS credentials and, for temporary ones, when they expire.
///
/// `description`, `debugDescription` and the reflection mirror (`dump`) redact the secret access key
/// and the session token, so credentials can be interpolated into messages without leaking.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    /// Where they came from ("environment", "web-identity", "profile default", ...), for messages.
    public var source: String

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil,
                source: String = "static") {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiration = expiration
        self.source = source
    }

    /// The access key id with all but its last four characters masked, as `aws configure list` shows it.
    public var maskedAccessKeyId: String {
        String(repeating: "*", count: max(0, accessKeyId.count - 4)) + accessKeyId.suffix(4)
    }

    public var description: String {
        var text = "AWSCredentials(accessKeyId: \(maskedAccessKeyId), secretAccessKey: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(AWSTime.iso8601(expiration))" }
        return text + ", source: \(source))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyId": maskedAccessKeyId, "secretAccessKey": "<redacted>",
                                "sessionToken": sessionToken == nil ? "none" : "<redacted>",
                                "expiration": expiration as Any, "source": source])
    }

    /// Whether they are still good at `date` with `margin` seconds to spare.
    public func isValid(at date: Date, margin: TimeInterval = 0) -> Bool {
        guard let expiration else { return true }
        return expiration.timeIntervalSince(date) > margin
    }
}

/// Hands out AWS credentials; implementations cache and refresh as they see fit.
public protocol AWSCredentialsProvider: Sendable {
    func credentials() async throws(AWSError) -> AWSCredentials
}

/// Always the same credentials: for tests, and for keys configured explicitly.
public struct StaticAWSCredentialsProvider: AWSCredentialsProvider {
    public let value: AWSCredentials

    public init(_ credentials: AWSCredentials) { value = credentials }

    public func credentials() async throws(AWSError) -> AWSCredentials { value }
}
