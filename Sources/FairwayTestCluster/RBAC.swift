import FairwayCore

/// Kubernetes' RBAC authorizer over the objects in the store: a request is allowed when a rule of a
/// Role or ClusterRole bound to the user (directly, through one of its groups, or as its service
/// account) covers its verb, API group, resource (with subresource) and name. RoleBindings grant in
/// their own namespace, ClusterRoleBindings everywhere. ClusterRoles with an `aggregationRule`
/// carry the rules of the ClusterRoles their selectors match, as the aggregation controller keeps them.
struct RBAC {
    /// One request as the authorizer sees it.
    struct Request {
        var verb: String
        var group: String
        /// The resource's plural, with `/subresource` when there is one (`pods/log`).
        var resource: String
        /// nil for cluster-scoped requests and for lists across namespaces.
        var namespace: String?
        /// "" when the request names no object (list, create by POST).
        var name: String
    }

    /// One policy rule of a role, as stored.
    struct Rule: Equatable {
        var verbs: [String]
        var groups: [String]
        var resources: [String]
        var names: [String]

        init(verbs: [String], groups: [String], resources: [String], names: [String] = []) {
            self.verbs = verbs
            self.groups = groups
            self.resources = resources
            self.names = names
        }

        init?(_ value: JSONValue) {
            func strings(_ key: String) -> [String] { value[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            guard value["nonResourceURLs"] == nil || !strings("resources").isEmpty else { return nil }
            self.init(verbs: strings("verbs"), groups: strings("apiGroups"), resources: strings("resources"), names: strings("resourceNames"))
        }

        /// Whether this rule allows `request` (Kubernetes' `RuleAllows`).
        func allows(_ request: Request) -> Bool {
            guard verbs.contains("*") || verbs.contains(request.verb) else { return false }
            guard groups.contains("*") || groups.contains(request.group) else { return false }
            guard resources.contains(where: { Self.resourceMatches($0, request.resource) }) else { return false }
            return names.isEmpty || (!request.name.isEmpty && names.contains(request.name))
        }

        static func resourceMatches(_ rule: String, _ requested: String) -> Bool {
            if rule == "*" || rule == requested { return true }
            let parts = requested.split(separator: "/", maxSplits: 1)
            if parts.count == 2 {
                if rule == "*/" + parts[1] { return true }
                if rule == parts[0] + "/*" { return true }
            }
            return false
        }
    }

    let state: StoreState

    /// Whether `grant` may make `request`.
    func allows(_ grant: Authorizer.Grant, _ request: Request) -> Bool {
        if grant.isSuperuser { return true }
        guard grant.byRBAC else { return grant.allows(request.verb) }
        return rules(for: grant, namespace: request.namespace).contains { $0.allows(request) }
    }

    /// Every rule that applies to `grant` in `namespace` (nil: the cluster-wide rules only), as
    /// Kubernetes' rule resolver gathers them for its escalation checks.
    func rules(for grant: Authorizer.Grant, namespace: String?) -> [Rule] {
        var rules: [Rule] = []
        for binding in objects(kind: "ClusterRoleBinding") where Self.binds(binding, grant) {
            rules += roleRules(binding["roleRef"], namespace: "")
        }
        if let namespace, !namespace.isEmpty {
            for binding in objects(kind: "RoleBinding") where binding.namespace == namespace && Self.binds(binding, grant) {
                rules += roleRules(binding["roleRef"], namespace: namespace)
            }
        }
        return rules
    }

    /// The rules of the role a `roleRef` (or a binding being written) names; empty when it does not exist.
    func roleRules(_ roleRef: JSONValue?, namespace: String) -> [Rule] {
        guard let kind = roleRef?["kind"]?.stringValue, let name = roleRef?["name"]?.stringValue else { return [] }
        if kind == "Role" {
            guard let role = object(kind: "Role", namespace: namespace, name: name) else { return [] }
            return Self.rules(of: role)
        }
        guard let role = object(kind: "ClusterRole", namespace: "", name: name) else { return [] }
        return clusterRoleRules(role)
    }

    /// A ClusterRole's own rules, plus those of the ClusterRoles its aggregation rule selects.
    func clusterRoleRules(_ role: JSONObject) -> [Rule] {
        var rules = Self.rules(of: role)
        let selectors = role["aggregationRule"]?["clusterRoleSelectors"]?.arrayValue ?? []
        guard !selectors.isEmpty else { return rules }
        for other in objects(kind: "ClusterRole") where other.name != role.name {
            let labels = other.labels
            let selected = selectors.contains { selector in
                let wanted = selector["matchLabels"]?.objectValue ?? JSONObject()
                return !wanted.isEmpty && wanted.allSatisfy { labels[$0.key] == $0.value.stringValue }
            }
            if selected { rules += Self.rules(of: other) }
        }
        return rules
    }

    static func rules(of role: JSONObject) -> [Rule] {
        (role["rules"]?.arrayValue ?? []).compactMap(Rule.init)
    }

    /// Whether one of a binding's subjects is the grant's user, one of its groups or its service account.
    static func binds(_ binding: JSONObject, _ grant: Authorizer.Grant) -> Bool {
        for subject in binding["subjects"]?.arrayValue ?? [] {
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "User": if name == grant.user { return true }
            case "Group": if grant.groups.contains(name) { return true }
            case "ServiceAccount":
                let namespace = subject["namespace"]?.stringValue ?? binding.namespace
                if grant.user == "system:serviceaccount:\(namespace):\(name)" { return true }
            default: continue
            }
        }
        return false
    }

    private func objects(kind: String) -> [JSONObject] {
        guard let resource = state.catalog.resource(apiVersion: "rbac.authorization.k8s.io/v1", kind: kind) else { return [] }
        return Array((state.buckets[resource.storageKey] ?? [:]).values)
    }

    private func object(kind: String, namespace: String, name: String) -> JSONObject? {
        guard let resource = state.catalog.resource(apiVersion: "rbac.authorization.k8s.io/v1", kind: kind) else { return nil }
        return try? state.get(resource, namespace: namespace, name: name)
    }
}
