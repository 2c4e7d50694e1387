#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `JSONValue` trees as JSON text: compact, or indented with two spaces.
///
/// Output is deterministic: object members in their stored order (use `sortedRecursively()` first for
/// canonical output), doubles in Swift's shortest round-tripping form, strings escaped per RFC 8259.
public enum JSONWriter {
    public static func string(_ value: JSONValue, pretty: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(value, into: &bytes, pretty: pretty, indent: 0)
        if pretty { bytes.append(UInt8(ascii: "\n")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func bytes(_ value: JSONValue, pretty: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(value, into: &bytes, pretty: pretty, indent: 0)
        if pretty { bytes.append(UInt8(ascii: "\n")) }
        return bytes
    }

    /// Appends the canonical form of `value` to `out`: compact, every object's members sorted by the
    /// bytes of their keys. The same bytes as `bytes(value.sortedRecursively())`, without copying the tree.
    public static func appendCanonical(_ value: JSONValue, to out: inout [UInt8]) {
        write(value, into: &out, pretty: false, indent: 0, sorted: true)
    }

    /// The canonical form of `value` (see `appendCanonical`), in a buffer that starts with room for
    /// `capacity` bytes (the expected length saves the buffer's regrowth).
    public static func canonicalBytes(_ value: JSONValue, reservingCapacity capacity: Int = 256) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(capacity)
        appendCanonical(value, to: &bytes)
        return bytes
    }

    static func write(_ value: JSONValue, into out: inout [UInt8], pretty: Bool, indent: Int, sorted: Bool = false) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): out.append(contentsOf: String(i).utf8)
        case let .double(d):
            if d.isFinite {
                if d == d.rounded(), abs(d) < 1e15 { out.append(contentsOf: String(Int64(d)).utf8) }
                else { out.append(contentsOf: "\(d)".utf8) }
            } else {
                out.append(contentsOf: "null".utf8)
            }
        case let .string(s): writeString(s, into: &out)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, pretty: pretty, indent: indent + 1)
                write(item, into: &out, pretty: pretty, indent: indent + 1, sorted: sorted)
            }
            newline(&out, pretty: pretty, indent: indent)
            out.append(UInt8(ascii: "]"))
        case let .object(object):
            if object.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            let members = object.members
            func member(_ n: Int, at position: Int) {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, pretty: pretty, indent: indent + 1)
                writeString(members[position].key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(members[position].value, into: &out, pretty: pretty, indent: indent + 1, sorted: sorted)
            }
            // Members already in key order (most of a rendered object's) are written without sorting.
            if sorted, !isSortedByKey(members) {
                let order = members.indices.sorted { keyPrecedes(members[$0].key, members[$1].key) }
                for (n, position) in order.enumerated() { member(n, at: position) }
            } else {
                for position in members.indices { member(position, at: position) }
            }
            newline(&out, pretty: pretty, indent: indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func isSortedByKey(_ members: [(key: String, value: JSONValue)]) -> Bool {
        var index = members.startIndex + 1
        while index < members.endIndex {
            if !keyPrecedes(members[index - 1].key, members[index].key) { return false }
            index += 1
        }
        return true
    }

    /// Whether `a` sorts before `b` by their UTF-8 bytes (the canonical member order): memcmp over
    /// the strings' contiguous bytes, the generic comparison only for strings without them.
    @inline(__always)
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            }
        }
        if let fast, let result = fast { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func newline(_ out: inout [UInt8], pretty: Bool, indent: Int) {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        // Runs that need no escaping (nearly every key and value) are copied at once.
        s.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                out.append(92)
                switch byte {
                case UInt8(ascii: "\""): out.append(34)
                case UInt8(ascii: "\\"): out.append(92)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(UInt8(ascii: "u"))
                    out.append(48)
                    out.append(48)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
