import FairwayCore

/// The `scale` subresource of deployments, stateful sets and replica sets (`kubectl scale`): an
/// `autoscaling/v1` Scale read from and written to `spec.replicas`.
extension APIServer {
    static let scalable: Set<String> = ["Deployment", "StatefulSet", "ReplicaSet"]

    func serveScale(_ request: APIRequest, resource: ResourceType, namespace: String, name: String,
                    verb: String) throws(APIError) -> APIResponse {
        let current = try store.state.withLock { state throws(APIError) in try state.get(resource, namespace: namespace, name: name) }
        switch verb {
        case "get":
            return .json(Self.scale(of: current))
        case "update", "patch":
            let body = try Self.body(of: request)
            let wanted: JSONValue
            switch request.contentType.split(separator: ";").first.map(String.init) ?? "" {
            case "application/json-patch+json":
                do { wanted = try Patches.jsonPatch(Self.scale(of: current), body) } catch {
                    throw APIError(code: 422, reason: "Invalid", message: error.message)
                }
            case "application/merge-patch+json", "application/strategic-merge-patch+json":
                wanted = Patches.mergePatch(Self.scale(of: current), body)
            default:
                wanted = body
            }
            guard case let .int(replicas)? = wanted["spec"]?["replicas"] else {
                throw APIError.badRequest("the scale must set spec.replicas to a number")
            }
            let options = WriteOptions(dryRun: request.query["dryRun"] == "All",
                                       manager: request.query["fieldManager"] ?? String(request.userAgent.split(separator: "/").first ?? "unknown"))
            let result = try store.state.withLock { state throws(APIError) in
                try state.patch(resource, namespace: namespace, name: name, type: .merge, patch: ["spec": ["replicas": .int(replicas)]],
                                options: options, subresource: nil)
            }
            return .json(Self.scale(of: result.object))
        default:
            throw APIError.methodNotAllowed(request.method)
        }
    }

    static func scale(of object: JSONObject) -> JSONValue {
        let labels = object["spec"]?["selector"]?["matchLabels"]?.objectValue ?? JSONObject()
        let selector = labels.map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ",")
        var metadata = JSONObject()
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { metadata[key] = object.metadata[key] }
        return .object([
            ("kind", "Scale"), ("apiVersion", "autoscaling/v1"), ("metadata", .object(metadata)),
            ("spec", .object([("replicas", object["spec"]?["replicas"] ?? .int(1))])),
            ("status", .object([("replicas", object["status"]?["replicas"] ?? .int(0)), ("selector", .string(selector))])),
        ])
    }
}
