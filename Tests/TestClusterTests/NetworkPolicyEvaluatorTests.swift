import FairwayCore
import FairwayTestSupport
import FairwayYAML
import Testing

/// `NetworkPolicyEvaluator` against the examples of the Kubernetes documentation's Network Policies
/// page (concepts/services-networking/network-policies), each connection allowed or refused as the page
/// says, plus the defaults and selector operators it describes.
@Suite struct NetworkPolicyEvaluatorTests {
    typealias Pod = NetworkPolicyEvaluator.Pod
    typealias Connection = NetworkPolicyEvaluator.Connection

    static func policies(_ yaml: String) -> [JSONValue] {
        guard let stream = try? YAMLParser.parse(Array(yaml.utf8)) else { return [] }
        return stream.documents.map { $0.jsonValue() }
    }

    /// The page's first example: db pods take 6379 from 172.17.0.0/16 (but 172.17.1.0/24), from the
    /// namespaces of project myproject and from frontend pods in their own namespace; they may reach
    /// 10.0.0.0/24 on 5978 and nothing else.
    static let example = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: test-network-policy
          namespace: default
        spec:
          podSelector:
            matchLabels:
              role: db
          policyTypes:
          - Ingress
          - Egress
          ingress:
          - from:
            - ipBlock:
                cidr: 172.17.0.0/16
                except:
                - 172.17.1.0/24
            - namespaceSelector:
                matchLabels:
                  project: myproject
            - podSelector:
                matchLabels:
                  role: frontend
            ports:
            - protocol: TCP
              port: 6379
          egress:
          - to:
            - ipBlock:
                cidr: 10.0.0.0/24
            ports:
            - protocol: TCP
              port: 5978
        """

    static let namespaces: [String: [String: String]] = [
        "default": [:], "myproject": ["project": "myproject"], "other": [:], "alice": ["user": "alice"], "bob": ["user": "bob"],
        "frontend": [:], "backend": [:], "delta": [:],
    ]

    static let db = Pod(namespace: "default", labels: ["role": "db"])
    static let frontend = Pod(namespace: "default", labels: ["role": "frontend"])
    static let backend = Pod(namespace: "default", labels: ["role": "backend"])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var policies: String
        var connection: Connection
        var allowed: Bool
        var testDescription: String { "\(name): \(allowed ? "allowed" : "refused")" }

        init(_ name: String, _ policies: String, _ source: Pod, _ destination: Pod, _ port: Int, protocol: String = "TCP",
             allowed: Bool) {
            self.name = name
            self.policies = policies
            connection = Connection(from: source, to: destination, port: port, protocol: `protocol`)
            self.allowed = allowed
        }
    }

    static let exampleCases: [Case] = [
        Case("a frontend pod in the namespace reaches db on 6379", example, frontend, db, 6379, allowed: true),
        Case("not on another port", example, frontend, db, 80, allowed: false),
        Case("not over UDP", example, frontend, db, 6379, protocol: "UDP", allowed: false),
        Case("a backend pod does not reach db", example, backend, db, 6379, allowed: false),
        Case("a frontend pod of another namespace does not", example, Pod(namespace: "other", labels: ["role": "frontend"]), db, 6379,
             allowed: false),
        Case("any pod of a myproject namespace does", example, Pod(namespace: "myproject", labels: ["app": "x"]), db, 6379, allowed: true),
        Case("an address in the ipBlock does", example, Pod(namespace: "other", ip: "172.17.0.5"), db, 6379, allowed: true),
        Case("an address in the except range does not", example, Pod(namespace: "other", ip: "172.17.1.5"), db, 6379, allowed: false),
        Case("a pod without an IP is never in an ipBlock", example, Pod(namespace: "other"), db, 6379, allowed: false),
        Case("db reaches 10.0.0.0/24 on 5978", example, db, Pod(namespace: "other", ip: "10.0.0.7"), 5978, allowed: true),
        Case("db does not reach it on another port", example, db, Pod(namespace: "other", ip: "10.0.0.7"), 80, allowed: false),
        Case("db's egress is isolated: not even to frontend", example, db, frontend, 8080, allowed: false),
        Case("pods no policy selects talk freely", example, frontend, backend, 80, allowed: true),
    ]

    /// "Behavior of to and from selectors": one peer with both selectors is their intersection...
    static let both = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: alice-clients, namespace: default}
        spec:
          podSelector: {}
          ingress:
          - from:
            - namespaceSelector:
                matchLabels:
                  user: alice
              podSelector:
                matchLabels:
                  role: client
        """
    /// ... and two peers their union, the pod selector only in the policy's own namespace.
    static let either = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: alice-or-clients, namespace: default}
        spec:
          podSelector: {}
          ingress:
          - from:
            - namespaceSelector:
                matchLabels:
                  user: alice
            - podSelector:
                matchLabels:
                  role: client
        """

    static let selectorCases: [Case] = [
        Case("both: a client in alice's namespace", both, Pod(namespace: "alice", labels: ["role": "client"]), backend, 80, allowed: true),
        Case("both: not another pod in alice's namespace", both, Pod(namespace: "alice", labels: ["role": "server"]), backend, 80,
             allowed: false),
        Case("both: not a client in the policy's namespace", both, Pod(namespace: "default", labels: ["role": "client"]), backend, 80,
             allowed: false),
        Case("both: not a client in bob's namespace", both, Pod(namespace: "bob", labels: ["role": "client"]), backend, 80, allowed: false),
        Case("either: any pod in alice's namespace", either, Pod(namespace: "alice", labels: ["role": "server"]), backend, 80,
             allowed: true),
        Case("either: a client in the policy's namespace", either, Pod(namespace: "default", labels: ["role": "client"]), backend, 80,
             allowed: true),
        Case("either: not a client in bob's namespace", either, Pod(namespace: "bob", labels: ["role": "client"]), backend, 80,
             allowed: false),
    ]

    static let denyIngress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny-ingress, namespace: default}
        spec:
          podSelector: {}
          policyTypes:
          - Ingress
        """
    static let allowIngress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-all-ingress, namespace: default}
        spec:
          podSelector: {}
          ingress:
          - {}
          policyTypes:
          - Ingress
        """
    static let denyEgress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny-egress, namespace: default}
        spec:
          podSelector: {}
          policyTypes:
          - Egress
        """
    static let allowEgress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-all-egress, namespace: default}
        spec:
          podSelector: {}
          egress:
          - {}
          policyTypes:
          - Egress
        """
    static let denyAll = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny-all, namespace: default}
        spec:
          podSelector: {}
          policyTypes:
          - Ingress
          - Egress
        """

    static let defaultCases: [Case] = [
        Case("deny ingress: nothing reaches the namespace's pods", denyIngress, Pod(namespace: "other"), backend, 80, allowed: false),
        Case("deny ingress: not even from the same namespace", denyIngress, frontend, backend, 80, allowed: false),
        Case("deny ingress: egress stays open", denyIngress, backend, Pod(namespace: "other"), 80, allowed: true),
        Case("allow all ingress", allowIngress, Pod(namespace: "other"), backend, 80, allowed: true),
        Case("policies add up: allow-all wins over deny", denyIngress + "\n---\n" + allowIngress, Pod(namespace: "other"), backend, 80,
             allowed: true),
        Case("deny egress: the namespace's pods reach nothing", denyEgress, backend, Pod(namespace: "other"), 80, allowed: false),
        Case("deny egress: ingress stays open", denyEgress, Pod(namespace: "other"), backend, 80, allowed: true),
        Case("allow all egress", allowEgress + "\n---\n" + denyEgress, backend, Pod(namespace: "other", ip: "8.8.8.8"), 53, protocol: "UDP",
             allowed: true),
        Case("deny all: no ingress", denyAll, Pod(namespace: "other"), backend, 80, allowed: false),
        Case("deny all: no egress", denyAll, backend, Pod(namespace: "other"), 80, allowed: false),
        Case("deny all: another namespace is not affected", denyAll, Pod(namespace: "other"), Pod(namespace: "bob"), 80, allowed: true),
    ]

    /// "Targeting a range of ports".
    static let portRange = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: multi-port-egress, namespace: default}
        spec:
          podSelector:
            matchLabels:
              role: db
          policyTypes:
            - Egress
          egress:
            - to:
                - ipBlock:
                    cidr: 10.0.0.0/24
              ports:
                - protocol: TCP
                  port: 32000
                  endPort: 32768
        """
    /// "Targeting multiple namespaces by label", with the name label the API server sets.
    static let namespacesByName = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress-namespaces, namespace: default}
        spec:
          podSelector:
            matchLabels:
              app: myapp
          policyTypes:
          - Egress
          egress:
          - to:
            - namespaceSelector:
                matchExpressions:
                - key: kubernetes.io/metadata.name
                  operator: In
                  values: ["frontend", "backend"]
        """
    static let notIn = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: not-system, namespace: default}
        spec:
          podSelector: {}
          ingress:
          - from:
            - namespaceSelector:
                matchExpressions:
                - {key: kubernetes.io/metadata.name, operator: NotIn, values: [delta, kube-system]}
              podSelector:
                matchExpressions:
                - {key: tier, operator: Exists}
                - {key: quarantined, operator: DoesNotExist}
        """
    static let app = Pod(namespace: "default", labels: ["app": "myapp"])

    static let rangeAndExpressionCases: [Case] = [
        Case("the range's first port", portRange, db, Pod(namespace: "other", ip: "10.0.0.9"), 32000, allowed: true),
        Case("the range's last port", portRange, db, Pod(namespace: "other", ip: "10.0.0.9"), 32768, allowed: true),
        Case("below the range", portRange, db, Pod(namespace: "other", ip: "10.0.0.9"), 31999, allowed: false),
        Case("above the range", portRange, db, Pod(namespace: "other", ip: "10.0.0.9"), 32769, allowed: false),
        Case("outside the block", portRange, db, Pod(namespace: "other", ip: "10.0.1.9"), 32000, allowed: false),
        Case("In: the frontend namespace", namespacesByName, app, Pod(namespace: "frontend"), 443, allowed: true),
        Case("In: the backend namespace", namespacesByName, app, Pod(namespace: "backend"), 443, allowed: true),
        Case("In: not another namespace", namespacesByName, app, Pod(namespace: "other"), 443, allowed: false),
        Case("In: not an unlisted namespace either", namespacesByName, app, Pod(namespace: "unlisted"), 443, allowed: false),
        Case("In: other pods are not selected", namespacesByName, backend, Pod(namespace: "other"), 443, allowed: true),
        Case("NotIn and Exists", notIn, Pod(namespace: "other", labels: ["tier": "web"]), backend, 80, allowed: true),
        Case("NotIn: not from delta", notIn, Pod(namespace: "delta", labels: ["tier": "web"]), backend, 80, allowed: false),
        Case("Exists: not without the label", notIn, Pod(namespace: "other", labels: ["role": "web"]), backend, 80, allowed: false),
        Case("DoesNotExist: not when quarantined", notIn, Pod(namespace: "other", labels: ["tier": "web", "quarantined": "yes"]), backend,
             80, allowed: false),
    ]

    /// policyTypes left out: Ingress always, Egress only with egress rules.
    static let egressRulesOnly = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: egress-only-rules, namespace: default}
        spec:
          podSelector: {matchLabels: {role: db}}
          egress:
          - to:
            - podSelector: {matchLabels: {role: backend}}
        """
    static let emptyEgress = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: empty-egress, namespace: default}
        spec:
          podSelector: {matchLabels: {role: db}}
          ingress:
          - {}
          egress: []
        """
    static let namedPort = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: named-port, namespace: default}
        spec:
          podSelector: {matchLabels: {role: db}}
          ingress:
          - ports:
            - port: metrics
            - {port: dns, protocol: UDP}
        """
    static let v6 = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: v6, namespace: default}
        spec:
          podSelector: {matchLabels: {role: db}}
          ingress:
          - from:
            - ipBlock: {cidr: "fd00:10::/32", except: ["fd00:10:0:1::/64"]}
        """
    static let dbWithPorts = Pod(namespace: "default", labels: ["role": "db"], namedPorts: ["metrics": 9090, "dns/UDP": 53])

    static let defaultingCases: [Case] = [
        Case("egress rules without policyTypes: egress as the rules say", egressRulesOnly, db, backend, 80, allowed: true),
        Case("egress rules without policyTypes: and nothing else", egressRulesOnly, db, frontend, 80, allowed: false),
        Case("egress rules without policyTypes: ingress is isolated too", egressRulesOnly, backend, db, 80, allowed: false),
        Case("an empty egress list does not isolate egress", emptyEgress, db, frontend, 80, allowed: true),
        Case("an empty rule allows all ingress", emptyEgress, Pod(namespace: "other"), db, 80, allowed: true),
        Case("a named port the pod declares", namedPort, frontend, dbWithPorts, 9090, allowed: true),
        Case("not another port", namedPort, frontend, dbWithPorts, 8080, allowed: false),
        Case("a named UDP port", namedPort, frontend, dbWithPorts, 53, protocol: "UDP", allowed: true),
        Case("a named port the pod does not declare", namedPort, frontend, db, 9090, allowed: false),
        Case("IPv6 in the block", v6, Pod(namespace: "other", ip: "fd00:10::8"), db, 80, allowed: true),
        Case("IPv6 in the except range", v6, Pod(namespace: "other", ip: "fd00:10:0:1::8"), db, 80, allowed: false),
        Case("IPv6 outside the block", v6, Pod(namespace: "other", ip: "fd00:11::8"), db, 80, allowed: false),
        Case("IPv4 never in an IPv6 block", v6, Pod(namespace: "other", ip: "10.0.0.1"), db, 80, allowed: false),
    ]

    @Test(arguments: exampleCases + selectorCases + defaultCases + rangeAndExpressionCases + defaultingCases)
    func decides(_ test: Case) {
        let evaluator = NetworkPolicyEvaluator(policies: Self.policies(test.policies), namespaces: Self.namespaces)
        let decision = evaluator.evaluate(test.connection)
        #expect(decision.isAllowed == test.allowed, "\(test.connection): \(decision)")
        #expect(evaluator.allows(test.connection) == decision.isAllowed)
    }

    @Test func decisionsNameThePoliciesThatSelectAndAllow() {
        let evaluator = NetworkPolicyEvaluator(policies: Self.policies(Self.example + "\n---\n" + Self.denyIngress),
                                               namespaces: Self.namespaces)
        let allowed = evaluator.evaluate(Connection(from: Self.frontend, to: Self.db, port: 6379))
        #expect(allowed.ingress == .allowed(by: ["test-network-policy"]))
        #expect(allowed.egress == .notIsolated)
        let refused = evaluator.evaluate(Connection(from: Self.db, to: Self.frontend, port: 80))
        #expect(refused.egress == .refused(selectedBy: ["test-network-policy"]))
        #expect(refused.ingress == .refused(selectedBy: ["default-deny-ingress"]))
        #expect("\(refused)" == "egress refused (selected by test-network-policy; no rule matches); "
            + "ingress refused (selected by default-deny-ingress; no rule matches)")
        // Only NetworkPolicies count, and only in their own namespace.
        let others = NetworkPolicyEvaluator(policies: Self.policies(Self.denyAll) + [["kind": "ConfigMap", "metadata": ["name": "x"]]])
        #expect(others.policies.count == 1)
        #expect(others.allows(Connection(from: Pod(namespace: "a"), to: Pod(namespace: "b"), port: 1)))
    }
}
