import FairwayCore

/// Bearer tokens and client certificates, and what each may do. With neither configured every
/// request is allowed, as on a cluster without authentication; otherwise a request without a known
/// token or certificate is 401 Unauthorized and one whose grant lacks the verb is 403 Forbidden.
/// A grant either lists its verbs (admin and read-only tokens) or is decided as Kubernetes decides:
/// by the Roles, ClusterRoles and bindings stored in the cluster (`RBAC`).
public struct Authorizer: Sendable {
    /// A user: its name, groups, and either the verbs its token allows (`*` for all, which also
    /// passes RBAC's escalation checks, as `system:masters` does) or `byRBAC`.
    public struct Grant: Sendable {
        public var user: String
        public var groups: [String]
        public var verbs: Set<String>
        /// Access is decided by the cluster's RBAC objects, not by `verbs`.
        public var byRBAC: Bool

        public init(user: String, verbs: Set<String>, groups: [String] = [], byRBAC: Bool = false) {
            self.user = user
            self.verbs = verbs
            self.groups = groups
            self.byRBAC = byRBAC
        }

        public static func admin(_ user: String = "admin") -> Grant { Grant(user: user, verbs: ["*"], groups: ["system:masters"]) }
        public static func readOnly(_ user: String = "reader") -> Grant { Grant(user: user, verbs: ["get", "list", "watch"]) }

        /// A user whose access the cluster's RBAC objects decide.
        public static func rbacUser(_ user: String, groups: [String] = []) -> Grant {
            Grant(user: user, verbs: [], groups: groups + ["system:authenticated"], byRBAC: true)
        }

        /// A service account's token: user `system:serviceaccount:NS:NAME`, in the groups Kubernetes
        /// gives every service account; decided by RBAC.
        public static func serviceAccount(namespace: String, name: String) -> Grant {
            rbacUser("system:serviceaccount:\(namespace):\(name)", groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)"])
        }

        /// True for a grant with every verb that RBAC does not decide: it may do anything, escalation included.
        var isSuperuser: Bool { !byRBAC && verbs.contains("*") }

        func allows(_ verb: String) -> Bool { !byRBAC && (verbs.contains("*") || verbs.contains(verb)) }
    }

    public var tokens: [String: Grant]
    /// Client certificates (DER) the cluster issued, with the grant of the user each names.
    public var certificates: [[UInt8]: Grant]

    public init(tokens: [String: Grant] = [:], certificates: [[UInt8]: Grant] = [:]) {
        self.tokens = tokens
        self.certificates = certificates
    }

    var isOpen: Bool { tokens.isEmpty && certificates.isEmpty }

    /// The grant for a request's `Authorization` header or its verified TLS client certificate, or 401.
    func authenticate(_ header: String?, certificate: [UInt8]? = nil) throws(APIError) -> Grant {
        if isOpen { return .admin("anonymous") }
        if let header, header.hasPrefix("Bearer "), let grant = tokens[String(header.dropFirst(7))] { return grant }
        if let certificate, let grant = certificates[certificate] { return grant }
        throw APIError.unauthorized
    }

    static func forbidden(_ grant: Grant, verb: String, resource: ResourceType, namespace: String?, name: String?) -> APIError {
        let subject = name.map { "\(resource.groupResource) \"\($0)\" is forbidden" } ?? "\(resource.groupResource) is forbidden"
        let scope = namespace.map { " in the namespace \"\($0)\"" } ?? " at the cluster scope"
        return APIError(code: 403, reason: "Forbidden",
                        message: "\(subject): User \"\(grant.user)\" cannot \(verb) resource \"\(resource.plural)\" in API group \"\(resource.group)\"\(scope)",
                        details: APIError.detailsFor(resource, name: name ?? ""))
    }
}
