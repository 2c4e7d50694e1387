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
