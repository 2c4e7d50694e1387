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
        var documents: [(FileResult, bundled: Bool)] = []
        let cache = parseCache
        // Reuse what the parse cache has for unchanged blobs; reading, checking and typing each
        // other file is independent: spread over the cores.
        var results = cache?.lookup(snapshot.files) ?? Array(repeating: nil, count: snapshot.files.count)
        let missing = results.indices.filter { results[$0] == nil }
        let parsed = ParallelMap.map(missing) { [files = snapshot.files] index in
            FileResult.make(reader.read(files[index]), bundled: false)
        }
        for (index, result) in zip(missing, parsed) { results[index] = result }
        cache?.store(zip(missing, parsed).map { (snapshot.files[$0], $1) })
        cache?.endLoad()
        for (file, found) in zip(snapshot.files, results) {
            guard let result = found else { continue }
            diagnostics += result.diagnostics
            guard let document = result.document else {
                // Keep the name the layout implies, so references to this file do not become errors too.
                if let presumed = Self.presumedHeader(file) { platform.headers.append(presumed) }
                continue
            }
            if document.header.path.hasPrefix("policies/") {
                repoPolicies.insert("\(document.header.kind.rawValue)/\(document.header.name)")
            }
            documents.append((result, false))
        }
        for file in bundledPolicies {
            let make = { FileResult.make(reader.read(file), bundled: true) }
            let result = cache?.bundled(file, make: make) ?? make()
            diagnostics += result.diagnostics.map { var d = $0; d.location?.path = "\(BundledPolicies.prefix)\(file.path)"; return d }
            guard let document = result.document else { continue }
            guard !repoPolicies.contains("\(document.header.kind.rawValue)/\(document.header.name)") else { continue }
            documents.append((result, true))
        }
        let pathsWithErrors = Set(diagnostics.filter { $0.severity == .error }.compactMap { $0.location?.path })
        for (result, _) in documents {
            guard let document = result.document else { continue }
            platform.headers.append(document.header)
            switch result.typed {
            case let .success(typed)?: typed.insert(into: &platform)
            case let .failure(error)? where !pathsWithErrors.contains(document.header.path):
                diagnostics.append(.error("internal", "could not decode a checked document: \(error)",
                                          at: SourceLocation(path: document.header.path, line: 1, column: 1)))
            default:
                // The file's own diagnostics already say why it could not be typed.
                break
            }
        }
        sort(&platform)
        diagnostics += PlatformValidator(platform: platform).validate()
        return LoadResult(platform: platform, diagnostics: diagnostics.sorted())
    }

    /// The identity a file's place in the layout implies (`tenants/research.yaml` is Tenant `research`).
    static func presumedHeader(_ file: SourceFile) -> DocumentHeader? {
        let allowed = Kind.allowed(at: file.path)
        // A fairness policy part is named `default` whatever its file is called: no name to presume.
        guard allowed.count == 1, allowed[0] != .gpuFairnessPolicy else { return nil }
        return DocumentHeader(path: file.path, kind: allowed[0], name: file.stem)
    }

    private func sort(_ platform: inout Platform) {
        platform.tenants.sort { $0.name < $1.name }
        platform.nodePools.sort { $0.name < $1.name }
        platform.rayWorkloads.sort { ($0.tenant, $0.name) < ($1.tenant, $1.name) }
        platform.sharingPolicies.sort { $0.name < $1.name }
        platform.reindex()
    }
}
