import FairwayCore

/// Kubernetes' escalation prevention: a user may write a Role or ClusterRole only with rules it
/// holds itself where the role applies (or with `escalate` on it), and a RoleBinding or
/// ClusterRoleBinding only to a role whose rules it holds there (or with `bind` on that role).
extension RBAC {
    /// Throws 403 when `grant` may not write `object` (a Role, ClusterRole or one of their bindings).
    func checkEscalation(_ grant: Authorizer.Grant, writing object: JSONObject, resource: ResourceType) throws(APIError) {
        guard grant.byRBAC, resource.group == "rbac.authorization.k8s.io" else { return }
        let namespace = resource.namespaced ? object.namespace : ""
        let scope = resource.namespaced ? namespace : nil
        // The verb that exempts the write from the check, and the rules the write grants.
        let exempt: Request, wanted: [Rule]
        switch resource.kind {
        case "Role", "ClusterRole":
            exempt = Request(verb: "escalate", group: resource.group, resource: resource.plural, namespace: scope, name: object.name)
            wanted = resource.kind == "Role" ? Self.rules(of: object) : clusterRoleRules(object)
        case "RoleBinding", "ClusterRoleBinding":
            let roleRef = object["roleRef"]
            exempt = Request(verb: "bind", group: resource.group, resource: roleRef?["kind"]?.stringValue == "Role" ? "roles" : "clusterroles",
                             namespace: scope, name: roleRef?["name"]?.stringValue ?? "")
            wanted = roleRules(roleRef, namespace: namespace)
        default: return
        }
        if allows(grant, exempt) { return }
        let held = rules(for: grant, namespace: scope)
        let missing = wanted.flatMap(Self.atoms).filter { atom in !held.contains { $0.covers(atom) } }
        guard missing.isEmpty else {
            throw Self.escalationError(resource, object, grant,
                                       "user \"\(grant.user)\" is attempting to grant RBAC permissions not currently held: "
                                           + missing.prefix(5).map(\.description).joined(separator: ", "))
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
    /// Whether this rule covers an atom (Kubernetes' `ruleCovers`): the same matching as a request,
    /// so a `*` held covers anything, a `*` wanted only a `*` held, and a rule without names every name.
    func covers(_ atom: RBAC.Atom) -> Bool {
        allows(RBAC.Request(verb: atom.verb, group: atom.group, resource: atom.resource, namespace: nil, name: atom.name))
    }
}
