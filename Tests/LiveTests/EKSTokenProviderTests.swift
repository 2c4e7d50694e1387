import FairwayAWS
import FairwayCore
import FairwayKubernetes
import FairwayLive
import Foundation
import Testing

/// EKS bearer tokens: the token's structure (prefix, base64url without padding, the presigned STS
/// GetCallerIdentity URL inside), the URL checked against what botocore presigns for
/// `aws eks get-token` at the same date, and the provider's caching and renewal.
@Suite struct EKSTokenProviderTests {
    static let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                            sessionToken: "FwoGZXIvYXdzEXAMPLE/token+with=chars")

    /// The URL inside a token.
    static func decode(_ token: String) throws -> String {
        #expect(token.hasPrefix("k8s-aws-v1."))
        let encoded = String(token.dropFirst("k8s-aws-v1.".count))
        #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
        var base64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
    }

    @Test func tokenStructure() throws {
        let endpoint = AWSURL(host: "sts.us-west-2.amazonaws.com")
        let token = EKSTokenProvider.token(clusterName: "ml-platform", region: "us-west-2", stsEndpoint: endpoint,
                                           credentials: Self.credentials, at: SuiteInputs.date)
        #expect(token.expiry == SuiteInputs.date.timeIntervalSince1970 + 14 * 60)
        let url = try #require(AWSURL(string: try Self.decode(token.value)))
        #expect(url.scheme == "https" && url.host == "sts.us-west-2.amazonaws.com" && url.path == "/")
        let query = Dictionary(url.query.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(url.query.map(\.name) == ["Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                                          "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"])
        #expect(query["Action"] == "GetCallerIdentity" && query["Version"] == "2011-06-15")
        #expect(query["X-Amz-Credential"] == "AKIDEXAMPLE/20150830/us-west-2/sts/aws4_request")
        #expect(query["X-Amz-Date"] == "20150830T123600Z" && query["X-Amz-Expires"] == "60")
        #expect(query["X-Amz-SignedHeaders"] == "host;x-k8s-aws-id")
        #expect(query["X-Amz-Security-Token"] == Self.credentials.sessionToken)
        #expect(query["X-Amz-Signature"]?.count == 64)

        var shortLived = Self.credentials
        shortLived.expiration = SuiteInputs.date.addingTimeInterval(300)
        let capped = EKSTokenProvider.token(clusterName: "ml-platform", region: "us-west-2", stsEndpoint: endpoint,
                                            credentials: shortLived, at: SuiteInputs.date)
        #expect(capped.expiry == SuiteInputs.date.timeIntervalSince1970 + 300)
    }

    /// What `aws eks get-token` does: botocore presigns GetCallerIdentity for 60 s with the
    /// x-k8s-aws-id header added before signing.
    static let getToken = """
        import datetime, json, sys
        import botocore.auth, botocore.session
        results = []
        for case in json.load(sys.stdin):
            fixed = datetime.datetime.strptime(case['date'], '%Y%m%dT%H%M%SZ')
            botocore.auth.get_current_datetime = lambda fixed=fixed: fixed
            options = {'region_name': case['region'], 'aws_access_key_id': case['accessKey'],
                       'aws_secret_access_key': case['secretKey'], 'aws_session_token': case.get('token')}
            if case.get('endpoint'): options['endpoint_url'] = case['endpoint']
            sts = botocore.session.get_session().create_client('sts', **options)
            cluster = case['cluster']
            sts.meta.events.register('before-sign.sts.GetCallerIdentity',
                                     lambda request, cluster=cluster, **kwargs: request.headers.__setitem__('x-k8s-aws-id', cluster))
            results.append(sts.generate_presigned_url('get_caller_identity', Params={}, ExpiresIn=60, HttpMethod='GET'))
        json.dump(results, sys.stdout)
        """

    @Test(.enabled(if: Python.has("botocore"), "needs python3 with botocore (bash scripts/setup)"))
    func presignedURLMatchesBotocore() async throws {
        guard let python = await Python.interpreter(with: ["botocore"], for: "the EKS token cross-check") else { return }
        var plain = Self.credentials
        plain.sessionToken = nil
        let cases: [(cluster: String, region: String, endpoint: String?, credentials: AWSCredentials, date: Date)] = [
            ("ml-platform", "us-west-2", nil, Self.credentials, SuiteInputs.date),
            ("ml-platform", "eu-central-1", nil, plain, Date(timeIntervalSince1970: 1_767_225_600)),
            ("a.b_c-d", "us-east-1", "http://127.0.0.1:5000", Self.credentials, Date(timeIntervalSince1970: 1_700_000_123)),
        ]
        let input: [JSONValue] = cases.map { item in [
            "cluster": .string(item.cluster), "region": .string(item.region), "endpoint": item.endpoint.map(JSONValue.string) ?? .null,
            "accessKey": .string(item.credentials.accessKeyId), "secretKey": .string(item.credentials.secretAccessKey),
            "token": item.credentials.sessionToken.map(JSONValue.string) ?? .null, "date": .string(AWSTime.amzDate(item.date)),
        ] }
        let answers = try #require(try await Python.run(python, Self.getToken, input: .array(input)).arrayValue)
        try #require(answers.count == cases.count)
        for (item, answer) in zip(cases, answers) {
            let endpoint = try #require(item.endpoint.map { AWSURL(string: $0) } ?? AWSURL(host: "sts.\(item.region).amazonaws.com"))
            let token = EKSTokenProvider.token(clusterName: item.cluster, region: item.region, stsEndpoint: endpoint,
                                               credentials: item.credentials, at: item.date)
            #expect(try Self.decode(token.value) == answer.stringValue)
        }
    }

    /// Counts how often credentials are asked for.
    final class CountingCredentials: AWSCredentialsProvider, @unchecked Sendable {
        private let lock = NSLock()
        private var calls = 0
        var count: Int { lock.withLock { calls } }

        func credentials() async throws(AWSError) -> AWSCredentials {
            lock.withLock { calls += 1 }
            return EKSTokenProviderTests.credentials
        }
    }

    @Test func tokensAreCachedAndRenewedBeforeTheyExpire() async throws {
        let clock = TestClock(SuiteInputs.date)
        let credentials = CountingCredentials()
        let provider: any KubernetesTokenProvider = EKSTokenProvider(clusterName: "ml-platform", region: "us-east-1",
                                                                     credentials: credentials, clock: clock.clock)
        let first = try await provider.token()
        clock.advance(5 * 60)
        #expect(try await provider.token() == first)
        #expect(credentials.count == 1)
        clock.advance(7 * 60 + 30)  // 12.5 minutes in: within two minutes of the 14-minute expiry
        let renewed = try await provider.token()
        #expect(renewed != first)
        #expect(renewed.expiry == clock.now.timeIntervalSince1970 + 14 * 60)
        #expect(try Self.decode(renewed.value).contains("X-Amz-Date=20150830T124830Z"))
        #expect(credentials.count == 2)
    }
}
