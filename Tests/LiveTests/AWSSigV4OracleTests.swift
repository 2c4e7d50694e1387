import FairwayAWS
import FairwayCore
import FairwayLive
import Foundation
import Testing

/// The signer against botocore, the reference implementation: varied requests (methods, paths with
/// spaces, unicode, reserved characters and dot segments, query parameters, repeated and padded
/// headers, bodies, session tokens, S3 and other services, presigned URLs) are signed by both at a
/// fixed date, and the Authorization headers and presigned URLs must be identical.
@Suite struct AWSSigV4OracleTests {
    /// Reads cases on standard input, signs each with botocore at its date, prints the results.
    static let oracle = """
        import datetime, json, sys
        import botocore.auth, botocore.awsrequest, botocore.credentials
        results = []
        for case in json.load(sys.stdin):
            fixed = datetime.datetime.strptime(case['date'], '%Y%m%dT%H%M%SZ')
            botocore.auth.get_current_datetime = lambda fixed=fixed: fixed
            credentials = botocore.credentials.Credentials(case['accessKey'], case['secretKey'], case.get('token'))
            request = botocore.awsrequest.AWSRequest(method=case['method'], url=case['url'], data=case['body'].encode(),
                                                     params=[tuple(p) for p in case['query']])
            for name, value in case['headers']:
                request.headers[name] = value
            s3 = case['service'] == 's3'
            if case['presign']:
                cls = botocore.auth.S3SigV4QueryAuth if s3 else botocore.auth.SigV4QueryAuth
                cls(credentials, case['service'], case['region'], expires=case['expires']).add_auth(request)
                results.append({'url': request.url})
            else:
                cls = botocore.auth.S3SigV4Auth if s3 else botocore.auth.SigV4Auth
                auth = cls(credentials, case['service'], case['region'])
                auth.add_auth(request)
                results.append({'authorization': request.headers['Authorization'], 'canonical': auth.canonical_request(request)})
        json.dump(results, sys.stdout)
        """

