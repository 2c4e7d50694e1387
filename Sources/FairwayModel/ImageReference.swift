/// Container image references as the container runtimes parse them (distribution/reference's
/// grammar): `[domain[:port]/]path[:tag][@digest]`, path components of lowercase alphanumerics
/// joined by `.`, `_`, `__` or dashes, a tag of `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, and a digest
/// `sha256:` plus 64 lowercase hex digits (or `sha512:` plus 128). Kubernetes stores any string, so
/// a bad reference surfaces only as a pod stuck in `InvalidImageName`.
enum ImageReference {
    /// What is wrong with `text` as a pinned image reference, or nil.
    static func problem(_ text: String) -> String? {
        var rest = Substring(text)
        var hasDigest = false
        if let at = rest.firstIndex(of: "@") {
            if let problem = digestProblem(rest[rest.index(after: at)...]) { return problem }
            hasDigest = true
            rest = rest[..<at]
        }
        let lastSlash = rest.lastIndex(of: "/")
        let tagColon = rest.lastIndex(of: ":").flatMap { colon in lastSlash.map { colon > $0 } ?? true ? colon : nil }
        var name = rest
        if let tagColon {
            let tag = rest[rest.index(after: tagColon)...]
            name = rest[..<tagColon]
            if tag.isEmpty { return "has an empty tag after ':'; pin a version" }
            if !isTag(tag) { return "has an invalid tag '\(tag)' (letters, digits, '_', '.', '-', not starting with '.' or '-', at most 128)" }
            if tag == "latest" { return "uses the `latest` tag; pin a version" }
        } else if !hasDigest {
            return "has no tag; pin a version"
        }
        if let problem = nameProblem(name) { return problem }
        return nil
    }

    private static func digestProblem(_ digest: Substring) -> String? {
        let lengths = ["sha256": 64, "sha512": 128]
        guard let colon = digest.firstIndex(of: ":"), let length = lengths[String(digest[..<colon])] else {
            return "has a digest that is not sha256:<64 hex digits>"
        }
        let hex = digest[digest.index(after: colon)...].utf8
        guard hex.count == length, hex.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            return "has a malformed digest: \(digest[..<colon]) takes \(length) lowercase hex digits, not \(hex.count)"
        }
        return nil
    }

    private static func isTag(_ tag: Substring) -> Bool {
        let bytes = Array(tag.utf8)
        guard (1...128).contains(bytes.count) else { return false }
        func word(_ b: UInt8) -> Bool { KubernetesNames.alphanumeric(b) || b == 95 }
        return word(bytes[0]) && bytes.allSatisfy { word($0) || $0 == 46 || $0 == 45 }
    }

    private static func nameProblem(_ name: Substring) -> String? {
        var components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !components.isEmpty else { return "has no image name" }
        // The first component is a registry when it looks like a host: a dot, a port, or localhost.
        if components.count > 1, let first = components.first,
           first.contains(".") || first.contains(":") || first == "localhost" || first.contains(where: \.isUppercase) {
            components.removeFirst()
        }
        for component in components where !isPathComponent(component) {
            return "has an invalid repository name '\(component)' (lowercase letters and digits, joined by '.', '_' or '-')"
        }
        return nil
    }

    private static func isPathComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        func lowerAlnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        guard let first = bytes.first, let last = bytes.last, lowerAlnum(first), lowerAlnum(last) else { return false }
        var index = 0
        while index < bytes.count {
            let b = bytes[index]
            if lowerAlnum(b) { index += 1; continue }
            // A separator: '.', '_', '__' or a run of '-'.
            if b == 46 { index += 1 }
            else if b == 95 { index += bytes[index + 1] == 95 ? 2 : 1 }
            else if b == 45 { while index < bytes.count && bytes[index] == 45 { index += 1 } }
            else { return false }
            guard index < bytes.count, lowerAlnum(bytes[index]) else { return false }
        }
        return true
    }
}
