/// An HTTP request to AWS before and after signing: method, URL, headers and body. The URL's path is
/// kept as it goes on the wire (percent-encoded); query parameters are kept decoded and encoded
/// the RFC 3986 way when the URL is written out, which is also how SigV4 encodes them.
public struct AWSRequest: AWSHTTPMessage {
    public var method: String
    public var url: AWSURL
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: AWSURL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// Replaces every value of a header with one value.
    public mutating func setHeader(_ name: String, _ value: String) {
        removeHeader(name)
        headers.append((name, value))
    }

    public mutating func removeHeader(_ name: String) {
        let lower = name.lowercased()
        headers.removeAll { $0.name.lowercased() == lower }
    }
}

/// What requests and answers share: headers, looked up without regard to case.
public protocol AWSHTTPMessage: Sendable {
    var headers: [(name: String, value: String)] { get }
}

extension AWSHTTPMessage {
    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// An http(s) URL split the way SigV4 needs it.
public struct AWSURL: Sendable, CustomStringConvertible {
    /// `https` or `http`, lower-cased.
    public var scheme: String
    /// Lower-cased host name, or an IP address (IPv6 in brackets).
    public var host: String
    /// The port when one was written, even a default one.
    public var port: Int?
    /// The path as sent: percent-encoded, starting with `/`.
    public var path: String
    /// Decoded query parameters in order.
    public var query: [(name: String, value: String)]

    public init(scheme: String = "https", host: String, port: Int? = nil, path: String = "/",
                query: [(name: String, value: String)] = []) {
        self.scheme = scheme.lowercased()
        self.host = host.lowercased()
        self.port = port
        self.path = path.isEmpty ? "/" : path
        self.query = query
    }

    /// Parses `https://host[:port][/path][?query]`; nil for anything else (other schemes, user info, bad ports).
    public init?(string: String) {
        guard let schemeEnd = string.range(of: "://") else { return nil }
        let scheme = string[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        var rest = String(string[schemeEnd.upperBound...])
        if let hash = rest.firstIndex(of: "#") { rest = String(rest[..<hash]) }
        var queryText = ""
        if let mark = rest.firstIndex(of: "?") {
            queryText = String(rest[rest.index(after: mark)...])
            rest = String(rest[..<mark])
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        let path = String(rest[authorityEnd...])
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = authority
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            port = number
            host = String(authority[..<colon])
        }
        guard !host.isEmpty else { return nil }
        let query = queryText.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: AWSPercentEncoding.decode(String(parts[0])),
                    value: parts.count > 1 ? AWSPercentEncoding.decode(String(parts[1])) : "")
        }
        self.init(scheme: scheme, host: host, port: port, path: path, query: query)
    }

    /// `host` or `host:port`, leaving out the scheme's default port, as the Host header carries it.
    public var hostHeader: String {
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }

    /// Scheme, host and port: what error messages name.
    public var origin: String { "\(scheme)://\(hostHeader)" }

    /// The query string, each name and value RFC 3986-encoded, in order.
    public var encodedQuery: String {
        query.map { "\(AWSPercentEncoding.encode($0.name))=\(AWSPercentEncoding.encode($0.value))" }.joined(separator: "&")
    }

    /// The URL with the path appended to this one's (which should have no query).
    public func appending(path suffix: String, query: [(name: String, value: String)] = []) -> AWSURL {
        var url = self
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        url.path = base + (suffix.hasPrefix("/") ? suffix : "/" + suffix)
        url.query = self.query + query
        return url
    }

    public var description: String {
        origin + path + (query.isEmpty ? "" : "?" + encodedQuery)
    }
}

/// Percent-encoding as SigV4 does it: every byte but the RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - _ . ~`) becomes `%XX` with upper-case hex.
public enum AWSPercentEncoding {
    public static func encode(_ text: String, keepingSlashes: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlashes && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Undoes `%XX` escapes; malformed escapes are kept as they are.
    public static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
               let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
