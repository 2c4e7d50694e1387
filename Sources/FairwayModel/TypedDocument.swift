import FairwayCore

/// One file's outcome: the parsed document (or nil), its diagnostics, and its typed form. This is
/// what the parse cache keeps per Git blob, so an unchanged file is neither parsed nor decoded again.
final class FileResult: Sendable {
    let document: ReadDocument?
    let diagnostics: [Diagnostic]
    let typed: Result<TypedDocument, DecodeFailure>?

    init(document: ReadDocument?, diagnostics: [Diagnostic], typed: Result<TypedDocument, DecodeFailure>?) {
        self.document = document
        self.diagnostics = diagnostics
        self.typed = typed
    }

    static func make(_ read: (ReadDocument?, [Diagnostic]), bundled: Bool) -> FileResult {
        let (document, diagnostics) = read
        let typed = document.map { document in
            Result { () throws(DecodeFailure) -> TypedDocument in try TypedDocument.decode(document, bundled: bundled) }
        }
        return FileResult(document: document, diagnostics: diagnostics, typed: typed)
    }
}

/// Why a checked document could not be typed (a mismatch between schema and model: a bug).
struct DecodeFailure: Error, Sendable, CustomStringConvertible {
    let description: String
}

/// A decoded document of any kind, ready to be placed in a `Platform`.
enum TypedDocument: Sendable {
    case cluster(Document<ClusterSpec>)
    case tenant(Document<TenantSpec>)
    case nodePool(Document<NodePoolSpec>)
    case rayWorkload(RayWorkload)
    case notebookCatalog(Document<NotebookCatalogSpec>)
    case fairnessPolicy(Document<GpuFairnessPolicySpec>)
    case sharingPolicy(Document<GpuSharingPolicySpec>)

    static func decode(_ read: ReadDocument, bundled: Bool) throws(DecodeFailure) -> TypedDocument {
        let header = read.header
        let path = bundled ? "\(BundledPolicies.prefix)\(header.path)" : header.path
        func document<S: Decodable & Sendable>(_ type: S.Type) throws(DecodeFailure) -> Document<S> {
            do {
                return Document(path: path, kind: header.kind, name: header.name,
                                spec: try YAMLNodeDecoder.decode(type, from: read.spec), root: read.root,
                                blobID: read.blobID)
            } catch {
                throw DecodeFailure(description: "\(error)")
            }
        }
        switch header.kind {
        case .cluster: return .cluster(try document(ClusterSpec.self))
        case .tenant: return .tenant(try document(TenantSpec.self))
        case .nodePool: return .nodePool(try document(NodePoolSpec.self))
        case .rayJob, .rayCluster, .rayService:
            let tenant = header.path.split(separator: "/").dropFirst().first.map(String.init) ?? ""
            return .rayWorkload(RayWorkload(tenant: tenant, document: try document(RayWorkloadSpec.self)))
        case .notebookCatalog: return .notebookCatalog(try document(NotebookCatalogSpec.self))
        case .gpuFairnessPolicy: return .fairnessPolicy(try document(GpuFairnessPolicySpec.self))
        case .gpuSharingPolicy: return .sharingPolicy(try document(GpuSharingPolicySpec.self))
        }
    }

    func insert(into platform: inout Platform) {
        switch self {
        case let .cluster(d): platform.cluster = d
        case let .tenant(d): platform.tenants.append(d)
        case let .nodePool(d): platform.nodePools.append(d)
        case let .rayWorkload(w): platform.rayWorkloads.append(w)
        case let .notebookCatalog(d): platform.notebookCatalog = d
        case let .fairnessPolicy(d): if d.name == "default" { platform.fairnessPolicyParts.append(d) }
        case let .sharingPolicy(d): platform.sharingPolicies.append(d)
        }
    }
}
