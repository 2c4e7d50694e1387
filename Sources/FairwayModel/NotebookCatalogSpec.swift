import FairwayCore

/// `jupyterhub/images.yaml`: pinned notebook images and the profiles tenants choose from.
public struct NotebookCatalogSpec: Decodable, Sendable {
    public struct Image: Decodable, Sendable {
        public var name: String
        public var ref: String
    }

    public struct Cull: Decodable, Sendable {
        public var enabled: Bool
        public var timeout: GoDuration?
    }

    public struct Defaults: Decodable, Sendable {
        public var startTimeout: GoDuration?
        public var storage: Quantity?
        public var cull: Cull?
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
    }

    public var images: [Image]
    public var defaults: Defaults?
    public var profiles: [Profile]
}
