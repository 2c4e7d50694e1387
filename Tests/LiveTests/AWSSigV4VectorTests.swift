import FairwayAWS
import FairwayLive
import Foundation
import Testing

/// One case of AWS's published SigV4 test suite (aws-sig-v4-test-suite): the request, and the
/// canonical request, string to sign and Authorization header AWS publishes for it. Only the vector
/// data is transcribed; every case uses the suite's credentials, region, service and date.
struct SigV4Vector: Sendable, CustomTestStringConvertible {
    var name: String
    var method = "GET"
    /// The path as the suite's request line has it.
    var path = "/"
    var query: [(name: String, value: String)] = []
    var headers: [(name: String, value: String)] = []
    var body = ""
    var sessionToken: String?
    /// The published canonical request's URI and query lines, its header lines other than host and
    /// x-amz-date, and its payload hash.
    var canonicalURI = "/"
    var canonicalQuery = ""
    var extraCanonicalHeaders: [String] = []
    var payloadHash = SigV4Signer.emptyPayloadHash
    /// The last line of the published string to sign (the canonical request's hash), where published.
    var canonicalRequestHash: String?
    var signature: String

    var testDescription: String { name }

    var expectedCanonicalRequest: String {
        let token = sessionToken.map { ["x-amz-security-token:\($0)"] } ?? []
        let headerLines = (extraCanonicalHeaders + ["host:example.amazonaws.com", "x-amz-date:20150830T123600Z"] + token)
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return ([method, canonicalURI, canonicalQuery] + headerLines + ["", signedHeaders, payloadHash]).joined(separator: "\n")
    }

    var signedHeaders: String {
        let names = (extraCanonicalHeaders + ["host:", "x-amz-date:"] + (sessionToken == nil ? [] : ["x-amz-security-token:"]))
            .map { String($0.prefix { $0 != ":" }) }
        return names.sorted().joined(separator: ";")
    }

    var expectedAuthorization: String {
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }
}

enum SigV4Vectors {
    static let unreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    static let stsToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeo"
        + "IYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5V"
        + "SXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yj"
        + "c8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="
    static let vanillaHash = "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
    static let vanillaSignature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"

