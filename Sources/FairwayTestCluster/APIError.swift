import FairwayCore

/// A failed request as Kubernetes reports it: an HTTP code and a `Status` body with reason, message
/// and details, worded the way kube-apiserver words them.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var reason: String
    public var message: String
    public var details: JSONObject?
    /// Seconds a client should wait before retrying (429), sent as `Retry-After` too.
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: String, message: String, details: JSONObject? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(code) \(reason): \(message)" }

    /// The `Status` object sent as the response body.
    public var status: JSONValue {
        var body: JSONObject = [("kind", "Status"), ("apiVersion", "v1"), ("metadata", .object(JSONObject())),
                                ("status", "Failure"), ("message", .string(message)), ("reason", .string(reason))]
        var details = self.details ?? JSONObject()
        if let retryAfterSeconds { details["retryAfterSeconds"] = .int(Int64(retryAfterSeconds)) }
        if !details.isEmpty { body["details"] = .object(details) }
        body["code"] = .int(Int64(code))
        return .object(body)
    }

    static func detailsFor(_ resource: ResourceType, name: String) -> JSONObject {
        var details: JSONObject = [("name", .string(name))]
        if !resource.group.isEmpty { details["group"] = .string(resource.group) }
        details["kind"] = .string(resource.plural)
        return details
    }

    static func notFound(_ resource: ResourceType, _ name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource.groupResource) \"\(name)\" not found",
                 details: detailsFor(resource, name: name))
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
                 details: [("name", .string(namespace)), ("kind", "namespaces")])
    }

    static func alreadyExists(_ resource: ResourceType, _ name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource.groupResource) \"\(name)\" already exists",
                 details: detailsFor(resource, name: name))
    }

    static func conflict(_ resource: ResourceType, _ name: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(resource.groupResource) \"\(name)\": the object has been "
                     + "modified; please apply your changes to the latest version and try again",
                 details: detailsFor(resource, name: name))
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// The label selector `text`, or a 400 naming the term that does not parse.
    static func labelSelector(_ text: String) throws(APIError) -> LabelSelector {
        do { return try LabelSelector(parsing: text) } catch { throw badRequest(error.message) }
    }

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource")
    }

    static func pathNotFound() -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType",
                 message: "the body of the request was in an unknown format - accepted media types include: "
                     + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// 422 Invalid with one cause per field error.
    static func invalid(_ resource: ResourceType, _ name: String, _ errors: [FieldError]) -> APIError {
        let parts = errors.map(\.text)
        let summary = parts.count == 1 ? parts[0] : "[" + parts.joined(separator: ", ") + "]"
        var details = detailsFor(resource, name: name)
        details["kind"] = .string(resource.kind)
        details["causes"] = .array(errors.map {
            .object([("reason", .string($0.reason)), ("message", .string($0.detailText)), ("field", .string($0.field))])
        })
        return APIError(code: 422, reason: "Invalid", message: "\(resource.groupKind) \"\(name)\" is invalid: \(summary)",
                        details: details)
    }
}

/// One problem with one field of an object, as Kubernetes' field.Error reports it.
struct FieldError: Sendable, Equatable {
    /// The cause reasons Kubernetes reports, by their names in `details.causes[].reason`.
    enum Kind: String, Sendable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        case typeInvalid = "FieldValueTypeInvalid"
        case notSupported = "FieldValueNotSupported"
        case duplicate = "FieldValueDuplicate"
        case tooMany = "FieldValueTooMany"
        case forbidden = "FieldValueForbidden"
    }

    var kind: Kind
    var field: String
    var value: JSONValue?
    var detail: String

    var reason: String { kind.rawValue }

    /// `Required value`, `Invalid value: "x": detail`, `Unsupported value: "x": supported values: ...`.
    var detailText: String {
        switch kind {
        case .required: return detail.isEmpty ? "Required value" : "Required value: \(detail)"
        case .forbidden: return detail.isEmpty ? "Forbidden" : "Forbidden: \(detail)"
        case .notSupported: return "Unsupported value: \(shown): \(detail)"
        case .duplicate: return "Duplicate value: \(shown)"
        case .tooMany: return "Too many: \(shown): \(detail)"
        case .invalid, .typeInvalid: return "Invalid value: \(shown): \(detail)"
        }
    }

    var text: String { "\(field): \(detailText)" }

    private var shown: String {
        guard let value else { return "null" }
        switch value {
        case .object: return "\"object\""
        case .array: return "\"array\""
        default: return JSONWriter.string(value)
        }
    }
}
