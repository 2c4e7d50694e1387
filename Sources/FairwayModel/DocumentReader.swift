import FairwayCore
import FairwaySource
import FairwayYAML

/// A parsed file before typing: header and spec node, or the diagnostics that stopped it.
struct ReadDocument {
    var header: DocumentHeader
    var root: YAMLNode
    var spec: YAMLNode
    var blobID: String?
}

/// Reads one platform file: YAML syntax, one document, the envelope (`apiVersion`, `kind`,
/// `metadata.name` equal to the file stem, except for a fairness policy part, `spec`) and the spec's schema.
struct DocumentReader {
    let limits: YAMLLimits

    /// The document and every problem found; the document is nil when its envelope is unusable.
    func read(_ file: SourceFile) -> (ReadDocument?, [Diagnostic]) {
        let at = { (mark: YAMLMark) in SourceLocation(path: file.path, line: mark.line, column: mark.column) }
        let stream: YAMLStream
        do {
            stream = try YAMLParser.parse(file.bytes, limits: limits)
        } catch {
            return (nil, [.error(error.code.rawValue, error.message, at: at(error.mark), hint: error.hint)])
        }
        // Tags are refused: a tag that changes a value's meaning (`!!binary`, CloudFormation's `!Ref`)
        // would otherwise be dropped without a word and the bare text used.
        var diagnostics = (stream.problems + stream.tags).map {
            Diagnostic.error($0.code.rawValue, $0.message, at: at($0.mark), hint: $0.hint)
        }
        guard let root = stream.documents.first else {
            diagnostics.append(.error("empty-file", "file holds no document", at: at(YAMLMark(line: 1, column: 1)),
                                      hint: "write one `apiVersion: \(Kind.apiVersion)` document, or delete the file"))
            return (nil, diagnostics)
        }
        if stream.documents.count > 1 {
            let mark = stream.documentMarks.count > 1 ? stream.documentMarks[1] : stream.documents[1].mark
            diagnostics.append(.error("multiple-documents",
                                      "file holds \(stream.documents.count) documents; one is allowed", at: at(mark),
                                      hint: "move each document into its own file named after it"))
        }
        guard let pairs = root.pairs else {
            diagnostics.append(.error("wrong-type", "a document must be a mapping, not \(root.kindDescription)",
                                      at: at(root.mark)))
            return (nil, diagnostics)
        }
        let envelope = ["apiVersion", "kind", "metadata", "spec"]
        for pair in pairs {
            guard let key = pair.key.scalar, !envelope.contains(key) else { continue }
            diagnostics.append(.error("unknown-field", "unknown top-level field \(SchemaChecker.quoted(key))", at: at(pair.key.mark),
                                      hint: Suggest.nearest(to: UnicodeNames.stripped(key), in: envelope).map { "did you mean `\($0)`?" }
                                          ?? "a document has apiVersion, kind, metadata and spec"))
        }
        let allowed = Kind.allowed(at: file.path)
        guard let header = readHeader(root, file: file, allowed: allowed, diagnostics: &diagnostics) else {
            return (nil, diagnostics)
        }
        guard let spec = root["spec"], !spec.isNull else {
            diagnostics.append(.error("missing-field", "document is missing `spec`", at: at(root.mark)))
            return (nil, diagnostics)
        }
        var checker = SchemaChecker(path: file.path)
        let specKey = pairs.first { $0.key.scalar == "spec" }?.key
        checker.check(spec, against: header.kind.specSchema, at: "spec", key: specKey)
        diagnostics += checker.diagnostics
        return (ReadDocument(header: header, root: root, spec: spec, blobID: file.blobID), diagnostics)
    }

