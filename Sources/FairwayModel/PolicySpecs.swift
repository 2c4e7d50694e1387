/// `policies/default.yaml`: per GPU class, each tenant's guarantee, weight, limits and demand.
public struct GpuFairnessPolicySpec: Decodable, Sendable {
    public struct Defaults: Decodable, Sendable {
        public var weight: Int?
    }

    public struct TenantShare: Decodable, Sendable {
        public var guaranteed: Int
        public var weight: Int?
        public var borrowingLimit: Int?
        public var lendingLimit: Int?
        public var demand: Int?
        /// Units per job of the demand above the declared workloads (default: one job of all of it).
        public var jobSize: Int?
    }

    public struct ClassPolicy: Decodable, Sendable {
        public var maxSharePercent: Int?
        public var tenants: [String: TenantShare]?
    }

    public var defaults: Defaults?
    public var classes: [String: ClassPolicy]?

    public var defaultWeight: Int { defaults?.weight ?? 1 }
}

/// `policies/<name>.yaml` of kind GpuSharingPolicy: which workload kinds may use time-sliced or MIG GPUs.
public struct GpuSharingPolicySpec: Decodable, Sendable {
    public struct TimeSlicing: Decodable, Sendable {
        public var allowedWorkloads: [String]?
        public var maxReplicas: Int?
    }

    public struct MIG: Decodable, Sendable {
        public var strategy: String?
        public var allowedWorkloads: [String]?
    }

    public var timeSlicing: TimeSlicing?
    public var mig: MIG?
}
