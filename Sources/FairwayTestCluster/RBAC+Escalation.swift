import FairwayCore

/// Kubernetes' escalation prevention: a user may write a Role or ClusterRole only with rules it
/// holds itself where the role applies (or with `escalate` on it), and a RoleBinding or
/// ClusterRoleBinding only to a role whose rules it holds there (or with `bind` on that role).
extension RBAC {
    /// Throws 403 when `grant` may not write `object` (a Role, ClusterRole or one of their bindings).
    func checkEscalation(_ grant: Authorizer.Grant, writing object: JSONObject, resource: ResourceType) throws(APIError) {
        guard grant.byRBAC, resource.group == "rbac.authorization.k8s.io" else { return }
        let namespace = resource.namespaced ? object.namespace : ""
        switch resource.kind {
        case "Role", "ClusterRole":
            let escalate = Request(verb: "escalate", group: resource.group, resource: resource.plural,
                                   namespace: resource.namespaced ? namespace : nil, name: object.name)
            if allows(grant, escalate) { return }
            let wanted = resource.kind == "Role" ? Self.rules(of: object) : clusterRoleRules(object)
            let held = rules(for: grant, namespace: resource.namespaced ? namespace : nil)
            let missing = wanted.flatMap(Self.atoms).filter { atom in !held.contains { $0.covers(atom) } }
            guard missing.isEmpty else {
                throw Self.escalationError(resource, object, grant,
                                           "user \"\(grant.user)\" is attempting to grant RBAC permissions not currently held: "
                                               + missing.prefix(5).map(\.description).joined(separator: ", "))
            }
        case "RoleBinding", "ClusterRoleBinding":
            let roleRef = object["roleRef"]
            let refKind = roleRef?["kind"]?.stringValue ?? ""
            let refName = roleRef?["name"]?.stringValue ?? ""
            let bind = Request(verb: "bind", group: "rbac.authorization.k8s.io", resource: refKind == "Role" ? "roles" : "clusterroles",
                               namespace: resource.namespaced ? namespace : nil, name: refName)
            if allows(grant, bind) { return }
            let wanted = roleRules(roleRef, namespace: namespace)
            let held = rules(for: grant, namespace: resource.namespaced ? namespace : nil)
            let missing = wanted.flatMap(Self.atoms).filter { atom in !held.contains { $0.covers(atom) } }
            guard missing.isEmpty else {
                throw Self.escalationError(resource, object, grant,
                                           "user \"\(grant.user)\" is attempting to grant RBAC permissions not currently held: "
                                               + missing.prefix(5).map(\.description).joined(separator: ", "))
            }
        default: return
        }
    }

    /// One verb on one resource of one group, optionally one name: the unit the coverage check compares.
    struct Atom: CustomStringConvertible {
        var verb: String
        var group: String
        var resource: String
        var name: String

        var description: String {
            "{APIGroups:[\"\(group)\"], Resources:[\"\(resource)\"]\(name.isEmpty ? "" : ", ResourceNames:[\"\(name)\"]"), Verbs:[\"\(verb)\"]}"
        }
    }

    /// A rule broken into atoms (Kubernetes' `BreakdownRule`).
    static func atoms(_ rule: Rule) -> [Atom] {
        var atoms: [Atom] = []
        for group in rule.groups {
            for resource in rule.resources {
                for verb in rule.verbs {
                    if rule.names.isEmpty {
                        atoms.append(Atom(verb: verb, group: group, resource: resource, name: ""))
                    } else {
                        atoms += rule.names.map { Atom(verb: verb, group: group, resource: resource, name: $0) }
                    }
                }
            }
        }
        return atoms
    }

    private static func escalationError(_ resource: ResourceType, _ object: JSONObject, _ grant: Authorizer.Grant,
                                        _ detail: String) -> APIError {
        APIError(code: 403, reason: "Forbidden",
                 message: "\(resource.groupResource) \"\(object.name)\" is forbidden: \(detail)",
                 details: APIError.detailsFor(resource, name: object.name))
    }
}

extension RBAC.Rule {
    /// Whether this rule covers an atom (Kubernetes' `ruleCovers`): a `*` held covers anything, a
    /// `*` wanted only a `*` held; a rule without names covers every name.
    func covers(_ atom: RBAC.Atom) -> Bool {
        guard verbs.contains("*") || verbs.contains(atom.verb) else { return false }
        guard groups.contains("*") || groups.contains(atom.group) else { return false }
        guard resources.contains(where: { $0 == "*" || $0 == atom.resource || Self.resourceMatches($0, atom.resource) }) else { return false }
        return names.isEmpty || (!atom.name.isEmpty && names.contains(atom.name))
    }
}
