import Foundation

/// Query-string signing: a presigned URL carries its credential scope, date, lifetime, signed
/// headers, session token and signature as query parameters instead of an Authorization header.
extension SigV4Signer {
    /// Presigns `request`: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
    /// X-Amz-SignedHeaders and (with a session token) X-Amz-Security-Token after the request's own
    /// query parameters, signs them all, and appends X-Amz-Signature last, the order botocore writes.
    /// Headers on the request (besides Host, always signed) must be sent by whoever uses the URL.
    ///
    /// - Parameters:
    ///   - expires: seconds the URL stays valid (1 to 604800).
    ///   - payloadHash: defaults to the SHA-256 of the body (S3 presigns with `UNSIGNED-PAYLOAD`).
    public func presign(_ request: AWSRequest, expires: Int, at date: Date, payloadHash: String? = nil) -> Signed {
        var request = request
        request.removeHeader("Authorization")
        let amzDate = AWSTime.amzDate(date)
        let headers = headersToSign(request)
        let signedHeaders = Self.canonicalHeaders(headers).signed
        var query = request.url.query
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope(amzDate))"))
        query.append(("X-Amz-Date", amzDate))
        query.append(("X-Amz-Expires", String(expires)))
        query.append(("X-Amz-SignedHeaders", signedHeaders))
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        var signed = finish(request, headers: headers, query: query, payloadHash: payloadHash ?? Self.sha256Hex(request.body),
                            amzDate: amzDate)
        query.append(("X-Amz-Signature", signed.signature))
        signed.request.url.query = query
        return signed
    }
}
