import FairwayCore

/// What must never be shown: the values of Secrets and the Helm values marked sensitive.
///
/// Plans carry field changes for people to read; this type replaces sensitive values in them with
/// `mask`, a marker that is not a plausible value. The bodies an apply writes are never masked, and
/// `containsMask` lets the writers refuse any body that somehow carries a mask, so a mask can never be
/// sent back to a server in place of the secret it hid.
public enum Sensitive {
    /// What a sensitive value is shown as.
    public static let maskText = "(sensitive value)"
    public static let mask = JSONValue.string(maskText)

    /// Helm value keys that hold secrets in the charts Fairway installs and in common charts
    /// (JupyterHub's `cookieSecret`, `secretToken`, OAuth `client_secret`), compared without case,
    /// `-` or `_`.
    static let sensitiveKeyWords = ["password", "passwd", "secret", "token", "apikey", "privatekey", "credential",
                                    "cryptkey", "accesskey", "clientsecret", "cookiesecret", "sessionkey", "certificatekey"]

    /// Keys that name where a secret is (a Secret's name, a file), not the secret itself; so do keys
    /// starting with `existing` (`existingSecret`, `existingSecretKey`).
    static let referenceSuffixes = ["secretname", "secretref", "tokenfile"]

    /// True when a values key names a secret (`client_secret`, `cookieSecret`, `secretToken`, `apiKey`).
    public static func isSensitiveKey(_ key: String) -> Bool {
        let folded = String(key.lowercased().unicodeScalars.filter { $0 != "-" && $0 != "_" })
        if referenceSuffixes.contains(where: folded.hasSuffix) || folded.hasPrefix("existing") { return false }
        return sensitiveKeyWords.contains { folded.contains($0) }
    }

    /// True for an object whose data is secret: core `Secret`s.
    public static func isSecret(_ key: ObjectKey) -> Bool { key.group.isEmpty && key.kind == "Secret" }

    /// Field changes of a Secret with the values of `data` and `stringData` masked.
    static func maskSecretFields(_ fields: [FieldChange]) -> [FieldChange] {
        fields.map { field in
            guard field.path == "data" || field.path == "stringData" || field.path.hasPrefix("data.")
                || field.path.hasPrefix("data[") || field.path.hasPrefix("stringData.") || field.path.hasPrefix("stringData[")
            else { return field }
            return FieldChange(path: field.path, before: field.before.map(maskAll), after: field.after.map(maskAll))
        }
    }

    /// `value` with every scalar replaced by the mask, keeping the shape (keys stay visible).
    public static func maskAll(_ value: JSONValue) -> JSONValue {
        switch value {
        case let .object(object): return .object(JSONObject(object.members.map { ($0.key, maskAll($0.value)) }))
        case let .array(items): return .array(items.map(maskAll))
        case .null: return .null
        default: return mask
        }
    }

    /// Helm values with the values under sensitive keys, and under `extraPaths` (dotted paths marked
    /// sensitive in cluster.yaml), masked.
    public static func maskValues(_ values: JSONValue, extraPaths: [String] = []) -> JSONValue {
        var masked = maskSensitiveKeys(values)
        for path in extraPaths {
            let parts = path.split(separator: ".").map(String.init)
            masked = masked.replacing(at: parts) { maskAll($0) }
        }
        return masked
    }

    private static func maskSensitiveKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case let .object(object):
            return .object(JSONObject(object.members.map { member in
                (member.key, isSensitiveKey(member.key) && !isContainer(member.value) ? maskAll(member.value)
                    : maskSensitiveKeys(member.value))
            }))
        case let .array(items): return .array(items.map(maskSensitiveKeys))
        default: return value
        }
    }

    /// Objects under a sensitive-sounding key (`secret: {name: ...}`) are searched, not masked whole.
    private static func isContainer(_ value: JSONValue) -> Bool {
        if case .object = value { return true }
        return false
    }

    /// True when `value` holds the mask anywhere: such a body must never be written.
    public static func containsMask(_ value: JSONValue) -> Bool {
        switch value {
        case let .string(text): return text == maskText
        case let .object(object): return object.members.contains { containsMask($0.value) }
        case let .array(items): return items.contains(where: containsMask)
        default: return false
        }
    }
}

extension JSONValue {
    /// This value with the value at `path` (object keys) transformed; unchanged when the path is absent.
    func replacing(at path: some Collection<String>, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard let first = path.first else { return transform(self) }
        guard case var .object(object) = self, let child = object[first] else { return self }
        object[first] = child.replacing(at: path.dropFirst(), transform)
        return .object(object)
    }
}
