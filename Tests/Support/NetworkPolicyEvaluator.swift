import FairwayCore

/// Kubernetes NetworkPolicy semantics, for tests that ask whether the policies Fairway renders (or a
/// chart installs) let one pod reach another: `evaluate` decides a TCP (or UDP, SCTP) connection from a
/// source pod to a destination pod's port the way the `networking.k8s.io/v1` API defines it.
///
/// What is decided:
/// - Ingress: the destination is isolated for ingress when a policy in its namespace selects it
///   (`spec.podSelector`; an empty selector selects every pod there) and has `Ingress` in its policy
///   types; then some such policy must have an ingress rule whose `from` peers and `ports` both match.
///   Egress likewise for the source pod, with `to` peers. The connection is allowed when both
///   directions are. Policies are additive: no policy can refuse what another allows.
/// - `policyTypes` default as the API server defaults them: `Ingress` always, and `Egress` when the
///   policy has at least one egress rule.
/// - Peers: `podSelector` alone (pods in the policy's own namespace), `namespaceSelector` alone
///   (every pod in the matching namespaces), both in one peer (pods matching the pod selector in
///   namespaces matching the namespace selector), and `ipBlock` (`cidr` minus `except`, IPv4 and IPv6).
///   A rule with no peers (or an empty list) matches every peer; a peer that names none of these
///   matches nothing (the API server refuses such a peer).
/// - Ports: a number, or a number with `endPort` (inclusive range); `protocol` defaults to TCP; a
///   port entry without `port` matches every port of its protocol; a rule with no ports matches every
///   port. A named port (`port: http`) matches only when the destination pod declares that name for
///   the connection's port and protocol in `Pod.namedPorts` (on a real cluster it is the container
///   port's name); otherwise it matches nothing.
/// - Label selectors: `matchLabels` and `matchExpressions` (`In`, `NotIn`, `Exists`, `DoesNotExist`),
///   all of which must hold; an empty selector matches everything; an unknown operator nothing.
/// - Namespaces carry the `kubernetes.io/metadata.name` label with their name, as the API server sets
///   it; a namespace not listed has only that label.
///
/// Not decided, by design: `ipBlock` is meant for addresses outside the cluster, and whether it
/// matches pod IPs depends on the network plugin (Kubernetes leaves it undefined). Here an `ipBlock`
/// matches a pod only when the test gives the pod an IP (`Pod.ip`), which is the test saying that its
/// plugin matches pod IPs; a pod without an IP is never matched by an `ipBlock`. Also not modelled:
/// traffic from the pod's own node (always allowed on a real cluster), host-network pods, Services
/// (give the pod behind one, and its target port), connection state (replies are always allowed, as
/// on a real cluster), and admin or cluster-wide policies of other APIs.
public struct NetworkPolicyEvaluator: Sendable {
    /// A pod as NetworkPolicies see it.
    public struct Pod: Sendable, Hashable, CustomStringConvertible {
        public var namespace: String
        public var labels: [String: String]
        /// The pod's IP, matched by `ipBlock` peers; nil means no `ipBlock` ever matches this pod.
        public var ip: String?
        /// Named container ports (`name` -> number), for policies that name ports; TCP unless given as
        /// `"name/UDP"` or `"name/SCTP"`.
        public var namedPorts: [String: Int]

        public init(namespace: String, labels: [String: String] = [:], ip: String? = nil, namedPorts: [String: Int] = [:]) {
            self.namespace = namespace
            self.labels = labels
            self.ip = ip
            self.namedPorts = namedPorts
        }

        /// An address outside the cluster (the cloud metadata server, the internet): no namespace,
        /// no labels; only `ipBlock` peers match it.
        public static func external(_ ip: String) -> Pod { Pod(namespace: "", ip: ip) }
        public var isExternal: Bool { namespace.isEmpty }

        public var description: String {
            let shown = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            return "\(namespace)/{\(shown)}" + (ip.map { " \($0)" } ?? "")
        }
    }

    /// A connection attempt: from `source` to `destination`'s `port`.
    public struct Connection: Sendable, Hashable, CustomStringConvertible {
        public var source: Pod
        public var destination: Pod
        public var port: Int
        /// TCP, UDP or SCTP.
        public var `protocol`: String