    /// A deterministic generator (Knuth's MMIX linear congruential one, high bits), so a failure can be reproduced.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 17
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
        mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
        mutating func count(_ upTo: Int) -> Int { Int(next() % UInt64(upTo + 1)) }
    }

    /// One request, who signs it and when; presigned for `expires` seconds, or signed in a header.
    struct Case {
        var request: AWSRequest
        var signer: SigV4Signer
        var date: Date
        var presign: Bool
        var expires: Int

        var json: JSONValue {
            var url = request.url
            url.query = []
            return [
                "method": .string(request.method), "url": .string(url.description),
                "query": .array(request.url.query.map { [.string($0.name), .string($0.value)] }),
                "headers": .array(request.headers.map { [.string($0.name), .string($0.value)] }),
                "body": .string(String(decoding: request.body, as: UTF8.self)),
                "accessKey": .string(signer.credentials.accessKeyId), "secretKey": .string(signer.credentials.secretAccessKey),
                "token": signer.credentials.sessionToken.map(JSONValue.string) ?? .null,
                "region": .string(signer.region), "service": .string(signer.service), "date": .string(AWSTime.amzDate(date)),
                "presign": .bool(presign), "expires": .int(Int64(expires)),
            ]
        }
    }

    static func cases(count: Int) -> [Case] {
        var random = Generator(state: 20150830)
        let segments = ["a", "b c", "\u{00FC}ber", "\u{1234}", "%", "+", "=", "!*'()", "a/b", "~tilde", "\u{65E5}\u{672C}",
                        "semi;colon", "at@sign", "dollar$", "x.y", "UPPER", "-_.~", "q?mark", "hash#"]
        let dotSegments = [".", "..", ""]
        let names = ["Param1", "param1", "a", "b c", "\u{00E9}t\u{00E9}", "key=", "x&y", "plus+", "~", "empty", "Action"]
        let values = ["value1", "", " ", "a+b", "=", "&", "\u{1234}", "~", "/", "%", "a b c", "1"]
        let headerNames = ["My-Header", "X-Amz-Meta-Foo", "Content-Type", "User-Agent", "x-amz-target", "X-Custom", "Accept"]
        let headerValues = ["value", "  padded  ", "a   b\t c", "\"quoted   text\"", "application/json", "v1, v2", "UPPER case"]
        let hosts = [("https", "example.amazonaws.com", nil), ("https", "eks.us-west-2.amazonaws.com", nil),
                     ("http", "127.0.0.1", 5000), ("https", "localhost", 8443), ("http", "example.com", nil)] as [(String, String, Int?)]
        let bodies = ["", "{}", "Param1=value1", "\u{00FC}n\u{00EF}code body", "{\"nodegroupName\":\"gpu\",\"scalingConfig\":{\"minSize\":0}}"]
        let services = ["service", "eks", "sts", "execute-api", "s3"]
        let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"]
        var cases: [Case] = []
        for index in 0..<count {
            let presign = index % 4 == 3
            let service = random.pick(services)
            var path = ""
            for _ in 0..<random.count(4) {
                if service != "s3" && random.chance(15) {
                    path += "/" + random.pick(dotSegments)
                } else if random.chance(20) && !presign {
                    // Raw, as the suite's get-utf8 and get-space vectors have them.
                    path += "/" + random.pick(["b c", "\u{00FC}ber", "\u{1234}", "x.y"])
                } else {
                    path += "/" + AWSPercentEncoding.encode(random.pick(segments))
                }
            }
            if random.chance(20) { path += "/" }
            var query: [(name: String, value: String)] = []
            var usedNames: Set<String> = []
            for _ in 0..<random.count(4) {
                let name = random.pick(names)
                // botocore's presigner keeps one value per name; header signing keeps repeats.
                if presign && !usedNames.insert(name).inserted { continue }
                query.append((name, random.pick(values)))
            }
            var headers: [(name: String, value: String)] = []
            for _ in 0..<random.count(3) {
                headers.append((random.pick(headerNames), random.pick(headerValues)))
            }
            if random.chance(20), let first = headers.first { headers.append((first.name.uppercased(), random.pick(headerValues))) }
            let body = presign ? "" : random.pick(bodies)
            if service == "s3" && !presign {
                headers.append(("X-Amz-Content-SHA256", SigV4Signer.sha256Hex(Array(body.utf8))))
            }
            let (scheme, host, port) = random.pick(hosts)
            let token = random.chance(40) ? "FwoGZXIvYXdzE" + String(random.next(), radix: 36) + "/+=token" : nil
            cases.append(Case(
                request: AWSRequest(method: presign ? "GET" : random.pick(["GET", "POST", "PUT", "DELETE", "PATCH"]),
                                    url: AWSURL(scheme: scheme, host: host, port: port, path: path.isEmpty ? "/" : path, query: query),
                                    headers: headers, body: Array(body.utf8)),
                signer: SigV4Signer(credentials: AWSCredentials(accessKeyId: "AKID" + String(random.next() % 1_000_000),
                                                                secretAccessKey: "secret/+" + String(random.next(), radix: 16),
                                                                sessionToken: token),
                                    region: random.pick(regions), service: service),
                date: Date(timeIntervalSince1970: 1_400_000_000 + Double(random.next() % 400_000_000)),
                presign: presign, expires: random.pick([60, 900, 3600, 604_800])))
        }
        return cases
    }

    @Test(.enabled(if: Python.has("botocore"), "needs python3 with botocore (bash scripts/setup)"))
    func signaturesMatchBotocore() async throws {
        guard let python = await Python.interpreter(with: ["botocore"], for: "the botocore signature cross-check") else { return }
        let cases = Self.cases(count: 60)
        #expect(cases.filter(\.presign).count >= 10)
        let results = try await Python.run(python, Self.oracle, input: .array(cases.map(\.json)))
        let answers = try #require(results.arrayValue)
        try #require(answers.count == cases.count)
        for (index, (item, answer)) in zip(cases, answers).enumerated() {
            let signer = item.signer
            if item.presign {
                let payload = signer.service == "s3" ? SigV4Signer.unsignedPayload : nil
                let ours = signer.presign(item.request, expires: item.expires, at: item.date, payloadHash: payload)
                #expect(ours.request.url.description == answer["url"]?.stringValue, "case \(index): \(item.json)")
            } else {
                let ours = signer.sign(item.request, at: item.date)
                #expect(ours.authorization == answer["authorization"]?.stringValue,
                        "case \(index): \(item.json)\nours:\n\(ours.canonicalRequest)\nbotocore:\n\(answer["canonical"]?.stringValue ?? "")")
            }
        }
    }
}
