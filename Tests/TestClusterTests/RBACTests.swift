import FairwayCore
import Foundation
import Testing
@testable import FairwayTestCluster

/// The test cluster decides a service account's access as Kubernetes' RBAC authorizer does: rules
/// of bound Roles and ClusterRoles (namespaced or cluster-wide, resource names, subresources,
/// aggregation), and the escalation checks on writing roles and bindings.
@Suite struct RBACTests {
    static let admin = ["authorization": "Bearer root"]
    static let robot = ["authorization": "Bearer robot"]

    /// A server with an admin token, the `ops/robot` service account's token, and namespaces team-a and team-b.
    static func harness() async -> APIHarness {
        let api = APIHarness(APIServer(authorizer: Authorizer(tokens: ["root": .admin(), "robot": .serviceAccount(namespace: "ops", name: "robot")])))
        for name in ["team-a", "team-b"] {
            await seed(api, "/api/v1/namespaces", .object([("apiVersion", "v1"), ("kind", "Namespace"), ("metadata", ["name": .string(name)])]))
        }
        return api
    }

    static func role(_ kind: String, _ name: String, namespace: String? = nil, rules: [JSONValue], labels: JSONValue? = nil) -> JSONValue {
        var metadata: JSONObject = [("name", .string(name))]
        if let namespace { metadata["namespace"] = .string(namespace) }
        if let labels { metadata["labels"] = labels }
        return .object([("apiVersion", "rbac.authorization.k8s.io/v1"), ("kind", .string(kind)), ("metadata", .object(metadata)),
                        ("rules", .array(rules))])
    }

    static func binding(_ kind: String, _ name: String, namespace: String? = nil, roleKind: String = "ClusterRole", role: String) -> JSONValue {
        var metadata: JSONObject = [("name", .string(name))]
        if let namespace { metadata["namespace"] = .string(namespace) }
        return .object([("apiVersion", "rbac.authorization.k8s.io/v1"), ("kind", .string(kind)), ("metadata", .object(metadata)),
                        ("roleRef", ["apiGroup": "rbac.authorization.k8s.io", "kind": .string(roleKind), "name": .string(role)]),
                        ("subjects", [["kind": "ServiceAccount", "name": "robot", "namespace": "ops"]])])
    }

    static func rule(_ verbs: [String], _ group: String, _ resources: [String], names: [String] = []) -> JSONValue {
        var rule: JSONObject = [("apiGroups", [.string(group)]), ("resources", .array(resources.map(JSONValue.string))),
                                ("verbs", .array(verbs.map(JSONValue.string)))]
        if !names.isEmpty { rule["resourceNames"] = .array(names.map(JSONValue.string)) }
        return .object(rule)
    }

    static let rbac = "/apis/rbac.authorization.k8s.io/v1"

    @discardableResult
    static func seed(_ api: APIHarness, _ path: String, _ body: JSONValue) async -> APIHarness.Answer {
        let answer = await api.call("POST", path, body: body, headers: admin)
        #expect(answer.status == 201, "\(answer.message)")
        return answer
    }

