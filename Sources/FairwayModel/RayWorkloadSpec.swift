import FairwayCore

/// `ray/<tenant>/<name>.yaml`: a RayJob, RayCluster or RayService of one tenant. The three kinds
/// share head, worker groups and autoscaling; `job` belongs to RayJob and `serve` to RayService.
public struct RayWorkloadSpec: Decodable, Sendable {
    public struct Head: Decodable, Sendable {
        public var cpu: Quantity
        public var memory: Quantity
        public var rayStartParams: [String: JSONValue]?
    }

    public struct MIG: Decodable, Sendable {
        public var profile: String
        public var count: Int?
    }

    public struct Resources: Decodable, Sendable {
        public var cpu: Quantity
        public var memory: Quantity
        public var gpu: Int?
        public var mig: MIG?

        /// GPUs (or MIG devices) one worker takes.
        public var acceleratorsPerWorker: Int { gpu ?? mig.map { $0.count ?? 1 } ?? 0 }
    }

    public struct WorkerGroup: Decodable, Sendable {
        public var name: String
        public var replicas: Int
        public var minReplicas: Int?
        public var maxReplicas: Int?
        public var resources: Resources

        public var effectiveMin: Int { minReplicas ?? replicas }
        public var effectiveMax: Int { maxReplicas ?? replicas }
    }

    public struct Autoscaling: Decodable, Sendable {
        public var enabled: Bool
        public var idleTimeoutSeconds: Int?
    }

    public struct Job: Decodable, Sendable {
        public var entrypoint: String
        public var runtimeEnv: JSONValue?
        public var activeDeadlineSeconds: Int?
        public var ttlSecondsAfterFinished: Int?
    }

    public struct Serve: Decodable, Sendable {
        public var config: JSONValue
    }

    public var namespace: String?
    public var gpuClass: String?
    public var priorityClass: String?
    public var rayVersion: String
    public var image: String
    public var head: Head
    public var workerGroups: [WorkerGroup]?
    public var autoscaling: Autoscaling?
    public var securityContext: SecurityContext?

    /// The ids Ray's processes run as; nil fields take Ray images' defaults.
    public struct SecurityContext: Decodable, Sendable {
        public var runAsUser: Int?
        public var runAsGroup: Int?
        public var fsGroup: Int?
    }
    public var job: Job?
    public var serve: Serve?

    public var groups: [WorkerGroup] { workerGroups ?? [] }

    /// GPUs (or MIG devices) the workload holds at its largest: every group at maxReplicas.
    public var peakAccelerators: Int {
        groups.reduce(0) { $0.saturatingAdding($1.effectiveMax.saturatingMultiplied(by: $1.resources.acceleratorsPerWorker)) }
    }
}
