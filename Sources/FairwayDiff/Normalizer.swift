import FairwayCore

/// Removes from an object what should never count as a difference: fields the server sets
/// (`resourceVersion`, `uid`, `managedFields`, `status`, ...) and Fairway's source annotation, which
/// changes with every commit without changing the object.
public enum Normalizer {
    static let serverMetadata = [
        "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ]
    static let ignoredAnnotations = [Ownership.sourceAnnotation, "kubectl.kubernetes.io/last-applied-configuration"]

    /// True when the bodies are equal apart from the source annotation's value: a fast check that
    /// builds nothing.
    public static func equalIgnoringSource(_ a: JSONValue, _ b: JSONValue) -> Bool {
        guard case let .object(x) = a, case let .object(y) = b, x.count == y.count else { return a == b }
        for member in x.members {
            guard let other = y[member.key] else { return false }
            if member.key == "metadata" {
                guard equalMetadata(member.value, other) else { return false }
            } else if member.value != other {
                return false
            }
        }
        return true
    }

    private static func equalMetadata(_ a: JSONValue, _ b: JSONValue) -> Bool {
        guard case let .object(x) = a, case let .object(y) = b, x.count == y.count else { return a == b }
        for member in x.members {
            guard let other = y[member.key] else { return false }
            if member.key == "annotations", case let .object(p) = member.value, case let .object(q) = other {
                guard p.count == q.count else { return false }
                for annotation in p.members where annotation.key != Ownership.sourceAnnotation {
                    guard q[annotation.key] == annotation.value else { return false }
                }
                if (p[Ownership.sourceAnnotation] == nil) != (q[Ownership.sourceAnnotation] == nil) { return false }
            } else if member.value != other {
                return false
            }
        }
        return true
    }

    public static func comparable(_ body: JSONValue) -> JSONValue {
        guard var object = body.objectValue else { return body }
        object["status"] = nil
        if var metadata = object["metadata"]?.objectValue {
            for field in serverMetadata { metadata[field] = nil }
            if var annotations = metadata["annotations"]?.objectValue {
                for key in ignoredAnnotations { annotations[key] = nil }
                metadata["annotations"] = annotations.isEmpty ? nil : .object(annotations)
            }
            object["metadata"] = .object(metadata)
        }
        return .object(object)
    }
}

/// Field-level differences between two JSON trees.
///
/// Paths are built only for fields that differ: the walk keeps a stack of path components, so
/// comparing tens of thousands of equal objects allocates no strings.
enum FieldDiff {
    /// Keys whose values are Kubernetes quantities: `1000m` and `1` are the same there.
    static let quantityParents: Set<String> = ["hard", "limits", "requests", "default", "defaultRequest", "max", "min",
                                               "capacity", "allocatable"]

    private enum Component {
        case key(String)
        case index(Int)
    }

    static func changes(from live: JSONValue, to desired: JSONValue) -> [FieldChange] {
        if live == desired { return [] }
        var out: [FieldChange] = []
        var path: [Component] = []
        walk(live, desired, path: &path, into: &out)
        return out
    }

    private static func walk(_ live: JSONValue, _ desired: JSONValue, path: inout [Component],
                             into out: inout [FieldChange]) {
        if case let .object(l) = live, case let .object(d) = desired {
            for member in d.members {
                path.append(.key(member.key))
                if let lv = l[member.key] {
                    walk(lv, member.value, path: &path, into: &out)
                } else {
                    out.append(FieldChange(path: render(path), before: nil, after: member.value))
                }
                path.removeLast()
            }
            for member in l.members where d[member.key] == nil {
                path.append(.key(member.key))
                out.append(FieldChange(path: render(path), before: member.value, after: nil))
                path.removeLast()
            }
            return
        }
        if case let .array(l) = live, case let .array(d) = desired, l.count == d.count {
            for index in l.indices {
                path.append(.index(index))
                walk(l[index], d[index], path: &path, into: &out)
                path.removeLast()
            }
            return
        }
        if live == desired { return }
        if isUnderQuantityParent(path), case let .string(a) = live, case let .string(b) = desired,
           let qa = Quantity(a), let qb = Quantity(b), qa == qb
        {
            return
        }
        out.append(FieldChange(path: path.isEmpty ? "." : render(path), before: live, after: desired))
    }

    /// True when the value's parent key is one that holds quantities (`spec.hard["cpu"]`, `...limits.cpu`).
    private static func isUnderQuantityParent(_ path: [Component]) -> Bool {
        guard path.count >= 2, case let .key(parent) = path[path.count - 2] else { return false }
        return quantityParents.contains(parent)
    }

    private static func render(_ path: [Component]) -> String {
        var text = ""
        for component in path {
            switch component {
            case let .key(key): text = join(text, key)
            case let .index(index): text += "[\(index)]"
            }
        }
        return text
    }

    static func join(_ path: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy {
            ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45
        }
        if plain { return path.isEmpty ? key : "\(path).\(key)" }
        return "\(path)[\"\(key)\"]"
    }
}