    static let all: [SigV4Vector] = [
        SigV4Vector(name: "get-vanilla", canonicalRequestHash: vanillaHash, signature: vanillaSignature),
        SigV4Vector(name: "get-vanilla-empty-query-key", query: [("Param1", "value1")], canonicalQuery: "Param1=value1",
                    signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"),
        SigV4Vector(name: "get-vanilla-query-order-key-case", query: [("Param2", "value2"), ("Param1", "value1")],
                    canonicalQuery: "Param1=value1&Param2=value2",
                    canonicalRequestHash: "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
                    signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        SigV4Vector(name: "get-vanilla-query-order-value", query: [("Param1", "value2"), ("Param1", "value1")],
                    canonicalQuery: "Param1=value1&Param1=value2",
                    signature: "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"),
        SigV4Vector(name: "get-vanilla-query-unreserved", query: [(unreserved, unreserved)],
                    canonicalQuery: "\(unreserved)=\(unreserved)",
                    signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
        SigV4Vector(name: "get-vanilla-utf8-query", query: [("\u{1234}", "bar")], canonicalQuery: "%E1%88%B4=bar",
                    canonicalRequestHash: "eb30c5bed55734080471a834cc727ae56beb50e5f39d1bff6d0d38cb192a7073",
                    signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
        SigV4Vector(name: "get-unreserved", path: "/\(unreserved)", canonicalURI: "/\(unreserved)",
                    canonicalRequestHash: "6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9",
                    signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        SigV4Vector(name: "get-utf8", path: "/\u{1234}", canonicalURI: "/%E1%88%B4",
                    canonicalRequestHash: "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102",
                    signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        SigV4Vector(name: "normalize-path/get-space", path: "/example space/", canonicalURI: "/example%20space/",
                    canonicalRequestHash: "63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86",
                    signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        SigV4Vector(name: "normalize-path/get-slashes", path: "//example//", canonicalURI: "/example/",
                    canonicalRequestHash: "cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015",
                    signature: "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"),
        SigV4Vector(name: "normalize-path/get-relative-relative", path: "/example1/example2/../..",
                    canonicalRequestHash: vanillaHash, signature: vanillaSignature),
        SigV4Vector(name: "normalize-path/get-slash-dot-slash", path: "/./", canonicalRequestHash: vanillaHash,
                    signature: vanillaSignature),
        SigV4Vector(name: "get-header-value-trim", headers: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
                    extraCanonicalHeaders: ["my-header1:value1", "my-header2:\"a b c\""],
                    canonicalRequestHash: "a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7",
                    signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        SigV4Vector(name: "get-header-key-duplicate",
                    headers: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
                    extraCanonicalHeaders: ["my-header1:value2,value2,value1"],
                    canonicalRequestHash: "dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c",
                    signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
        SigV4Vector(name: "get-header-value-order",
                    headers: [("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2")],
                    extraCanonicalHeaders: ["my-header1:value4,value1,value3,value2"],
                    signature: "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"),
        SigV4Vector(name: "post-vanilla", method: "POST",
                    canonicalRequestHash: "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
                    signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        SigV4Vector(name: "post-vanilla-query", method: "POST", query: [("Param1", "value1")], canonicalQuery: "Param1=value1",
                    canonicalRequestHash: "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd",
                    signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
        SigV4Vector(name: "post-vanilla-query-nonunreserved", method: "POST",
                    query: [("@#$%^", ""), ("+", "/,?><`\";:\\|][{}")],
                    canonicalQuery: "%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D&%40%23%24%25%5E=",
                    signature: "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"),
        SigV4Vector(name: "post-header-key-sort", method: "POST", headers: [("My-Header1", "value1")],
                    extraCanonicalHeaders: ["my-header1:value1"],
                    canonicalRequestHash: "9368318c2967cf6de74404b30c65a91e8f6253e0a8659d6d5319f1a812f87d65",
                    signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        SigV4Vector(name: "post-header-value-case", method: "POST", headers: [("My-Header1", "VALUE1")],
                    extraCanonicalHeaders: ["my-header1:VALUE1"],
                    canonicalRequestHash: "d51ced243e649e3de6ef63afbbdcbca03131a21a7103a1583706a64618606a93",
                    signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
        SigV4Vector(name: "post-x-www-form-urlencoded", method: "POST",
                    headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "Param1=value1",
                    extraCanonicalHeaders: ["content-type:application/x-www-form-urlencoded"],
                    payloadHash: "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
                    canonicalRequestHash: "42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281",
                    signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
        SigV4Vector(name: "post-x-www-form-urlencoded-parameters", method: "POST",
                    headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf8")], body: "Param1=value1",
                    extraCanonicalHeaders: ["content-type:application/x-www-form-urlencoded; charset=utf8"],
                    payloadHash: "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
                    signature: "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"),
        SigV4Vector(name: "post-sts-token/post-sts-header-before", method: "POST", sessionToken: stsToken,
                    canonicalRequestHash: "c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6",
                    signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"),
    ]
}

/// The signer against AWS's published vectors: canonical request, string to sign and Authorization
/// header each compared, so a failure says which stage is wrong.
@Suite struct AWSSigV4VectorTests {
    @Test(arguments: SigV4Vectors.all)
    func publishedVector(_ vector: SigV4Vector) {
        var credentials = SuiteInputs.credentials
        credentials.sessionToken = vector.sessionToken
        let signer = SigV4Signer(credentials: credentials, region: SuiteInputs.region, service: SuiteInputs.service)
        let request = AWSRequest(method: vector.method,
                                 url: AWSURL(host: "example.amazonaws.com", path: vector.path, query: vector.query),
                                 headers: vector.headers, body: Array(vector.body.utf8))
        let signed = signer.sign(request, at: SuiteInputs.date)
        #expect(signed.canonicalRequest == vector.expectedCanonicalRequest)
        let canonicalHash = SigV4Signer.sha256Hex(Array(signed.canonicalRequest.utf8))
        if let published = vector.canonicalRequestHash { #expect(canonicalHash == published) }
        #expect(signed.stringToSign == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\(canonicalHash)")
        #expect(signed.authorization == vector.expectedAuthorization)
        #expect(signed.request.header("Authorization") == vector.expectedAuthorization)
        #expect(signed.request.header("X-Amz-Date") == "20150830T123600Z")
        #expect(signed.request.header("X-Amz-Security-Token") == vector.sessionToken)
    }

    /// Signing twice (a retry) gives the same header: the earlier Authorization and X-Amz-Date are replaced, not signed.
    @Test func signingAgainReplacesTheOldSignature() {
        let request = AWSRequest(method: "GET", url: AWSURL(host: "example.amazonaws.com"))
        let once = SuiteInputs.signer.sign(request, at: SuiteInputs.date)
        let twice = SuiteInputs.signer.sign(once.request, at: SuiteInputs.date)
        #expect(twice.authorization == once.authorization)
        #expect(twice.request.headers.filter { $0.name == "Authorization" }.count == 1)
    }

    /// S3 signs the path as sent (no normalisation, no second encoding): the GET Object example of the
    /// S3 SigV4 documentation, and its presigned-URL example (UNSIGNED-PAYLOAD).
    @Test func s3DocumentationExamples() {
        let credentials = AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
        let date = AWSTime.parseISO8601("2013-05-24T00:00:00Z")!
        let get = AWSRequest(method: "GET", url: AWSURL(host: "examplebucket.s3.amazonaws.com", path: "/test.txt"),
                             headers: [("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)])
        let signed = signer.sign(get, at: date)
        #expect(signed.stringToSign.hasSuffix("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")

        let presigned = signer.presign(AWSRequest(method: "GET", url: AWSURL(host: "examplebucket.s3.amazonaws.com", path: "/test.txt")),
                                       expires: 86400, at: date, payloadHash: SigV4Signer.unsignedPayload)
        #expect(presigned.request.url.description == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z"
            + "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(presigned.request.header("Authorization") == nil)
    }

    @Test(arguments: [
        ("/", "/"), ("", "/"), ("//", "/"), ("/a/./b/../c", "/a/c"), ("/a/b/..", "/a"), ("/../a", "/a"),
        ("/a%20b/", "/a%2520b/"), ("/a%2Fb", "/a%252Fb"), ("/a/..b/.c", "/a/..b/.c"), ("/\u{00FC}", "/%C3%BC"),
    ])
    func canonicalPathForNonS3Services(_ path: String, _ canonical: String) {
        #expect(SigV4Signer.canonicalPath(path, normalize: true) == canonical)
    }

    @Test func urlsParseAndPrint() throws {
        let url = try #require(AWSURL(string: "HTTP://LocalHost:8080/base/?b=2&a=x%20y&flag"))
        #expect(url.scheme == "http" && url.host == "localhost" && url.port == 8080 && url.path == "/base/")
        #expect(url.query.map { "\($0.name)=\($0.value)" } == ["b=2", "a=x y", "flag="])
        #expect(url.description == "http://localhost:8080/base/?b=2&a=x%20y&flag=")
        #expect(AWSURL(string: "https://example.com:443/")?.hostHeader == "example.com")
        #expect(AWSURL(string: "http://[::1]:9000")?.hostHeader == "[::1]:9000")
        #expect(AWSURL(string: "ftp://example.com") == nil)
        #expect(AWSURL(string: "https://user@example.com") == nil)
        #expect(AWSURL(string: "https://example.com:99999") == nil)
    }

    @Test func timesFormatAndParse() throws {
        #expect(AWSTime.amzDate(SuiteInputs.date) == "20150830T123600Z")
        #expect(AWSTime.iso8601(SuiteInputs.date) == "2015-08-30T12:36:00Z")
        #expect(AWSTime.parseISO8601("2015-08-30T12:36:00Z") == SuiteInputs.date)
        #expect(AWSTime.parseISO8601("2015-08-30T14:36:00+02:00") == SuiteInputs.date)
        let fractional = try #require(AWSTime.parseISO8601("2015-08-30T12:36:00.25Z"))
        #expect(abs(fractional.timeIntervalSince(SuiteInputs.date) - 0.25) < 0.000_001)
        #expect(AWSTime.parseISO8601("2015-08-30 12:36") == nil)
        #expect(AWSTime.parseISO8601("yesterday") == nil)
    }
}
