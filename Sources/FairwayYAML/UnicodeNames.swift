/// Names for the characters people cannot see: control characters YAML forbids, and the spaces and
/// format characters that look like nothing (or like a space) in an editor. Messages name them by
/// code point so that "unknown field `name`" never looks identical to the field it should have been.
public enum UnicodeNames {
    /// `U+0007 (BEL)`; the name in brackets when known.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = "U+" + hex(scalar.value)
        return names[scalar.value].map { "\(code) (\($0))" } ?? code
    }

    /// At least four uppercase hex digits: `0007`, `200B`, `1F600`.
    public static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// True for characters that show as nothing or as a plain space: no-break and other Unicode
    /// spaces, zero-width characters, soft hyphen, byte-order mark, bidirectional controls.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00A0, 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x1680, 0x180E, 0x2000...0x200F, 0x2028...0x202F,
             0x205F...0x206F, 0x3000, 0x3164, 0xFEFF, 0xFFA0:
            return true
        default:
            return scalar.properties.generalCategory == .format
        }
    }

    /// The invisible characters of `text`, each described once, in order of first appearance.
    public static func invisibles(in text: String) -> [String] {
        var seen: Set<UInt32> = []
        return text.unicodeScalars.filter { isInvisible($0) && seen.insert($0.value).inserted }.map(describe)
    }

    /// `text` with each invisible character written as `<U+200B>`, for quoting in messages.
    public static func revealed(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if isInvisible(scalar) || isForbiddenControl(scalar.value) {
                out += "<U+\(hex(scalar.value))>"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` without its invisible characters (what the writer most likely meant).
    public static func stripped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars where !isInvisible(scalar) { out.unicodeScalars.append(scalar) }
        return out
    }

    /// Characters outside YAML 1.2's printable set (c-printable, section 5.1), which libyaml refuses:
    /// everything but tab, line feed, carriage return, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD and
    /// x10000-x10FFFF.
    public static func isForbiddenControl(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return false
        default: return true
        }
    }

    private static let names: [UInt32: String] = [
        0x00: "NUL", 0x01: "SOH", 0x02: "STX", 0x03: "ETX", 0x04: "EOT", 0x05: "ENQ", 0x06: "ACK", 0x07: "BEL",
        0x08: "BACKSPACE", 0x0B: "VERTICAL TAB", 0x0C: "FORM FEED", 0x0E: "SO", 0x0F: "SI", 0x10: "DLE",
        0x11: "DC1", 0x12: "DC2", 0x13: "DC3", 0x14: "DC4", 0x15: "NAK", 0x16: "SYN", 0x17: "ETB", 0x18: "CAN",
        0x19: "EM", 0x1A: "SUB", 0x1B: "ESCAPE", 0x1C: "FS", 0x1D: "GS", 0x1E: "RS", 0x1F: "US", 0x7F: "DELETE",
        0xFFFE: "NONCHARACTER", 0xFFFF: "NONCHARACTER",
        0x00A0: "NO-BREAK SPACE", 0x00AD: "SOFT HYPHEN", 0x1680: "OGHAM SPACE MARK", 0x180E: "MONGOLIAN VOWEL SEPARATOR",
        0x2000: "EN QUAD", 0x2001: "EM QUAD", 0x2002: "EN SPACE", 0x2003: "EM SPACE", 0x2004: "THREE-PER-EM SPACE",
        0x2005: "FOUR-PER-EM SPACE", 0x2006: "SIX-PER-EM SPACE", 0x2007: "FIGURE SPACE", 0x2008: "PUNCTUATION SPACE",
        0x2009: "THIN SPACE", 0x200A: "HAIR SPACE", 0x200B: "ZERO WIDTH SPACE", 0x200C: "ZERO WIDTH NON-JOINER",
        0x200D: "ZERO WIDTH JOINER", 0x200E: "LEFT-TO-RIGHT MARK", 0x200F: "RIGHT-TO-LEFT MARK",
        0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR", 0x202A: "LEFT-TO-RIGHT EMBEDDING",
        0x202B: "RIGHT-TO-LEFT EMBEDDING", 0x202C: "POP DIRECTIONAL FORMATTING", 0x202D: "LEFT-TO-RIGHT OVERRIDE",
        0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x202F: "NARROW NO-BREAK SPACE", 0x205F: "MEDIUM MATHEMATICAL SPACE",
        0x2060: "WORD JOINER", 0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE",
        0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE", 0x3000: "IDEOGRAPHIC SPACE",
        0xFEFF: "ZERO WIDTH NO-BREAK SPACE",
    ]
}