    @Test func aServiceAccountHasNothingUntilBoundAndBindingsScopeItsRights() async {
        let api = await Self.harness()
        let denied = await api.call("GET", "/api/v1/namespaces/team-a/configmaps", headers: Self.robot)
        #expect(denied.status == 403)
        #expect(denied.message == "configmaps is forbidden: User \"system:serviceaccount:ops:robot\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"team-a\"")

        await Self.seed(api, "\(Self.rbac)/clusterroles", Self.role("ClusterRole", "cm-writer", rules: [Self.rule(["get", "list", "create"], "", ["configmaps"])]))
        await Self.seed(api, "\(Self.rbac)/namespaces/team-a/rolebindings", Self.binding("RoleBinding", "robot", namespace: "team-a", role: "cm-writer"))
        #expect(await api.call("GET", "/api/v1/namespaces/team-a/configmaps", headers: Self.robot).status == 200)
        #expect(await api.call("POST", "/api/v1/namespaces/team-a/configmaps", body: APIHarness.configMap("x", namespace: "team-a"),
                               headers: Self.robot).status == 201)
        // A RoleBinding grants in its namespace only: not in another, not across namespaces.
        #expect(await api.call("GET", "/api/v1/namespaces/team-b/configmaps", headers: Self.robot).status == 403)
        #expect(await api.call("GET", "/api/v1/configmaps", headers: Self.robot).status == 403)
        #expect(await api.call("DELETE", "/api/v1/namespaces/team-a/configmaps/x", headers: Self.robot).status == 403)

        await Self.seed(api, "\(Self.rbac)/clusterrolebindings", Self.binding("ClusterRoleBinding", "robot", role: "cm-writer"))
        #expect(await api.call("GET", "/api/v1/configmaps", headers: Self.robot).status == 200)
        #expect(await api.call("GET", "/api/v1/namespaces/team-b/configmaps", headers: Self.robot).status == 200)
    }

    @Test func resourceNamesSubresourcesAndCreatingThroughApply() async {
        let api = await Self.harness()
        await Self.seed(api, "\(Self.rbac)/clusterroles", Self.role("ClusterRole", "one-map", rules: [
            Self.rule(["get", "patch"], "", ["configmaps"], names: ["status"]),
            Self.rule(["get"], "apps", ["deployments/scale"]),
        ]))
        await Self.seed(api, "\(Self.rbac)/clusterrolebindings", Self.binding("ClusterRoleBinding", "robot", role: "one-map"))
        await Self.seed(api, "/api/v1/namespaces/default/configmaps", APIHarness.configMap("status"))
        await Self.seed(api, "/api/v1/namespaces/default/configmaps", APIHarness.configMap("other"))
        #expect(await api.call("GET", "/api/v1/namespaces/default/configmaps/status", headers: Self.robot).status == 200)
        #expect(await api.call("GET", "/api/v1/namespaces/default/configmaps/other", headers: Self.robot).status == 403)
        // A name-restricted rule never allows a list or a create by POST, which name no object.
        #expect(await api.call("GET", "/api/v1/namespaces/default/configmaps", headers: Self.robot).status == 403)
        #expect(await api.call("GET", "/apis/apps/v1/namespaces/default/deployments/web", headers: Self.robot).status == 403)

        // Server-side apply of a new object needs create as well as patch, as Kubernetes checks.
        let applied = await api.call("PATCH", "/api/v1/namespaces/default/configmaps/fresh", ["fieldManager": "robot"],
                                     body: APIHarness.configMap("fresh"), contentType: "application/apply-patch+yaml", headers: Self.robot)
        #expect(applied.status == 403)
        let updated = await api.call("PATCH", "/api/v1/namespaces/default/configmaps/status", ["fieldManager": "robot", "force": "true"],
                                     body: APIHarness.configMap("status", data: ["a": "2"]), contentType: "application/apply-patch+yaml",
                                     headers: Self.robot)
        #expect(updated.status == 200, "\(updated.message)")
    }

    @Test func bindingARoleNeedsItsRightsOrBindOnThatRoleByName() async {
        let api = await Self.harness()
        await Self.seed(api, "\(Self.rbac)/clusterroles", Self.role("ClusterRole", "binder", rules: [
            Self.rule(["create", "get"], "rbac.authorization.k8s.io", ["rolebindings", "clusterrolebindings"]),
            Self.rule(["bind"], "rbac.authorization.k8s.io", ["clusterroles"], names: ["edit"]),
        ]))
        await Self.seed(api, "\(Self.rbac)/clusterrolebindings", Self.binding("ClusterRoleBinding", "robot", role: "binder"))

        let edit = await api.call("POST", "\(Self.rbac)/namespaces/team-a/rolebindings",
                                  body: Self.binding("RoleBinding", "edit", namespace: "team-a", role: "edit"), headers: Self.robot)
        #expect(edit.status == 201, "\(edit.message)")
        for role in ["cluster-admin", "admin"] {
            let escalated = await api.call("POST", "\(Self.rbac)/namespaces/team-a/rolebindings",
                                           body: Self.binding("RoleBinding", role, namespace: "team-a", role: role), headers: Self.robot)
            #expect(escalated.status == 403)
            #expect(escalated.message.contains("is attempting to grant RBAC permissions not currently held"), "\(escalated.message)")
        }
        let clusterAdmin = await api.call("POST", "\(Self.rbac)/clusterrolebindings",
                                          body: Self.binding("ClusterRoleBinding", "mine", role: "cluster-admin"), headers: Self.robot)
        #expect(clusterAdmin.status == 403)
        // A role whose rules the writer holds may be bound without bind.
        await Self.seed(api, "\(Self.rbac)/clusterroles", Self.role("ClusterRole", "read-bindings", rules: [
            Self.rule(["get"], "rbac.authorization.k8s.io", ["rolebindings"]),
        ]))
        #expect(await api.call("POST", "\(Self.rbac)/namespaces/team-a/rolebindings",
                               body: Self.binding("RoleBinding", "reader", namespace: "team-a", role: "read-bindings"),
                               headers: Self.robot).status == 201)
    }

    @Test func writingARoleNeedsItsRulesOrEscalate() async {
        let api = await Self.harness()
        await Self.seed(api, "\(Self.rbac)/clusterroles", Self.role("ClusterRole", "role-writer", rules: [
            Self.rule(["create", "get", "patch"], "rbac.authorization.k8s.io", ["roles"]),
            Self.rule(["get", "list"], "", ["pods"]),
        ]))
        await Self.seed(api, "\(Self.rbac)/namespaces/team-a/rolebindings", Self.binding("RoleBinding", "robot", namespace: "team-a", role: "role-writer"))
        let held = await api.call("POST", "\(Self.rbac)/namespaces/team-a/roles",
                                  body: Self.role("Role", "pod-reader", namespace: "team-a", rules: [Self.rule(["get"], "", ["pods"])]), headers: Self.robot)
        #expect(held.status == 201, "\(held.message)")
        let more = await api.call("POST", "\(Self.rbac)/namespaces/team-a/roles",
                                  body: Self.role("Role", "pod-maker", namespace: "team-a", rules: [Self.rule(["get", "create"], "", ["pods"])]),
                                  headers: Self.robot)
        #expect(more.status == 403)
        #expect(more.message.contains("Resources:[\"pods\"], Verbs:[\"create\"]"), "\(more.message)")
        let wildcard = await api.call("POST", "\(Self.rbac)/namespaces/team-a/roles",
                                      body: Self.role("Role", "any", namespace: "team-a", rules: [Self.rule(["get"], "", ["*"])]), headers: Self.robot)
        #expect(wildcard.status == 403)

        await Self.seed(api, "\(Self.rbac)/clusterroles", Self.role("ClusterRole", "escalator", rules: [
            Self.rule(["escalate"], "rbac.authorization.k8s.io", ["roles"], names: ["pod-maker"]),
        ]))
        await Self.seed(api, "\(Self.rbac)/namespaces/team-a/rolebindings", Self.binding("RoleBinding", "escalator", namespace: "team-a", role: "escalator"))
        #expect(await api.call("POST", "\(Self.rbac)/namespaces/team-a/roles",
                               body: Self.role("Role", "pod-maker", namespace: "team-a", rules: [Self.rule(["get", "create"], "", ["pods"])]),
                               headers: Self.robot).status == 201)
    }

    @Test func theBootstrapRolesAggregateAsTheyDoOnACluster() async {
        let api = await Self.harness()
        let names = await api.call("GET", "\(Self.rbac)/clusterroles", headers: Self.admin).body["items"]?.arrayValue?
            .compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
        #expect(Set(["cluster-admin", "admin", "edit", "view"]).isSubset(of: Set(names)))
        await Self.seed(api, "\(Self.rbac)/clusterroles", Self.role("ClusterRole", "widgets-edit", rules: [
            Self.rule(["create", "delete", "get", "list"], "example.com", ["widgets"]),
        ], labels: ["rbac.authorization.k8s.io/aggregate-to-edit": "true"]))
        await Self.seed(api, "\(Self.rbac)/namespaces/team-a/rolebindings", Self.binding("RoleBinding", "robot", namespace: "team-a", role: "edit"))
        let store = api.server.store
        let rules = store.state.withLock { state in RBAC(state: state).rules(for: .serviceAccount(namespace: "ops", name: "robot"), namespace: "team-a") }
        let request = RBAC.Request(verb: "create", group: "example.com", resource: "widgets", namespace: "team-a", name: "")
        #expect(rules.contains { $0.allows(request) })
        #expect(await api.call("POST", "/api/v1/namespaces/team-a/configmaps", body: APIHarness.configMap("c", namespace: "team-a"),
                               headers: Self.robot).status == 201)
        // edit holds no RBAC rights: the service account cannot bind admin with it.
        #expect(await api.call("POST", "\(Self.rbac)/namespaces/team-a/rolebindings",
                               body: Self.binding("RoleBinding", "admin", namespace: "team-a", role: "admin"), headers: Self.robot).status == 403)
    }
}