    private func readHeader(_ root: YAMLNode, file: SourceFile, allowed: [Kind],
                            diagnostics: inout [Diagnostic]) -> DocumentHeader? {
        let at = { (node: YAMLNode) in SourceLocation(path: file.path, line: node.mark.line, column: node.mark.column) }
        func wrongType(_ node: YAMLNode, _ field: String, _ expected: String) {
            diagnostics.append(.error("wrong-type", "`\(field)` must be \(expected), not \(node.kindDescription)", at: at(node)))
        }
        if let apiVersion = root["apiVersion"] {
            if apiVersion.scalar == nil || apiVersion.isNull {
                wrongType(apiVersion, "apiVersion", "a string (\(Kind.apiVersion))")
            } else if apiVersion.scalar != Kind.apiVersion {
                diagnostics.append(.error("wrong-api-version",
                                          "apiVersion is '\(apiVersion.scalar ?? "")'; expected '\(Kind.apiVersion)'",
                                          at: at(apiVersion)))
            }
        } else {
            diagnostics.append(.error("missing-field", "document is missing `apiVersion`", at: at(root)))
        }
        if let kindNode = root["kind"], kindNode.scalar == nil || kindNode.isNull {
            wrongType(kindNode, "kind", "a string")
            return nil
        }
        guard let kindNode = root["kind"], let kindText = kindNode.scalar else {
            diagnostics.append(.error("missing-field", "document is missing `kind`", at: at(root),
                                      hint: allowed.isEmpty ? nil : "this folder holds \(allowed.map(\.rawValue).joined(separator: " or "))"))
            return nil
        }
        guard let kind = Kind(rawValue: kindText) else {
            diagnostics.append(.error("unknown-kind", "unknown kind '\(kindText)'", at: at(kindNode),
                                      hint: Suggest.nearest(to: kindText, in: Kind.allCases.map(\.rawValue))
                                          .map { "did you mean `\($0)`?" }))
            return nil
        }
        guard allowed.contains(kind) else {
            diagnostics.append(.error("kind-location", "a \(kind.rawValue) does not belong in \(file.path)",
                                      at: at(kindNode),
                                      hint: "this place holds \(allowed.map(\.rawValue).joined(separator: " or "))"))
            return nil
        }
        if let metadata = root["metadata"], metadata.pairs == nil {
            wrongType(metadata, "metadata", "a mapping with `name`")
            return nil
        }
        guard let metadata = root["metadata"], let metadataPairs = metadata.pairs else {
            diagnostics.append(.error("missing-field", "document is missing `metadata.name`", at: at(root)))
            return nil
        }
        for pair in metadataPairs {
            guard let key = pair.key.scalar, !["name", "labels", "annotations"].contains(key) else { continue }
            diagnostics.append(.error("unknown-field", "unknown field \(SchemaChecker.quoted(key)) in `metadata`", at: at(pair.key),
                                      hint: Suggest.nearest(to: UnicodeNames.stripped(key), in: ["name", "labels", "annotations"])
                                          .map { "did you mean `\($0)`?" }))
        }
        if let nameNode = metadata["name"], nameNode.scalar == nil || nameNode.isNull {
            wrongType(nameNode, "metadata.name", "a string")
            return nil
        }
        guard let nameNode = metadata["name"], let name = nameNode.scalar, !nameNode.isNull else {
            diagnostics.append(.error("missing-field", "`metadata` is missing `name`", at: at(metadata)))
            return nil
        }
        if !FormatCheck.isDNSLabel(name) {
            diagnostics.append(.error("invalid-value", "metadata.name '\(name)' is not a DNS-1123 label",
                                      at: at(nameNode), hint: "use lowercase letters, digits and '-', at most 63"))
        } else if name.count > kind.maxNameLength {
            diagnostics.append(.error("name-too-long",
                                      "\(kind.rawValue) name '\(name)' has \(name.count) characters; the limit is \(kind.maxNameLength)",
                                      at: at(nameNode), hint: "KubeRay and Kueue derive longer names from it"))
        }
        // The fairness policy may be split into parts, each named `default`, in files of any name.
        if name != file.stem && kind != .gpuFairnessPolicy {
            diagnostics.append(.error("name-mismatch", "metadata.name '\(name)' does not match the file name '\(file.stem)'",
                                      at: at(nameNode), hint: "rename the file to \(name).yaml or set the name to '\(file.stem)'"))
        }
        return DocumentHeader(path: file.path, kind: kind, name: name)
    }
}
