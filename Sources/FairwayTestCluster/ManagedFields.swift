import FairwayCore

/// One entry of `metadata.managedFields`: which manager owns which fields, and by which operation.
struct ManagedFieldsEntry: Sendable, Equatable {
    var manager: String
    var operation: String
    var apiVersion: String
    var time: String
    var fields: FieldSet
    var subresource: String?

    init(manager: String, operation: String, apiVersion: String, time: String, fields: FieldSet, subresource: String? = nil) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.fields = fields
        self.subresource = subresource
    }

    init?(_ value: JSONValue) {
        guard let manager = value["manager"]?.stringValue else { return nil }
        self.manager = manager
        operation = value["operation"]?.stringValue ?? "Update"
        apiVersion = value["apiVersion"]?.stringValue ?? ""
        time = value["time"]?.stringValue ?? ""
        fields = FieldSet(fieldsV1: value["fieldsV1"] ?? .object(JSONObject()))
        subresource = value["subresource"]?.stringValue
    }

    var json: JSONValue {
        var object: JSONObject = [("manager", .string(manager)), ("operation", .string(operation)),
                                  ("apiVersion", .string(apiVersion)), ("time", .string(time)),
                                  ("fieldsType", "FieldsV1"), ("fieldsV1", fields.fieldsV1)]
        if let subresource { object["subresource"] = .string(subresource) }
        return .object(object)
    }

    static func entries(of object: JSONObject) -> [ManagedFieldsEntry] {
        object.metadata["managedFields"]?.arrayValue?.compactMap(ManagedFieldsEntry.init) ?? []
    }

    static func store(_ entries: [ManagedFieldsEntry], in object: inout JSONObject) {
        let kept = entries.filter { !$0.fields.isEmpty }
        object.setMetadata("managedFields", kept.isEmpty ? nil : .array(kept.map(\.json)))
    }

    /// Records a non-apply write (create, update, merge or strategic patch) by `manager`: it takes the
    /// fields it changed from every other manager.
    static func recordUpdate(old: JSONObject?, new: inout JSONObject, manager: String, apiVersion: String,
                             resource: ResourceType, schema: MergeSchema, subresource: String? = nil) {
        var entries = old.map(entries(of:)) ?? []
        let before = old.map { JSONValue.object(FieldSet.trackedPart($0, resource: resource)) }
        let afterObject = FieldSet.trackedPart(new, resource: resource)
        let changed = FieldPath.changes(from: before, to: .object(afterObject), schema: schema)
        if changed.isEmpty, old != nil { store(entries, in: &new); return }
        let present = FieldSet.of(.object(afterObject), schema: schema)
        let gained = changed.intersection(present)
        let lost = changed.subtracting(present)
        for index in entries.indices { entries[index].fields = entries[index].fields.subtracting(changed) }
        if let index = entries.firstIndex(where: { $0.manager == manager && $0.operation == "Update" && $0.subresource == subresource }) {
            entries[index].fields = entries[index].fields.union(gained).subtracting(lost)
            entries[index].time = WallTime.now().rfc3339
            entries[index].apiVersion = apiVersion
        } else {
            entries.append(ManagedFieldsEntry(manager: manager, operation: "Update", apiVersion: apiVersion,
                                              time: WallTime.now().rfc3339, fields: gained, subresource: subresource))
        }
        store(entries, in: &new)
    }
}
