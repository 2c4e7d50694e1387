import FairwayAWS
import FairwayCore
import FairwayLive
import Foundation
import Testing

/// A planted secret access key, session token and web identity token must never show up in a
/// credentials description, an error description or a log line, along every path that touches them.
@Suite struct AWSSecretLeakTests {
    static let secret = "PLANTEDsecretKEY/abcdefghijklmnopqrstu+0123"
    static let token = "PLANTEDsessionTOKEN//FwoGZXIvYXdzEJr+long=="
    static let webIdentityToken = "eyJPLANTED.webIDENTITYtoken.signature"
    static let planted = [secret, token, webIdentityToken]

    static func expectClean(_ text: String, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for value in planted {
            #expect(!text.contains(value), "\(what) leaks a planted secret: \(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func credentialsNeverPrintTheirSecrets() {
        let credentials = AWSCredentials(accessKeyId: "AKIDLEAKTEST1234", secretAccessKey: Self.secret, sessionToken: Self.token,
                                         expiration: SuiteInputs.date, source: "environment")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, credentials.debugDescription, String(reflecting: credentials), "\(credentials)", dumped,
                     "\([credentials])", String(describing: Optional(credentials))] {
            Self.expectClean(text, "a credentials description")
        }
        #expect(credentials.description == "AWSCredentials(accessKeyId: ************1234, secretAccessKey: <redacted>, "
            + "sessionToken: <redacted>, expiration: 2015-08-30T12:36:00Z, source: environment)")
        let signed = SigV4Signer(credentials: credentials, region: "us-east-1", service: "eks")
            .sign(AWSRequest(method: "GET", url: AWSURL(host: "eks.us-east-1.amazonaws.com")), at: SuiteInputs.date)
        Self.expectClean(signed.authorization, "an Authorization header")
    }

    /// Environment credentials used against a responder that rejects them, retries included, with
    /// every log line kept: the lines and the error are free of the secret and the token.
    @Test func logsAndErrorsOfSignedCallsAreClean() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lines = RecordingLogHandler.Lines()
        let logger = RecordingLogHandler.logger(lines)
        let environment = AWSEnvironment(variables: ["AWS_ACCESS_KEY_ID": "AKIDLEAKTEST", "AWS_SECRET_ACCESS_KEY": Self.secret,
                                                     "AWS_SESSION_TOKEN": Self.token, "HOME": directory.path])
        let chain = AWSCredentialChain(environment: environment, logger: logger)
        let script: [JSONValue] = [
            ["status": 500, "body": "{\"message\": \"internal\"}"],
            ["status": 403, "headers": ["X-Amzn-ErrorType": "UnrecognizedClientException"],
             "body": "{\"message\": \"The security token included in the request is invalid.\"}"],
        ]
        _ = try await PythonServer.withResponder(script, log: "\(directory.path)/requests") { server in
            let transport = AWSTransport(retryPolicy: AWSRetryTests.fast, logger: logger)
            try await transport.shuttingDown {
                let eks = EKSClient(region: "us-east-1", endpoint: server.url, credentials: chain, transport: transport)
                let error = try await #require(throws: AWSError.self) { try await eks.describeCluster("ml") }
                #expect(error.code == "UnrecognizedClientException")
                Self.expectClean(error.description, "an error")
                Self.expectClean("\(error)", "an error")
            }
        }
        let logged = lines.all
        #expect(logged.contains { $0.contains("aws credentials loaded") && $0.contains("aws.credentials.access_key_id=********TEST") })
        #expect(logged.filter { $0.hasPrefix("debug aws request aws.") }.count == 2, "one line per attempt")
        #expect(logged.contains { $0.contains("http.status=403") })
        for line in logged { Self.expectClean(line, "a log line") }
    }

    /// Web identity: the token read from its file, STS's error answers and a malformed answer that
    /// carries a secret: none of it reaches an error or a log line.
    @Test func webIdentityErrorsAreClean() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tokenFile = try directory.write("token", Self.webIdentityToken)
        let lines = RecordingLogHandler.Lines()
        let logger = RecordingLogHandler.logger(lines)
        let answers: [JSONValue] = [
            ["status": 400, "headers": ["Content-Type": "text/xml"], "body": """
                <ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
                <Message>Couldn&apos;t retrieve verification key from your identity provider</Message></Error>
                <RequestId>req-7</RequestId></ErrorResponse>
                """],
            ["status": 200, "body": .string("<AssumeRoleWithWebIdentityResponse><Credentials><SecretAccessKey>\(Self.secret)"
                + "</SecretAccessKey></Credentials></AssumeRoleWithWebIdentityResponse>")],
        ]
        var descriptions: [String] = []
        for answer in answers {
            _ = try await PythonServer.withResponder([answer], log: "\(directory.path)/requests") { sts in
                let environment = AWSEnvironment(variables: [
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/fairway",
                    "AWS_ENDPOINT_URL_STS": sts.url.description, "HOME": directory.path,
                ])
                let transport = AWSTransport(retryPolicy: AWSRetryTests.fast, logger: logger)
                try await transport.shuttingDown {
                    let error = try await #require(throws: AWSError.self) { try await AWSCredentialChain(environment: environment, transport: transport, logger: logger).credentials() }
                    descriptions.append(error.description)
                }
            }
        }
        #expect(descriptions.count == 2)
        #expect(descriptions.first?.contains("InvalidIdentityToken: Couldn't retrieve verification key from your identity provider") == true)
        #expect(descriptions.last?.contains("the STS answer has no Credentials with AccessKeyId and SecretAccessKey") == true)
        for text in descriptions + lines.all { Self.expectClean(text, "a web identity error or log line") }
    }
}
