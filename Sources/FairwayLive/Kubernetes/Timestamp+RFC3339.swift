#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Timestamp {
    /// Seconds since 1970 for an RFC 3339 time (`2026-01-02T03:04:05Z`, with optional fractional
    /// seconds and a `+hh:mm` offset), or nil when the text is not one.
    static func seconds(rfc3339 text: String) -> Double? {
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
        return seconds
    }
}
