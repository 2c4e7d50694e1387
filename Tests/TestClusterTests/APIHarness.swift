import FairwayCore
@testable import FairwayTestCluster

/// Calls an `APIServer` in-process, the way an HTTP client would, and reads the JSON answers.
struct APIHarness {
    let server: APIServer

    init(_ server: APIServer = APIServer(namespaceTerminationDelay: .milliseconds(10))) { self.server = server }

    /// A response with its JSON body parsed.
    struct Answer {
        var status: Int
        var body: JSONValue
        var headers: [(String, String)]
        var dropped = false

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var message: String { body["message"]?.stringValue ?? "" }
        var reason: String { body["reason"]?.stringValue ?? "" }
    }

    @discardableResult
    func call(_ method: String, _ path: String, _ query: [String: String] = [:], body: JSONValue? = nil,
              contentType: String = "application/json", headers: [String: String] = [:]) async -> Answer {
        var allHeaders = headers
        allHeaders["content-type"] = contentType
        allHeaders["user-agent"] = allHeaders["user-agent"] ?? "fairway-tests/1.0"
        let request = APIRequest(method: method, path: path, query: query, headers: allHeaders,
                                 body: body.map { JSONWriter.bytes($0) } ?? [])
        let response = await server.handle(request)
        switch response.body {
        case let .bytes(bytes):
            return Answer(status: response.status, body: (try? JSONReader.parse(bytes)) ?? .null, headers: response.headers)
        case .stream: return Answer(status: response.status, body: .null, headers: response.headers)
        case .drop: return Answer(status: response.status, body: .null, headers: response.headers, dropped: true)
        }
    }

    /// Sends a YAML or JSON text as an apply patch.
    @discardableResult
    func apply(_ path: String, _ text: String, manager: String, force: Bool = false, dryRun: Bool = false) async -> Answer {
        var query = ["fieldManager": manager]
        if force { query["force"] = "true" }
        if dryRun { query["dryRun"] = "All" }
        let request = APIRequest(method: "PATCH", path: path, query: query,
                                 headers: ["content-type": "application/apply-patch+yaml"], body: Array(text.utf8))
        let response = await server.handle(request)
        guard case let .bytes(bytes) = response.body else { return Answer(status: response.status, body: .null, headers: []) }
        return Answer(status: response.status, body: (try? JSONReader.parse(bytes)) ?? .null, headers: response.headers)
    }

    static func configMap(_ name: String, namespace: String = "default", data: JSONValue = ["a": "1"],
                          labels: JSONValue? = nil) -> JSONValue {
        var metadata: JSONObject = [("name", .string(name)), ("namespace", .string(namespace))]
        if let labels { metadata["labels"] = labels }
        return .object([("apiVersion", "v1"), ("kind", "ConfigMap"), ("metadata", .object(metadata)), ("data", data)])
    }

    static func deployment(_ name: String, containers: JSONValue, replicas: Int64 = 1) -> JSONValue {
        .object([
            ("apiVersion", "apps/v1"), ("kind", "Deployment"), ("metadata", .object([("name", .string(name))])),
            ("spec", .object([
                ("replicas", .int(replicas)), ("selector", ["matchLabels": ["app": .string(name)]]),
                ("template", ["metadata": ["labels": ["app": .string(name)]], "spec": ["containers": containers]]),
            ])),
        ])
    }
}

extension JSONValue {
    /// The item at `index` when this is a list.
    subscript(_ index: Int) -> JSONValue? {
        guard case let .array(items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
