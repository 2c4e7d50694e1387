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
        guard let position = onlyOccurrence(in: desired) else {
            return stored == desired && find(in: stored, from: 0) == nil ? "" : nil
        }
        let valueStart = position + needle.count
        guard let valueEnd = desired[valueStart...].firstIndex(of: UInt8(ascii: "\"")),
              !desired[valueStart..<valueEnd].contains(UInt8(ascii: "\\")),
              stored.count >= desired.count, stored[..<valueEnd].elementsEqual(desired[..<valueEnd]),
              onlyOccurrence(in: stored) == position
        else { return nil }
        if stored.count == desired.count {
            return stored == desired ? String(decoding: desired[valueStart..<valueEnd], as: UTF8.self) : nil
        }
        guard stored[valueEnd] == UInt8(ascii: "@"),
              let stampEnd = stored[valueEnd...].firstIndex(of: UInt8(ascii: "\"")),
              !stored[valueEnd..<stampEnd].contains(UInt8(ascii: "\\")),
              stored.count - stampEnd == desired.count - valueEnd,
              stored[stampEnd...].elementsEqual(desired[valueEnd...])
        else { return nil }
        return String(decoding: stored[valueStart..<stampEnd], as: UTF8.self)
    }

    /// `body` with its source annotation set to `value` (unchanged when `value` is empty: no annotation).
    public static func setting(_ value: String, in body: JSONValue) -> JSONValue {
        value.isEmpty ? body : Ownership.settingSource(value, in: body)
    }

    private static func onlyOccurrence(in bytes: [UInt8]) -> Int? {
        guard let first = find(in: bytes, from: 0) else { return nil }
        return find(in: bytes, from: first + 1) == nil ? first : nil
    }

    private static func find(in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { haystack -> Int? in
            var position = start
            let last = haystack.count - needle.count
            while position <= last {
                // memchr finds the next quote; the rest of the needle is compared from there.
                guard let found = memchr(haystack.baseAddress! + position, Int32(UInt8(ascii: "\"")), last - position + 1) else {
                    return nil
                }
                position = haystack.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if needle.indices.allSatisfy({ haystack[position + $0] == needle[$0] }) { return position }
                position += 1
            }
            return nil
        }
    }
}