        public init(from source: Pod, to destination: Pod, port: Int, protocol: String = "TCP") {
            self.source = source
            self.destination = destination
            self.port = port
            self.protocol = `protocol`
        }

        public var description: String { "\(source) -> \(destination) \(port)/\(`protocol`)" }
    }

    /// One direction's outcome: not isolated (no policy of that type selects the pod), allowed by the
    /// named policies, or refused although these policies select the pod.
    public enum Direction: Sendable, Hashable, CustomStringConvertible {
        case notIsolated
        case allowed(by: [String])
        case refused(selectedBy: [String])

        public var isAllowed: Bool {
            if case .refused = self { return false }
            return true
        }

        public var description: String {
            switch self {
            case .notIsolated: return "not isolated"
            case let .allowed(names): return "allowed by \(names.joined(separator: ", "))"
            case let .refused(names): return "refused (selected by \(names.joined(separator: ", ")); no rule matches)"
            }
        }
    }

    /// Both directions of one connection. Not an error when refused: refusing is an answer.
    public struct Decision: Sendable, Hashable, CustomStringConvertible {
        /// The source pod's egress.
        public var egress: Direction
        /// The destination pod's ingress.
        public var ingress: Direction
        public var isAllowed: Bool { egress.isAllowed && ingress.isAllowed }
        public var description: String { "egress \(egress); ingress \(ingress)" }
    }

    public let policies: [JSONValue]
    /// Namespace labels by namespace name, with `kubernetes.io/metadata.name` added.
    public let namespaces: [String: [String: String]]

    /// `policies` are NetworkPolicy objects (other kinds are ignored); `namespaces` maps each namespace
    /// to its labels.
    public init(policies: [JSONValue], namespaces: [String: [String: String]] = [:]) {
        self.policies = policies.filter { $0["kind"]?.stringValue ?? "NetworkPolicy" == "NetworkPolicy" }
        var labelled: [String: [String: String]] = [:]
        for (name, labels) in namespaces { labelled[name] = labels.merging(["kubernetes.io/metadata.name": name]) { $1 } }
        self.namespaces = labelled
    }

    public func allows(_ connection: Connection) -> Bool { evaluate(connection).isAllowed }

    public func evaluate(_ connection: Connection) -> Decision {
        Decision(egress: direction(egress: true, connection), ingress: direction(egress: false, connection))
    }

    private func direction(egress: Bool, _ connection: Connection) -> Direction {
        let type = egress ? "Egress" : "Ingress"
        let subject = egress ? connection.source : connection.destination
        let peer = egress ? connection.destination : connection.source
        var selecting: [String] = []
        var allowing: [String] = []
        for policy in policies where Self.namespace(of: policy) == subject.namespace {
            let spec = policy["spec"] ?? .object(JSONObject())
            guard Self.policyTypes(spec).contains(type),
                  Self.matches(spec["podSelector"] ?? .object(JSONObject()), subject.labels) else { continue }
            let name = policy["metadata"]?["name"]?.stringValue ?? "?"
            selecting.append(name)
            let rules = spec[egress ? "egress" : "ingress"]?.arrayValue ?? []
            if rules.contains(where: { rule in
                ruleMatches(rule, peersKey: egress ? "to" : "from", peer: peer, policyNamespace: subject.namespace, connection)
            }) {
                allowing.append(name)
            }
        }
        if selecting.isEmpty { return .notIsolated }
        return allowing.isEmpty ? .refused(selectedBy: selecting) : .allowed(by: allowing)
    }

    private func ruleMatches(_ rule: JSONValue, peersKey: String, peer: Pod, policyNamespace: String,
                             _ connection: Connection) -> Bool {
        let peers = rule[peersKey]?.arrayValue ?? []
        guard peers.isEmpty || peers.contains(where: { peerMatches($0, peer, policyNamespace: policyNamespace) }) else { return false }
        let ports = rule["ports"]?.arrayValue ?? []
        return ports.isEmpty || ports.contains { Self.portMatches($0, connection) }
    }

