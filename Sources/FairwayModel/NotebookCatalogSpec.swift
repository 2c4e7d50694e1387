import FairwayCore

/// `jupyterhub/images.yaml`: pinned notebook images and the profiles tenants choose from.
public struct NotebookCatalogSpec: Decodable, Sendable {
    public struct Image: Decodable, Sendable {
        public var name: String
        public var ref: String
        /// The Ray inside the image, when it has one: Ray Client needs the same Ray (and Python)
        /// on both ends, so it is checked against the tenant's Ray clusters.
        public var rayVersion: String?
        public var pythonVersion: String?
    }

    /// A home volume: size and storage class (the cluster's default class when none is named).
    public struct Storage: Decodable, Sendable {
        public var size: Quantity?
        public var storageClass: String?
    }

    /// One volume per tenant notebook namespace that every server of the tenant mounts.
    public struct TeamVolume: Decodable, Sendable {
        public var size: Quantity
        public var storageClass: String?
        public var mountPath: String?
        public var accessMode: String?

        public static let defaultMountPath = "/home/jovyan/team"
        public static let claimName = "team-volume"
        public var path: String { mountPath ?? Self.defaultMountPath }
        public var mode: String { accessMode ?? "ReadWriteMany" }
    }

    public struct Cull: Decodable, Sendable {
        public var enabled: Bool
        public var timeout: GoDuration?
    }

    public struct Defaults: Decodable, Sendable {
        public var startTimeout: GoDuration?
        public var storage: Quantity?
        public var storageClass: String?
        public var cull: Cull?
        public var teamVolume: TeamVolume?
    }

    public struct GuaranteeLimit: Decodable, Sendable {
        public var guarantee: Quantity?
        public var limit: Quantity?
    }

    public struct Resources: Decodable, Sendable {
        public var cpu: GuaranteeLimit?
        public var memory: GuaranteeLimit?
    }

    public struct GPU: Decodable, Sendable {
        public var `class`: String
        public var count: Int?
        public var mig: String?
    }

    public struct Profile: Decodable, Sendable {
        public var name: String
        public var displayName: String?
        public var images: [String]?
        public var resources: Resources?
        public var gpu: GPU?
        public var nodepool: String?
        public var `default`: Bool?
        public var storage: Storage?
        /// False: this profile does not mount the team volume (default true when there is one).
        public var teamVolume: Bool?
    }

    public var images: [Image]
    public var defaults: Defaults?
    public var profiles: [Profile]
}
