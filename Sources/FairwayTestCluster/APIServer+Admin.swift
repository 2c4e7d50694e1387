import FairwayCore

/// The admin endpoint under `/fairway-admin/`, for scripts and tests in other processes:
/// `GET|POST|DELETE faults` reads, adds (a JSON rule, see `FaultRule`) or clears fault rules;
/// `GET|DELETE requests` reads or clears the request log; `GET objects` counts stored objects.
extension APIServer {
    func admin(_ request: APIRequest, segments: [String]) throws(APIError) -> APIResponse {
        switch (request.method, segments.first ?? "") {
        case ("GET", "faults"):
            return .json(.array(faults.current.map(\.json)))
        case ("POST", "faults"):
            let body = try Self.body(of: request)
            let rules = try (body.arrayValue ?? [body]).map { rule throws(APIError) in try FaultRule(json: rule) }
            for rule in rules { faults.add(rule) }
            return .json(.array(faults.current.map(\.json)), status: 201)
        case ("DELETE", "faults"):
            faults.removeAll()
            return .json(.array([]))
        case ("GET", "requests"):
            return .json(.array(requestLog.all.map(\.json)))
        case ("DELETE", "requests"):
            requestLog.clear()
            return .json(.array([]))
        case ("GET", "objects"):
            return .json(.object([("objects", .int(Int64(store.objectCount))), ("resourceVersion", .string(String(store.resourceVersion)))]))
        default:
            throw APIError.pathNotFound()
        }
    }
}
