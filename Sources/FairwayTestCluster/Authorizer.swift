import FairwayCore

/// Bearer tokens and what each may do. With no tokens configured every request is allowed, as on
/// a cluster without authentication; otherwise a request without a known token is 401 Unauthorized
/// and one whose token lacks the verb is 403 Forbidden.
public struct Authorizer: Sendable {
    /// A user: its name and the verbs its token allows (`*` for all).
    public struct Grant: Sendable {
        public var user: String
        public var verbs: Set<String>

        public init(user: String, verbs: Set<String>) {
            self.user = user
            self.verbs = verbs
        }

        public static func admin(_ user: String = "admin") -> Grant { Grant(user: user, verbs: ["*"]) }
        public static func readOnly(_ user: String = "reader") -> Grant { Grant(user: user, verbs: ["get", "list", "watch"]) }

        func allows(_ verb: String) -> Bool { verbs.contains("*") || verbs.contains(verb) }
    }

    public var tokens: [String: Grant]

    public init(tokens: [String: Grant] = [:]) { self.tokens = tokens }

    var isOpen: Bool { tokens.isEmpty }

    /// The grant for a request's `Authorization` header, or 401.
    func authenticate(_ header: String?) throws(APIError) -> Grant {
        if isOpen { return .admin("anonymous") }
        guard let header, header.hasPrefix("Bearer "), let grant = tokens[String(header.dropFirst(7))] else {
            throw APIError.unauthorized
        }
        return grant
    }

    static func forbidden(_ grant: Grant, verb: String, resource: ResourceType, namespace: String?, name: String?) -> APIError {
        let subject = name.map { "\(resource.groupResource) \"\($0)\" is forbidden" } ?? "\(resource.groupResource) is forbidden"
        let scope = namespace.map { " in the namespace \"\($0)\"" } ?? " at the cluster scope"
        return APIError(code: 403, reason: "Forbidden",
                        message: "\(subject): User \"\(grant.user)\" cannot \(verb) resource \"\(resource.plural)\" in API group \"\(resource.group)\"\(scope)",
                        details: APIError.detailsFor(resource, name: name ?? ""))
    }
}
