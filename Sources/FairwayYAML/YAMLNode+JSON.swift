import FairwayCore

extension YAMLNode {
    /// This node as JSON, resolving plain scalars by the YAML 1.2 core schema; quoted scalars stay
    /// strings. Used for free-form fields such as Helm `values` and Ray `runtimeEnv`.
    public func jsonValue() -> JSONValue {
        switch content {
        case let .scalar(text, style):
            guard style == .plain, tag == nil || tag == "!" else {
                if tag == "tag:yaml.org,2002:int", let i = YAMLCoreSchema.int(text) { return .int(i) }
                return .string(text)
            }
            if isNull { return .null }
            if let b = YAMLCoreSchema.bool(text) { return .bool(b) }
            if let i = YAMLCoreSchema.int(text) { return .int(i) }
            if let d = YAMLCoreSchema.double(text), d.isFinite { return .double(d) }
            return .string(text)
        case let .sequence(items):
            return .array(items.map { $0.jsonValue() })
        case let .mapping(pairs):
            var object = JSONObject()
            for pair in pairs { object[pair.key.scalar ?? ""] = pair.value.jsonValue() }
            return .object(object)
        }
    }
}
