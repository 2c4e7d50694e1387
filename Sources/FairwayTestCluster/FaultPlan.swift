import FairwayCore

/// Faults to inject, for testing clients against a misbehaving API server. Each rule matches requests
/// by method or verb and path prefix, fires with a probability (and at most `times` times), and then
/// delays the request, fails it with a status, answers 429 with `Retry-After`, or drops the connection.
public struct FaultRule: Sendable, Equatable {
    /// What a fired rule does to the request.
    public enum Effect: Sendable, Equatable {
        /// Wait this many milliseconds, then serve the request normally.
        case latency(milliseconds: Int)
        /// Fail with this HTTP status and a Kubernetes `Status` body.
        case status(Int)
        /// 429 TooManyRequests with `Retry-After: seconds`.
        case tooManyRequests(retryAfterSeconds: Int)
        /// Close the connection without a complete response.
        case dropConnection

        /// Whether the effect decides the response (anything but latency).
        var isFailure: Bool {
            if case .latency = self { return false }
            return true
        }
    }

    /// An HTTP method (`GET`) or a Kubernetes verb (`list`, `watch`, `patch`...); nil matches any.
    public var verb: String?
    /// A path prefix such as `/api/v1/namespaces/default/configmaps`; nil matches any.
    public var pathPrefix: String?
    /// A query parameter the request must carry (`continue` matches only the later pages of a list); nil matches any.
    public var queryParameter: String?
    /// Probability in 0...1 that a matching request gets the effect.
    public var rate: Double
    /// How many times the rule may fire; nil is unlimited.
    public var times: Int?
    public var effect: Effect

    public init(verb: String? = nil, pathPrefix: String? = nil, queryParameter: String? = nil, rate: Double = 1, times: Int? = nil,
                effect: Effect) {
        self.verb = verb
        self.pathPrefix = pathPrefix
        self.queryParameter = queryParameter
        self.rate = rate
        self.times = times
        self.effect = effect
    }

    func matches(method: String, verb requestVerb: String, path: String, query: [String: String]) -> Bool {
        if let verb, verb.uppercased() != method, verb != requestVerb { return false }
        if let pathPrefix, !path.hasPrefix(pathPrefix) { return false }
        if let queryParameter, query[queryParameter] == nil { return false }
        return true
    }

    /// Parses the CLI form: `verb=get,path=/api/v1,query=continue,rate=0.5,times=3,status=503` (or
    /// `latency=200`, `retry-after=2`, `drop`).
    public init(parsing text: String) throws(APIError) {
        var verb: String?, path: String?, query: String?, rate = 1.0, times: Int?, effect: Effect?
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            let key = pieces[0], value = pieces.count > 1 ? pieces[1] : ""
            switch key {
            case "verb": verb = value
            case "path": path = value
            case "query": query = value
            case "rate": guard let r = Double(value), (0...1).contains(r) else { throw APIError.badRequest("fault rate must be in 0...1: \(value)") }; rate = r
            case "times": times = Int(value)
            case "status": guard let code = Int(value) else { throw APIError.badRequest("fault status must be a number: \(value)") }; effect = .status(code)
            case "latency": guard let ms = Int(value) else { throw APIError.badRequest("fault latency must be milliseconds: \(value)") }; effect = .latency(milliseconds: ms)
            case "retry-after": effect = .tooManyRequests(retryAfterSeconds: Int(value) ?? 1)
            case "drop": effect = .dropConnection
            default: throw APIError.badRequest("unknown fault setting '\(key)'")
            }
        }
        guard let effect else { throw APIError.badRequest("a fault needs status=, latency=, retry-after= or drop") }
        self.init(verb: verb, pathPrefix: path, queryParameter: query, rate: rate, times: times, effect: effect)
    }

    var json: JSONValue {
        var object = JSONObject()
        if let verb { object["verb"] = .string(verb) }
        if let pathPrefix { object["path"] = .string(pathPrefix) }
        if let queryParameter { object["query"] = .string(queryParameter) }
        object["rate"] = .double(rate)
        if let times { object["times"] = .int(Int64(times)) }
        switch effect {
        case let .latency(ms): object["latency"] = .int(Int64(ms))
        case let .status(code): object["status"] = .int(Int64(code))
        case let .tooManyRequests(seconds): object["retryAfter"] = .int(Int64(seconds))
        case .dropConnection: object["drop"] = true
        }
        return .object(object)
    }

    init(json: JSONValue) throws(APIError) {
        let effect: Effect
        if case let .int(ms)? = json["latency"] { effect = .latency(milliseconds: Int(ms)) }
        else if case let .int(code)? = json["status"] { effect = .status(Int(code)) }
        else if case let .int(seconds)? = json["retryAfter"] { effect = .tooManyRequests(retryAfterSeconds: Int(seconds)) }
        else if json["drop"] == .bool(true) { effect = .dropConnection }
        else { throw APIError.badRequest("a fault needs latency, status, retryAfter or drop") }
        var rate = 1.0
        switch json["rate"] { case let .double(d)?: rate = d; case let .int(i)?: rate = Double(i); default: break }
        var times: Int?
        if case let .int(t)? = json["times"] { times = Int(t) }
        self.init(verb: json["verb"]?.stringValue, pathPrefix: json["path"]?.stringValue, queryParameter: json["query"]?.stringValue,
                  rate: rate, times: times, effect: effect)
    }
}

/// The fault rules in force, shared by all requests; tests change them while the server runs.
public final class FaultPlan: Sendable {
    private let rules = Locked<[(rule: FaultRule, fired: Int)]>([])

    public init(_ rules: [FaultRule] = []) {
        self.rules.withLock { $0 = rules.map { ($0, 0) } }
    }

    public func add(_ rule: FaultRule) { rules.withLock { $0.append((rule, 0)) } }
    public func removeAll() { rules.withLock { $0.removeAll() } }
    public var current: [FaultRule] { rules.withLock { $0.map(\.rule) } }

    /// The effects that fire for this request, counting them: any latencies, and at most one failure
    /// (a status, a 429 or a dropped connection), from the first rule in order that fires one. A rule
    /// that would fail a request another rule already fails is not counted, so `times` counts the
    /// responses the rule decided.
    func effects(method: String, verb: String, path: String, query: [String: String]) -> [FaultRule.Effect] {
        rules.withLock { rules in
            var fired: [FaultRule.Effect] = []
            var failed = false
            for index in rules.indices where rules[index].rule.matches(method: method, verb: verb, path: path, query: query) {
                let failure = rules[index].rule.effect.isFailure
                if failure && failed { continue }
                if let times = rules[index].rule.times, rules[index].fired >= times { continue }
                if rules[index].rule.rate < 1, Double.random(in: 0..<1) >= rules[index].rule.rate { continue }
                rules[index].fired += 1
                fired.append(rules[index].rule.effect)
                failed = failed || failure
            }
            return fired
        }
    }
}
