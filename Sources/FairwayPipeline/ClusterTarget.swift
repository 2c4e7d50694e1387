import FairwayAWS
import FairwayCore
import FairwayDiff
import FairwayHelm
import FairwayKubernetes
import FairwayLive
import FairwayModel

/// A cluster as a plan target: its Kubernetes API (Fairway-owned objects of every managed kind,
/// plus desired objects already there), its EKS managed node groups (when AWS is configured) and its
/// Helm releases (when helm is given). The three are read at the same time.
public final class ClusterTarget: LiveTarget {
    /// How Fairway reaches EKS; the cluster name and default region come from cluster.yaml.
    public struct EKSAccess: Sendable {
        public var region: String?
        public var endpoint: AWSURL?
        public var credentials: any AWSCredentialsProvider
        public var transport: AWSTransport

        public init(region: String?, endpoint: AWSURL?, credentials: any AWSCredentialsProvider, transport: AWSTransport) {
            self.region = region
            self.endpoint = endpoint
            self.credentials = credentials
            self.transport = transport
        }
    }

    public let name: String
    public let kubernetes: KubernetesClient
    public let eks: EKSAccess?
    public let helm: HelmClient?

    public init(name: String, kubernetes: KubernetesClient, eks: EKSAccess?, helm: HelmClient?) {
        self.name = name
        self.kubernetes = kubernetes
        self.eks = eks
        self.helm = helm
    }

    /// Closes connections; call once when done.
    public func shutdown() async {
        try? await kubernetes.shutdown()
        await eks?.transport.shutdown()
    }

    public func read(for evaluation: Evaluation) async throws(PipelineError) -> LiveSnapshot {
        guard let desired = evaluation.desired else { throw PipelineError("the repository has errors; the cluster is not read") }
        let kinds = Set(KindFacts.rendered.map { GroupVersionKind(apiVersion: $0.apiVersion, kind: $0.kind) })
            .union(desired.manifests.map { GroupVersionKind($0.key) })
        let keys = desired.manifests.map(\.key)
        let cluster = evaluation.platform.cluster?.spec
        do {
            // Discovery afresh for every plan: a long-lived target (the agent's) would otherwise never
            // list the objects of a kind whose CRD was installed after its first read.
            try await kubernetes.refreshDiscovery()
            async let objects = kubernetes.readLive(kinds: kinds, desired: keys)
            async let nodeGroups = readNodeGroups(cluster: cluster)
            async let releases = readReleases()
            return LiveSnapshot(serial: 0, objects: try await objects.manifests, nodeGroups: try await nodeGroups,
                                releases: try await releases)
        } catch let error as KubernetesError {
            throw PipelineError("cannot read the cluster: \(error)")
        } catch let error as AWSError {
            throw PipelineError("cannot read EKS node groups: \(error)")
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError("cannot read the live state: \(error)")
        }
    }

    /// DescribeNodegroup of every node group of the cluster, by name; nil without EKS access.
    private func readNodeGroups(cluster: ClusterSpec?) async throws -> [String: JSONValue]? {
        guard let spec = cluster, let client = eksClient(for: spec) else { return nil }
        let clusterName = spec.eks.clusterName
        let names = try await client.listNodegroups(cluster: clusterName)
        let bodies = try await withBoundedConcurrency(names, limit: 8) { name in
            try await client.describeNodegroup(cluster: clusterName, nodegroup: name)
        }
        // A group EKS is already deleting is on its way out: neither kept, nor deleted again.
        let live = zip(names, bodies).filter { $0.1["status"]?.stringValue != "DELETING" }
        return Dictionary(live.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
    }

    /// The EKS client for cluster.yaml's cluster (its region unless one was given); nil without EKS access.
    func eksClient(for spec: ClusterSpec) -> EKSClient? {
        guard let eks else { return nil }
        return EKSClient(region: eks.region ?? spec.aws.region, endpoint: eks.endpoint, credentials: eks.credentials,
                         transport: eks.transport)
    }

    private func readReleases() async throws -> [LiveRelease]? {
        guard let helm else { return nil }
        return try await helm.liveReleases()
    }
}

extension HelmClient {
    /// The releases a plan needs, as Diff sees them: every release with its values, marked owned
    /// when it carries Fairway's release label.
    func liveReleases() async throws -> [LiveRelease] {
        let owned = Set(try await list(selector: HelmClient.ownershipLabel).map { "\($0.namespace)/\($0.name)" })
        return try await readLive().map { release in
            LiveRelease(name: release.name, namespace: release.namespace, chart: release.chart, version: release.chartVersion,
                        revision: release.revision, status: release.status.rawValue, values: release.values,
                        owned: owned.contains("\(release.namespace)/\(release.name)"))
        }
    }
}
