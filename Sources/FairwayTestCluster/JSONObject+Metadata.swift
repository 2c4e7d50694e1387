import FairwayCore
import Foundation

/// Reading and writing the `metadata` of a Kubernetes object held as a `JSONObject`.
extension JSONObject {
    var metadata: JSONObject {
        get { self["metadata"]?.objectValue ?? JSONObject() }
        set { self["metadata"] = .object(newValue) }
    }

    var name: String { metadata["name"]?.stringValue ?? "" }
    var namespace: String { metadata["namespace"]?.stringValue ?? "" }
    var kind: String { self["kind"]?.stringValue ?? "" }
    var apiVersion: String { self["apiVersion"]?.stringValue ?? "" }
    var resourceVersion: String { metadata["resourceVersion"]?.stringValue ?? "" }

    var labels: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in metadata["labels"]?.objectValue ?? JSONObject() {
            if let text = value.stringValue { result[key] = text }
        }
        return result
    }

    /// Sets one metadata member (nil removes it).
    mutating func setMetadata(_ key: String, _ value: JSONValue?) {
        var meta = metadata
        meta[key] = value
        metadata = meta
    }

    /// The object without `metadata.managedFields`, or with the managers' times blanked: what decides
    /// whether a write changed anything.
    func withoutManagedFieldTimes() -> JSONObject {
        guard case let .array(entries)? = metadata["managedFields"] else { return self }
        var copy = self
        copy.setMetadata("managedFields", .array(entries.map { entry in
            guard case var .object(object) = entry else { return entry }
            object["time"] = nil
            return .object(object)
        }))
        return copy
    }

    /// Everything but `metadata` and `status`: a change here bumps `metadata.generation`.
    func specPart() -> JSONObject {
        var copy = self
        copy["metadata"] = nil
        copy["status"] = nil
        copy["apiVersion"] = nil
        copy["kind"] = nil
        return copy
    }
}
