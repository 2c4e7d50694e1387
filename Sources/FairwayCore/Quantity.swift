/// A Kubernetes resource quantity (`8`, `500m`, `64Gi`, `1.5`, `2e3`), held exactly in nano-units.
///
/// Two quantities are equal when they denote the same amount, so `1000m == 1` and `1Gi == 1024Mi`.
/// `text` keeps what the user wrote, for output.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let text: String
    /// The amount in units of 10^-9, rounded up as Kubernetes rounds.
    public let nanos: Int128

    public init?(_ text: String) {
        guard let nanos = Quantity.parse(text) else { return nil }
        self.text = text
        self.nanos = nanos
    }

    /// A whole-number quantity.
    public init(integer: Int) {
        text = String(integer)
        nanos = Int128(integer) * 1_000_000_000
    }

    public var description: String { text }

    /// The amount rounded up to a whole unit (what a GPU count or pod count must be).
    public var wholeUnits: Int128 { (nanos + 999_999_999) / 1_000_000_000 }
    public var isWhole: Bool { nanos % 1_000_000_000 == 0 }
    public var milliValue: Int128 { (nanos + 999_999) / 1_000_000 }

    public static func == (a: Quantity, b: Quantity) -> Bool { a.nanos == b.nanos }
    public func hash(into hasher: inout Hasher) { hasher.combine(nanos) }
    public static func < (a: Quantity, b: Quantity) -> Bool { a.nanos < b.nanos }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let q = Quantity(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a quantity"))
        }
        self = q
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }

    private static let binary: [String: Int128] = [
        "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50, "Ei": 1 << 60,
    ]
    private static let decimalExponents: [String: Int] = [
        "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]

    static func parse(_ text: String) -> Int128? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        var index = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        var mantissa: Int128 = 0
        var fractionDigits = 0
        var digits = 0
        var seenPoint = false
        while index < bytes.count {
            let b = bytes[index]
            if b >= 48 && b <= 57 {
                guard digits < 30 else { return nil }
                mantissa = mantissa * 10 + Int128(b - 48)
                digits += 1
                if seenPoint { fractionDigits += 1 }
            } else if b == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        let suffix = String(decoding: bytes[index...], as: UTF8.self)
        var exponent = -fractionDigits + 9
        var multiplier: Int128 = 1
        if let b = binary[suffix] {
            multiplier = b
        } else if let e = decimalExponents[suffix] {
            exponent += e
        } else if let first = suffix.first, first == "e" || first == "E",
                  let e = Int(suffix.dropFirst()), abs(e) <= 18
        {
            exponent += e
        } else {
            return nil
        }
        let (scaled, tooLarge) = mantissa.multipliedReportingOverflow(by: multiplier)
        if tooLarge { return nil }
        var value = scaled
        if exponent >= 0 {
            for _ in 0..<exponent {
                let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                value = next
            }
        } else if -exponent > 38 {
            // 10^39 does not fit in Int128, but it exceeds any 30-digit mantissa: rounds up to one nano-unit.
            value = value > 0 ? 1 : 0
        } else {
            var divisor: Int128 = 1
            for _ in 0..<(-exponent) { divisor *= 10 }
            value = value / divisor + (value % divisor == 0 ? 0 : 1)
        }
        return negative ? -value : value
    }
}
