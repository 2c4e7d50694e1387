#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FairwayCore

/// Compares a stored object's canonical JSON with a desired object's, byte for byte, allowing only the
/// source annotation to differ by its `@revision` stamp: the test that lets a plan skip parsing the
/// objects that did not change since they were applied. Anything else, including a second source
/// annotation anywhere in the body, is left to the full comparison.
public enum SourceStamp {
    private static let needle: [UInt8] = Array("\"\(Ownership.sourceAnnotation)\":\"".utf8)

    /// The stored source annotation's value when `stored` equals `desired` but for the stamp appended
    /// to that value (or equals it outright: then the desired value); nil when they differ otherwise.
    public static func match(stored: [UInt8], desired: [UInt8]) -> String? {
        stored.withUnsafeBufferPointer { stored in desired.withUnsafeBufferPointer { desired in match(stored, desired) } }
    }

    private static func match(_ stored: UnsafeBufferPointer<UInt8>, _ desired: UnsafeBufferPointer<UInt8>) -> String? {
        guard let position = onlyOccurrence(in: desired) else {
            return equal(stored, desired) && find(in: stored, from: 0) == nil ? "" : nil
        }
        let valueStart = position + needle.count
        guard let valueEnd = firstIndex(of: UInt8(ascii: "\""), in: desired, from: valueStart),
              !contains(UInt8(ascii: "\\"), in: desired, valueStart..<valueEnd),
              stored.count >= desired.count, same(stored, desired, 0, 0, count: valueEnd),
              onlyOccurrence(in: stored) == position
        else { return nil }
        if stored.count == desired.count {
            return equal(stored, desired) ? String(decoding: UnsafeBufferPointer(rebasing: desired[valueStart..<valueEnd]), as: UTF8.self) : nil
        }
        guard stored[valueEnd] == UInt8(ascii: "@"),
              let stampEnd = firstIndex(of: UInt8(ascii: "\""), in: stored, from: valueEnd),
              !contains(UInt8(ascii: "\\"), in: stored, valueEnd..<stampEnd),
              stored.count - stampEnd == desired.count - valueEnd,
              same(stored, desired, stampEnd, valueEnd, count: stored.count - stampEnd)
        else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: stored[valueStart..<stampEnd]), as: UTF8.self)
    }

    /// `body` with its source annotation set to `value` (unchanged when `value` is empty: no annotation).
    public static func setting(_ value: String, in body: JSONValue) -> JSONValue {
        value.isEmpty ? body : Ownership.settingSource(value, in: body)
    }

    private static func onlyOccurrence(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = find(in: bytes, from: 0) else { return nil }
        return find(in: bytes, from: first + 1) == nil ? first : nil
    }

    /// The needle's byte looked for with memchr: rarer in JSON than its leading quote.
    private static let anchor = needle.firstIndex(of: UInt8(ascii: "/"))!

    /// The first position at or after `start` where the needle begins: memchr finds each next
    /// candidate by the anchor byte, memcmp compares the whole needle there.
    private static func find(in haystack: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = haystack.baseAddress else { return nil }
        let last = haystack.count - needle.count
        var position = start
        return needle.withUnsafeBufferPointer { needle -> Int? in
            while position <= last {
                guard let found = memchr(base + position + anchor, Int32(needle[anchor]), last - position + 1) else { return nil }
                position = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) - anchor
                if memcmp(base + position, needle.baseAddress!, needle.count) == 0 { return position }
                position += 1
            }
            return nil
        }
    }

    private static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count,
              let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private static func contains(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard let base = bytes.baseAddress, !range.isEmpty else { return false }
        return memchr(base + range.lowerBound, Int32(byte), range.count) != nil
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && same(a, b, 0, 0, count: a.count)
    }

    /// Whether `count` bytes of `a` from `i` equal those of `b` from `j` (both ranges in bounds).
    private static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ j: Int, count: Int) -> Bool {
        guard count > 0 else { return true }
        return memcmp(a.baseAddress! + i, b.baseAddress! + j, count) == 0
    }
}
