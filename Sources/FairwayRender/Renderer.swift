import FairwayCore
import FairwayFairness
import FairwayModel

/// FairwayRender turns a validated `Platform` into the desired state: Kubernetes objects as JSON
/// trees, each labelled as Fairway's and annotated with the file it came from. Output is
/// deterministic: the same platform always renders the same objects, in the same order, with the
/// same key order.
///
/// Rendered bodies carry `fairway.dev/source: <path>`; the revision is added by `stamped(_:)` where an
/// object leaves Fairway (applied or written out). That keeps rendering of unchanged documents
/// identical across commits, so a `RenderCache` can reuse it.

/// The desired state of one revision.
public struct DesiredState: Sendable {
    public var revision: String
    /// Objects in render order (tenant by tenant), not yet stamped with the revision. Plans sort
    /// their changes into apply order; `sortedStampedManifests` gives every object in apply order.
    public let manifests: [Manifest]
    /// The tenant each object belongs to, by position in `manifests`, for per-tenant plan totals.
    public let tenants: [String?]
    /// EKS managed node groups, by name.
    public var nodeGroups: [NodeGroup]
    /// Helm releases, in install order (dependencies first).
    public var helmReleases: [HelmRelease]

    public init(revision: String, manifests: [Manifest], tenants: [String?], nodeGroups: [NodeGroup] = [],
                helmReleases: [HelmRelease] = []) {
        precondition(tenants.count == manifests.count, "one tenant entry per manifest")
        self.revision = revision
        self.manifests = manifests
        self.tenants = tenants
        self.nodeGroups = nodeGroups
        self.helmReleases = helmReleases
    }

    /// The tenant each object belongs to, by key.
    public var tenantOf: [ObjectKey: String] {
        var out: [ObjectKey: String] = [:]
        for (manifest, tenant) in zip(manifests, tenants) where tenant != nil { out[manifest.key] = tenant }
        return out
    }

    /// The body with its source annotation completed to `<path>@<revision>`.
    public func stamped(_ body: JSONValue) -> JSONValue {
        guard let path = body["metadata"]?["annotations"]?[Ownership.sourceAnnotation]?.stringValue, !path.contains("@")
        else { return body }
        return Ownership.settingSource("\(path)@\(revision)", in: body)
    }

    /// Every object, stamped, in apply order (`ObjectKey` order): what `fairway render` writes.
    public var sortedStampedManifests: [Manifest] {
        manifests.sorted { $0.key < $1.key }.map { Manifest(key: $0.key, body: stamped($0.body)) }
    }
}

/// Renders every document kind Fairway knows how to render.
public struct Renderer: Sendable {
    public var cache: RenderCache?

    public init(cache: RenderCache? = nil) { self.cache = cache }

    public func render(_ platform: Platform) -> DesiredState {
        var manifests: [Manifest] = []
        var tenants: [String?] = []
        func add(_ rendered: [Manifest], tenant: String? = nil) {
            manifests += rendered
            tenants += repeatElement(tenant, count: rendered.count)
        }
        if let cluster = platform.cluster { add(PriorityRenderer(cluster: cluster).render()) }
        if let karpenter = platform.cluster?.spec.eks.karpenter {
            for pool in platform.nodePools { add(KarpenterRenderer(pool: pool, karpenter: karpenter).render()) }
        }
        let kueue = KueueRenderer(platform: platform, cache: cache).render()
        manifests += kueue.manifests
        tenants += kueue.tenants
        let classesWithPools = platform.gpuClasses
        let hosting = NotebookHosting(platform)
        // Tenants render independently of each other: in parallel, added in declaration order.
        let cache = self.cache
        let perTenant = ParallelMap.map(platform.tenants) { tenant in
            let queueClasses = (tenant.spec.gpuClasses ?? []).filter { classesWithPools.contains($0) }
            let notebooks = (tenant.spec.notebooks?.profiles ?? []).isEmpty ? nil : hosting
            let key = RenderCache.key(tenant, queueClasses: queueClasses, notebooks: notebooks)
            let render = { TenantRenderer(tenant: tenant, queueClasses: queueClasses, notebooks: notebooks).render() }
            return cache?.manifests(for: key, render: render) ?? render()
        }
        for (tenant, rendered) in zip(platform.tenants, perTenant) { add(rendered, tenant: tenant.name) }
        let ray = renderRay(platform)
        manifests += ray.manifests
        tenants += ray.tenants
        cache?.endRender()
        var nodeGroups: [NodeGroup] = []
        if let cluster = platform.cluster {
            nodeGroups = platform.nodePools.compactMap { NodeGroupRenderer(pool: $0, cluster: cluster).render() }
        }
        return DesiredState(revision: platform.revision, manifests: manifests, tenants: tenants, nodeGroups: nodeGroups,
                            helmReleases: HelmRenderer(platform: platform).render())
    }
}

extension Renderer {
    /// Every Ray workload whose tenant exists, with the placement of each GPU class computed once.
    func renderRay(_ platform: Platform) -> (manifests: [Manifest], tenants: [String?]) {
        let units = GPUCapacity.unitsByClass(platform)
        var placements: [String: RayPlacement] = [:]
        var renderers: [RayRenderer] = []
        for workload in platform.rayWorkloads {
            guard let tenant = platform.tenant(named: workload.tenant) else { continue }
            let placement = workload.spec.gpuClass.map { gpuClass in
                if let known = placements[gpuClass] { return known }
                let placement = RayPlacement(gpuClass: gpuClass, platform: platform, unit: units[gpuClass])
                placements[gpuClass] = placement
                return placement
            }
            renderers.append(RayRenderer(
                workload: workload, tenant: tenant,
                priorityClass: platform.priorityClass(of: workload),
                placement: placement))
        }
        // Each workload renders on its own: in parallel, kept in declaration order.
        let cache = self.cache
        let manifests = ParallelMap.map(renderers) { renderer in
            let render = { [renderer.render()] }
            return (cache?.manifests(for: renderer.cacheKey, render: render) ?? render())[0]
        }
        return (manifests, renderers.map { $0.workload.tenant })
    }
}

/// Builds object metadata with Fairway's ownership label and source annotation.
struct MetadataBuilder {
    let sourcePath: String

    func metadata(name: String, namespace: String? = nil, labels: [(String, JSONValue)] = [],
                  annotations: [(String, JSONValue)] = []) -> JSONValue {
        var metadata = JSONObject()
        metadata["name"] = .string(name)
        if let namespace { metadata["namespace"] = .string(namespace) }
        var labelObject = JSONObject([(Ownership.managedByLabel, .string(Ownership.managedByValue))])
        for (k, v) in labels { labelObject[k] = v }
        metadata["labels"] = .object(labelObject)
        var annotationObject = JSONObject([(Ownership.sourceAnnotation, .string(sourcePath))])
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
