/// Resolution of plain scalars by the YAML 1.2 core schema: `true`/`false`, integers, floats and
/// null. Unlike YAML 1.1, `yes`, `no`, `on` and `off` stay strings (no "Norway problem").
public enum YAMLCoreSchema {
    public static func bool(_ s: String) -> Bool? {
        switch s {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// Words YAML 1.1 readers take for booleans; Fairway flags them where a boolean is expected.
    public static func isYAML11Bool(_ s: String) -> Bool {
        ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"].contains(s)
    }

    public static func int(_ s: String) -> Int64? {
        guard let first = s.first else { return nil }
        if s.hasPrefix("0x") { return Int64(s.dropFirst(2), radix: 16) }
        if s.hasPrefix("0o") { return Int64(s.dropFirst(2), radix: 8) }
        guard first.isNumber || first == "-" || first == "+" else { return nil }
        return Int64(s)
    }

    public static func double(_ s: String) -> Double? {
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard let first = s.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
        guard s.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else { return nil }
        return Double(s)
    }
}
