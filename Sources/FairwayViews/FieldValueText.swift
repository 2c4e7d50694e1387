import FairwayCore

/// How a changed value reads in a plan: byte counts (KubeSpawner's `mem_guarantee`) in binary units,
/// and multi-line strings (embedded hub Python, controller configurations) as a line diff with a
/// little context, never as one escaped line.
enum FieldValueText {
    /// Keys whose integer values are byte counts.
    static let byteKeys: Set<String> = ["mem_guarantee", "mem_limit"]

    static func lastKey(_ path: String) -> String {
        var key = Substring(path)
        if let dot = key.lastIndex(of: ".") { key = key[key.index(after: dot)...] }
        return String(key)
    }

    /// The value as one line of text.
    static func inline(_ value: JSONValue, path: String) -> String {
        if byteKeys.contains(lastKey(path)), let bytes = value.intValue { return binaryUnits(Int64(bytes)) }
        return JSONWriter.string(value)
    }

    /// `25769803776` -> `24Gi` (exact only; otherwise the number).
    static func binaryUnits(_ bytes: Int64) -> String {
        for (suffix, size) in [("Ti", Int64(1) << 40), ("Gi", Int64(1) << 30), ("Mi", Int64(1) << 20), ("Ki", Int64(1) << 10)]
        where bytes != 0 && bytes % size == 0 {
            return "\(bytes / size)\(suffix)"
        }
        return String(bytes)
    }

    static func isMultiline(_ value: JSONValue?) -> Bool {
        value?.stringValue?.contains("\n") ?? false
    }

    /// The lines that differ between two texts, with up to `context` unchanged lines around each
    /// run, as `- old`, `+ new` and `  same` lines (`...` where lines are skipped).
    static func lineDiff(_ before: String, _ after: String, context: Int = 2) -> [String] {
        let a = before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Beyond this many lines an LCS table costs too much: name the change instead.
        guard a.count * b.count <= 4_000_000 else { return ["(\(a.count) lines -> \(b.count) lines)"] }
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var script: [(Character, String)] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                script.append((" ", a[i])); i += 1; j += 1
            } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                script.append(("-", a[i])); i += 1
            } else {
                script.append(("+", b[j])); j += 1
            }
        }
        let changed = script.indices.filter { script[$0].0 != " " }
        var keep = Set<Int>()
        for index in changed { keep.formUnion(max(0, index - context)...min(script.count - 1, index + context)) }
        var out: [String] = []
        var last = -1
        for index in keep.sorted() {
            if last >= 0 && index > last + 1 { out.append("...") }
            out.append("\(script[index].0) \(script[index].1)")
            last = index
        }
        return out
    }
}