    private func peerMatches(_ peer: JSONValue, _ pod: Pod, policyNamespace: String) -> Bool {
        if let block = peer["ipBlock"] {
            guard let ip = pod.ip, let cidr = block["cidr"]?.stringValue, IPRange(cidr)?.contains(ip) == true else { return false }
            return !(block["except"]?.arrayValue ?? []).contains { $0.stringValue.flatMap(IPRange.init)?.contains(ip) == true }
        }
        let podSelector = peer["podSelector"]
        let namespaceSelector = peer["namespaceSelector"]
        if podSelector == nil, namespaceSelector == nil { return false }
        // An address outside the cluster is in no namespace: only an ipBlock can match it.
        if pod.isExternal { return false }
        if let namespaceSelector {
            let labels = namespaces[pod.namespace] ?? ["kubernetes.io/metadata.name": pod.namespace]
            guard Self.matches(namespaceSelector, labels) else { return false }
        } else if pod.namespace != policyNamespace {
            return false
        }
        return podSelector.map { Self.matches($0, pod.labels) } ?? true
    }

    private static func portMatches(_ entry: JSONValue, _ connection: Connection) -> Bool {
        guard (entry["protocol"]?.stringValue ?? "TCP") == connection.protocol else { return false }
        switch entry["port"] {
        case nil, .null?: return true
        case let .string(name)?:
            if let number = Int(name) { return number == connection.port }
            let key = connection.protocol == "TCP" ? name : "\(name)/\(connection.protocol)"
            return connection.destination.namedPorts[key] == connection.port
        case let port?:
            guard let first = port.intValue else { return false }
            let last = entry["endPort"]?.intValue ?? first
            return (first...max(first, last)).contains(connection.port)
        }
    }

    static func namespace(of policy: JSONValue) -> String {
        policy["metadata"]?["namespace"]?.stringValue ?? "default"
    }

    /// The policy types as given, or as the API server defaults them.
    static func policyTypes(_ spec: JSONValue) -> Set<String> {
        if let given = spec["policyTypes"]?.arrayValue, !given.isEmpty { return Set(given.compactMap(\.stringValue)) }
        return (spec["egress"]?.arrayValue?.isEmpty ?? true) ? ["Ingress"] : ["Ingress", "Egress"]
    }

    /// Whether a label selector (`matchLabels`, `matchExpressions`) matches `labels`.
    public static func matches(_ selector: JSONValue, _ labels: [String: String]) -> Bool {
        for (key, value) in selector["matchLabels"]?.objectValue ?? JSONObject() where labels[key] != value.stringValue {
            return false
        }
        for expression in selector["matchExpressions"]?.arrayValue ?? [] {
            guard let key = expression["key"]?.stringValue else { return false }
            let values = Set((expression["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            let value = labels[key]
            switch expression["operator"]?.stringValue {
            case "In": if value.map(values.contains) != true { return false }
            case "NotIn": if let value, values.contains(value) { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }
}

/// An IPv4 or IPv6 CIDR block.
struct IPRange: Sendable {
    let bytes: [UInt8]
    let prefix: Int

    init?(_ cidr: String) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bytes = IPRange.parse(String(parts[0])), let prefix = Int(parts[1]),
              (0...bytes.count * 8).contains(prefix) else { return nil }
        self.bytes = bytes
        self.prefix = prefix
    }

    func contains(_ address: String) -> Bool {
        guard let other = IPRange.parse(address), other.count == bytes.count else { return false }
        var left = prefix
        for index in bytes.indices where left > 0 {
            let bits = min(8, left)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if bytes[index] & mask != other[index] & mask { return false }
            left -= bits
        }
        return true
    }

    /// The address's bytes: 4 for IPv4, 16 for IPv6 (with `::` and a trailing dotted IPv4 part).
    static func parse(_ text: String) -> [UInt8]? {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var bytes: [UInt8] = []
            for part in parts {
                guard !part.isEmpty, part.count <= 3, let number = UInt8(part) else { return nil }
                bytes.append(number)
            }
            return bytes
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parse(String(piece)) else { return nil }
                    bytes += v4
                } else {
                    guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                    bytes += [UInt8(group >> 8), UInt8(group & 0xFF)]
                }
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 16 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
