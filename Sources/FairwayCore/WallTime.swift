#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A moment in UTC, to the microsecond, as Kubernetes writes times (`2026-11-22T10:04:05.123456Z`
/// for a Lease's MicroTime, whole seconds for metadata). For durations use `ContinuousClock`.
public struct WallTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var secondsSince1970: Double

    public init(secondsSince1970: Double) { self.secondsSince1970 = secondsSince1970 }

    public static func now() -> WallTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallTime(secondsSince1970: Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9)
    }

    /// Parses RFC 3339 (`2026-01-02T03:04:05Z`, with optional fractional seconds and a `+hh:mm`
    /// offset); nil when the text is not one.
    public init?(rfc3339 text: String) {
        let pattern = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
        guard let match = text.wholeMatch(of: pattern) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(match.1)! - 1900
        parts.tm_mon = Int32(match.2)! - 1
        parts.tm_mday = Int32(match.3)!
        parts.tm_hour = Int32(match.4)!
        parts.tm_min = Int32(match.5)!
        parts.tm_sec = Int32(match.6)!
        var seconds = Double(timegm(&parts))
        if let fraction = match.7 { seconds += Double("0" + fraction) ?? 0 }
        let zone = match.8
        if zone != "Z", zone != "z" {
            let sign: Double = zone.hasPrefix("-") ? -1 : 1
            let hours = Double(zone.dropFirst().prefix(2))!, minutes = Double(zone.suffix(2))!
            seconds -= sign * (hours * 3600 + minutes * 60)
        }
        self.secondsSince1970 = seconds
    }

    /// Whole seconds: `2026-11-22T10:04:05Z`.
    public var rfc3339: String { format(micros: false) }
    /// With microseconds, as a Lease's MicroTime: `2026-11-22T10:04:05.123456Z`.
    public var rfc3339Micro: String { format(micros: true) }
    public var description: String { rfc3339 }

    public func adding(seconds: Double) -> WallTime { WallTime(secondsSince1970: secondsSince1970 + seconds) }

    public static func < (a: WallTime, b: WallTime) -> Bool { a.secondsSince1970 < b.secondsSince1970 }

    private func format(micros: Bool) -> String {
        var whole = time_t(secondsSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        func pad(_ n: Int, _ width: Int = 2) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1))-\(pad(Int(parts.tm_mday)))T"
            + "\(pad(Int(parts.tm_hour))):\(pad(Int(parts.tm_min))):\(pad(Int(parts.tm_sec)))"
        if micros {
            let fraction = min(999_999, Int(((secondsSince1970 - secondsSince1970.rounded(.down)) * 1e6).rounded()))
            text += "." + pad(fraction, 6)
        }
        return text + "Z"
    }
}
