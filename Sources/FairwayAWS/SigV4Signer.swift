import Crypto
import Foundation

/// AWS Signature Version 4: signs a request for one region and service with one set of credentials,
/// either in the Authorization header (`sign`) or in the query string (`presign`, for presigned URLs
/// such as EKS bearer tokens). The time is a parameter, so results are reproducible.
///
/// It follows botocore: the path is normalised (`.`, `..` and repeated slashes removed) and
/// URI-encoded once more for every service but S3, which signs the path as sent; query parameters
/// are encoded (RFC 3986) and sorted by name, then value; header names are lower-cased and values
/// trimmed with inner runs of white space collapsed; `expect`, `transfer-encoding`, `user-agent` and
/// `x-amzn-trace-id` are never signed; the session token goes into X-Amz-Security-Token and is signed.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    public let region: String
    public let service: String
    /// False for S3, whose paths are signed as sent; true for every other service.
    public var normalizesPath: Bool

    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    static let unsignedHeaders: Set<String> = ["expect", "transfer-encoding", "user-agent", "x-amzn-trace-id", "authorization"]

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
        normalizesPath = service != "s3"
    }

    /// A signed request with the strings that produced its signature, for tests and debugging.
    public struct Signed: Sendable {
        public var request: AWSRequest
        public var canonicalRequest: String
        public var stringToSign: String
        /// Lower-case hex.
        public var signature: String
        public var signedHeaders: String
        /// The Authorization header (empty for a presigned request).
        public var authorization: String
    }

    /// Signs in the Authorization header: sets X-Amz-Date (and X-Amz-Security-Token with a session
    /// token), replacing earlier ones and any earlier Authorization, so a retry can be signed again.
    ///
    /// - Parameter payloadHash: the hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`; computed when nil,
    ///   or taken from an X-Amz-Content-SHA256 header already on the request.
    public func sign(_ request: AWSRequest, at date: Date, payloadHash: String? = nil) -> Signed {
        var request = request
        let amzDate = AWSTime.amzDate(date)
        request.removeHeader("Authorization")
        request.setHeader("X-Amz-Date", amzDate)
        if let token = credentials.sessionToken { request.setHeader("X-Amz-Security-Token", token) }
        let headers = headersToSign(request)
        let hash = payloadHash ?? request.header("X-Amz-Content-SHA256") ?? Self.sha256Hex(request.body)
        var signed = finish(request, headers: headers, query: request.url.query, payloadHash: hash, amzDate: amzDate)
        signed.authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope(amzDate)), "
            + "SignedHeaders=\(signed.signedHeaders), Signature=\(signed.signature)"
        signed.request.setHeader("Authorization", signed.authorization)
        return signed
    }

    /// The credential scope: `20150830/us-east-1/service/aws4_request`.
    func scope(_ amzDate: String) -> String { "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request" }

    /// Builds the canonical request and string to sign and computes the signature; the request is
    /// returned as given.
    func finish(_ request: AWSRequest, headers: [(name: String, value: String)], query: [(name: String, value: String)],
                payloadHash: String, amzDate: String) -> Signed {
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            request.method.uppercased(),
            Self.canonicalPath(request.url.path, normalize: normalizesPath),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let stringToSign = [Self.algorithm, amzDate, scope(amzDate), Self.sha256Hex(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")
        let signature = Self.hex(Self.hmac(signingKey(dateStamp: String(amzDate.prefix(8))), Array(stringToSign.utf8)))
        return Signed(request: request, canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
                      signedHeaders: signedHeaders, authorization: "")
    }

    /// The headers that are signed: all but the never-signed ones, plus Host from the URL when absent.
    func headersToSign(_ request: AWSRequest) -> [(name: String, value: String)] {
        var headers = request.headers.filter { !Self.unsignedHeaders.contains($0.name.lowercased()) }
        if request.header("Host") == nil { headers.append(("host", request.url.hostHeader)) }
        return headers
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    func signingKey(dateStamp: String) -> [UInt8] {
        var key = Self.hmac(Array("AWS4\(credentials.secretAccessKey)".utf8), Array(dateStamp.utf8))
        for part in [region, service, "aws4_request"] { key = Self.hmac(key, Array(part.utf8)) }
        return key
    }

    static func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String { hex(Array(SHA256.hash(data: bytes))) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
