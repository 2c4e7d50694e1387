import FairwayCore
import Foundation

/// An HTTP answer from AWS, read whole, and the AWS error it carries when its status is not 2xx.
public struct AWSResponse: AWSHTTPMessage {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var requestId: String? { header("x-amzn-RequestId") ?? header("x-amz-request-id") }

    /// The body as JSON (rest-json and json services).
    public func json() throws(AWSError) -> JSONValue {
        if body.isEmpty { return .object(JSONObject()) }
        do {
            return try JSONReader.parse(body)
        } catch {
            throw AWSError(.invalidResponse, "the answer is not JSON (\(error.reason) at byte \(error.offset))",
                           status: status, requestId: requestId)
        }
    }

    /// AWS's error code and message: the code from `X-Amzn-ErrorType` (without its `:http://...`
    /// suffix) or the body (`__type`/`code` in JSON, `<Code>` in XML), the message from the body.
    /// Both nil when the body is neither (an HTML page from a proxy or an emulator).
    public var awsError: (code: String?, message: String?) {
        var code = header("X-Amzn-ErrorType").map(Self.stripErrorTypeSuffix)
        var message: String?
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if trimmed.hasPrefix("{"), let json = try? JSONReader.parse(String(trimmed)) {
            code = code ?? (json["__type"] ?? json["code"] ?? json["Code"])?.stringValue.map(Self.stripErrorTypeSuffix)
            message = (json["message"] ?? json["Message"] ?? json["errorMessage"])?.stringValue
        } else if trimmed.hasPrefix("<") {
            let error = AWSXML.element("Error", in: text) ?? text
            code = code ?? AWSXML.text("Code", in: error)
            message = AWSXML.text("Message", in: error)
        }
        return (code.flatMap { $0.isEmpty ? nil : $0 }, message)
    }

    /// `ResourceNotFoundException:http://internal.amazon.com/...` -> `ResourceNotFoundException`;
    /// a JSON `__type` of `com.amazon.coral#Name` -> `Name`.
    static func stripErrorTypeSuffix(_ value: String) -> String {
        var code = Substring(value)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        return code.trimmingCharacters(in: .whitespaces)
    }
}
