/// The canonical forms SigV4 signs: path, query and headers.
extension SigV4Signer {
    /// The canonical URI. With `normalize` (every service but S3), dot segments and empty segments are
    /// removed and the result is URI-encoded again (so `%20` on the wire signs as `%2520`); without,
    /// the path is signed as sent.
    public static func canonicalPath(_ path: String, normalize: Bool) -> String {
        guard normalize else { return path.isEmpty ? "/" : path }
        return AWSPercentEncoding.encode(removeDotSegments(path.isEmpty ? "/" : path), keepingSlashes: true)
    }

    /// RFC 3986 section 5.2.4, with empty segments dropped too (AWS collapses `//`); a trailing slash
    /// stays unless nothing is left.
    static func removeDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                if !output.isEmpty { output.removeLast() }
            } else {
                output.append(segment)
            }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }

    /// Names and values encoded, sorted by encoded name and then encoded value, byte-wise.
    public static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (AWSPercentEncoding.encode($0.name), AWSPercentEncoding.encode($0.value)) }
            .sorted { a, b in
                a.0 != b.0 ? a.0.utf8.lexicographicallyPrecedes(b.0.utf8) : a.1.utf8.lexicographicallyPrecedes(b.1.utf8)
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The canonical header block (each `name:value` line ending in a newline) and the signed-header
    /// list. Repeated headers join their values with commas, in the order they came.
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (block: String, signed: String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased(), default: []].append(collapsingWhitespace(value))
        }
        let names = values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let block = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    /// Trims the value and turns each inner run of white space into one space.
    static func collapsingWhitespace(_ value: String) -> String {
        value.split(whereSeparator: isWhitespace).joined(separator: " ")
    }

    private static func isWhitespace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\n" || character == "\r" || character == "\r\n"
            || character == "\u{0B}" || character == "\u{0C}"
    }
}
