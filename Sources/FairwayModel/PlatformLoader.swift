import FairwayCore
import FairwaySource
import FairwayYAML

/// Loads a platform repository: reads every file, types every document, merges the bundled
/// policies under the repository's own, and runs the checks across documents. It collects every
/// problem rather than stopping at the first.
public struct PlatformLoader: Sendable {
    public var limits: YAMLLimits
    /// Fairway's bundled policies; a repository document of the same kind and name replaces one.
    public var bundledPolicies: [SourceFile]
    /// Parses reused across loads, for files that carry a Git blob id.
    public var parseCache: ParseCache?

    public init(limits: YAMLLimits = .default, bundledPolicies: [SourceFile] = BundledPolicies.files,
                parseCache: ParseCache? = nil) {
        self.limits = limits
        self.bundledPolicies = bundledPolicies
        self.parseCache = parseCache
    }

    public func load(_ snapshot: SourceSnapshot) -> LoadResult {
        var platform = Platform(revision: snapshot.revision)
        var diagnostics = snapshot.diagnostics
        let reader = DocumentReader(limits: limits)
        var repoPolicies = Set<String>()
        var readDocuments: [(ReadDocument, bundled: Bool)] = []
        let cache = parseCache
        let reads = ParallelMap.map(snapshot.files) { file in
            if let cached = cache?.lookup(file) { return cached }
            let read = reader.read(file)
            cache?.store(file, read)
            return read
        }
        cache?.endLoad()
        for (file, (document, problems)) in zip(snapshot.files, reads) {
            diagnostics += problems
            guard let document else {
                // Keep the name the layout implies, so references to this file do not become errors too.
                if let presumed = Self.presumedHeader(file) { platform.headers.append(presumed) }
                continue
            }
            if document.header.path.hasPrefix("policies/") {
                repoPolicies.insert("\(document.header.kind.rawValue)/\(document.header.name)")
            }
            readDocuments.append((document, false))
        }
        for file in bundledPolicies {
            let (document, problems) = reader.read(file)
            diagnostics += problems.map { var d = $0; d.location?.path = "\(BundledPolicies.prefix)\(file.path)"; return d }
            guard let document else { continue }
            guard !repoPolicies.contains("\(document.header.kind.rawValue)/\(document.header.name)") else { continue }
            readDocuments.append((document, true))
        }
        let pathsWithErrors = Set(diagnostics.filter { $0.severity == .error }.compactMap { $0.location?.path })
        for (document, bundled) in readDocuments {
            let fileErrors = pathsWithErrors.contains(document.header.path)
            platform.headers.append(document.header)
            do {
                try add(document, bundled: bundled, to: &platform)
            } catch where fileErrors {
                // The file's own diagnostics already say why it could not be typed.
            } catch {
                diagnostics.append(.error("internal", "could not decode a checked document: \(error)",
                                          at: SourceLocation(path: document.header.path, line: 1, column: 1)))
            }
        }
        sort(&platform)
        diagnostics += PlatformValidator(platform: platform).validate()
        return LoadResult(platform: platform, diagnostics: diagnostics.sorted())
    }

    /// The identity a file's place in the layout implies (`tenants/research.yaml` is Tenant `research`).
    static func presumedHeader(_ file: SourceFile) -> DocumentHeader? {
        let allowed = Kind.allowed(at: file.path)
        guard allowed.count == 1 else { return nil }
        return DocumentHeader(path: file.path, kind: allowed[0], name: file.stem)
    }

    private func add(_ read: ReadDocument, bundled: Bool, to platform: inout Platform) throws {
        let header = read.header
        let path = bundled ? "\(BundledPolicies.prefix)\(header.path)" : header.path
        func document<S: Decodable & Sendable>(_ type: S.Type) throws -> Document<S> {
            Document(path: path, kind: header.kind, name: header.name,
                     spec: try YAMLNodeDecoder.decode(type, from: read.spec), root: read.root)
        }
        switch header.kind {
        case .cluster: platform.cluster = try document(ClusterSpec.self)
        case .tenant: platform.tenants.append(try document(TenantSpec.self))
        case .nodePool: platform.nodePools.append(try document(NodePoolSpec.self))
        case .rayJob, .rayCluster, .rayService:
            let tenant = header.path.split(separator: "/").dropFirst().first.map(String.init) ?? ""
            platform.rayWorkloads.append(RayWorkload(tenant: tenant, document: try document(RayWorkloadSpec.self)))
        case .notebookCatalog: platform.notebookCatalog = try document(NotebookCatalogSpec.self)
        case .gpuFairnessPolicy:
            if header.name == "default" { platform.fairnessPolicy = try document(GpuFairnessPolicySpec.self) }
        case .gpuSharingPolicy: platform.sharingPolicies.append(try document(GpuSharingPolicySpec.self))
        }
    }

    private func sort(_ platform: inout Platform) {
        platform.tenants.sort { $0.name < $1.name }
        platform.nodePools.sort { $0.name < $1.name }
        platform.rayWorkloads.sort { ($0.tenant, $0.name) < ($1.tenant, $1.name) }
        platform.sharingPolicies.sort { $0.name < $1.name }
        platform.reindex()
    }
}
