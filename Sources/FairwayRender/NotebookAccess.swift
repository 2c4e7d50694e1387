import FairwayCore
import FairwayModel
import FairwayYAML

extension TenantSpec {
    /// Identity-provider groups whose members may use the tenant's notebooks.
    var notebookGroups: [String] { members?.groups ?? [] }
    /// Users who may use the tenant's notebooks: its members and its owners.
    var notebookUsers: [String] { (members?.users ?? []) + (owners ?? []) }
}

extension JSONValue {
    /// The value as the YAML text a chart takes inside a string value (JSON, which is YAML too, if
    /// the emitter fails).
    var embeddedYAML: String { (try? YAMLEmitter.emit(self)) ?? JSONWriter.string(self, pretty: true) }
}
