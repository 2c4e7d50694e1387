import FairwayCore
import FairwayModel

/// FairwayRender turns a validated `Platform` into the desired state: Kubernetes objects as JSON
/// trees, each labelled as Fairway's and annotated with the file and revision it came from. Output is
/// deterministic: the same platform always renders the same objects, in the same order, with the
/// same key order.

/// The desired state of one revision.
public struct DesiredState: Sendable {
    public var revision: String
    /// Objects sorted by apply order (`ObjectKey` order).
    public var manifests: [Manifest]
    /// The tenant each object belongs to, for per-tenant plan totals.
    public var tenantOf: [ObjectKey: String]

    public init(revision: String, manifests: [Manifest], tenantOf: [ObjectKey: String]) {
        self.revision = revision
        self.manifests = manifests
        self.tenantOf = tenantOf
    }
}

/// Renders every document kind Fairway knows how to render.
public struct Renderer: Sendable {
    public init() {}

    public func render(_ platform: Platform) -> DesiredState {
        var manifests: [Manifest] = []
        var tenantOf: [ObjectKey: String] = [:]
        manifests.reserveCapacity(platform.tenants.count * 8)
        for tenant in platform.tenants {
            let rendered = TenantRenderer(tenant: tenant, revision: platform.revision).render()
            for manifest in rendered { tenantOf[manifest.key] = tenant.name }
            manifests += rendered
        }
        // Sort positions, not the manifests themselves, so each manifest is moved once.
        let order = manifests.indices.sorted { manifests[$0].key < manifests[$1].key }
        manifests = order.map { manifests[$0] }
        return DesiredState(revision: platform.revision, manifests: manifests, tenantOf: tenantOf)
    }
}

/// Builds object metadata with Fairway's ownership label and source annotation.
struct MetadataBuilder {
    let sourcePath: String
    let revision: String

    func metadata(name: String, namespace: String? = nil, labels: [(String, JSONValue)] = [],
                  annotations: [(String, JSONValue)] = []) -> JSONValue {
        var metadata = JSONObject()
        metadata["name"] = .string(name)
        if let namespace { metadata["namespace"] = .string(namespace) }
        var labelObject = JSONObject([(Ownership.managedByLabel, .string(Ownership.managedByValue))])
        for (k, v) in labels { labelObject[k] = v }
        metadata["labels"] = .object(labelObject)
        var annotationObject = JSONObject([(Ownership.sourceAnnotation, .string("\(sourcePath)@\(revision)"))])
        for (k, v) in annotations { annotationObject[k] = v }
        metadata["annotations"] = .object(annotationObject)
        return .object(metadata)
    }
}

extension Manifest {
    /// A manifest from a body built by a renderer; the body always carries its identity.
    static func rendered(_ body: JSONValue) -> Manifest {
        guard let manifest = Manifest(body: body) else {
            preconditionFailure("renderer produced an object without apiVersion, kind or metadata.name")
        }
        return manifest
    }
}
