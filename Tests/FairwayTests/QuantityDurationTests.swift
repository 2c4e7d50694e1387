import Testing
@testable import FairwayCore

/// Kubernetes quantities and Go durations.
@Suite struct QuantityDurationTests {
    // MARK: Quantity

    @Test(arguments: [
        ("1000m", "1"),
        ("1Gi", "1024Mi"),
        ("1Mi", "1024Ki"),
        ("1Ki", "1024"),
        ("0.5", "500m"),
        (".5", "500m"),
        ("2e3", "2k"),
        ("2E3", "2000"),
        ("1e-3", "1m"),
        ("1.5Gi", "1536Mi"),
        ("1.5", "1500m"),
        ("1M", "1000k"),
        ("1G", "1000M"),
        ("1T", "1000G"),
        ("1P", "1000T"),
        ("1E", "1000P"),
        ("1Ti", "1024Gi"),
        ("1Pi", "1024Ti"),
        ("1Ei", "1024Pi"),
        ("1m", "1000u"),
        ("1u", "1000n"),
        ("+3", "3"),
        ("0", "0m"),
        ("0.000000001", "1n"),
        ("100", "0.1k"),
    ])
    func equalQuantities(a: String, b: String) throws {
        let qa = try #require(Quantity(a)), qb = try #require(Quantity(b))
        #expect(qa == qb)
        #expect(qa.hashValue == qb.hashValue)
        #expect(qa.text == a)
        #expect(qa.description == a)
    }

    @Test(arguments: [("1", "1001m"), ("1G", "1Gi"), ("1k", "1Ki"), ("999m", "1"), ("-1", "0")])
    func orderedQuantities(smaller: String, larger: String) throws {
        let a = try #require(Quantity(smaller)), b = try #require(Quantity(larger))
        #expect(a < b)
        #expect(a != b)
    }

    @Test(arguments: [
        ("1", Int128(1_000_000_000)),
        ("500m", 500_000_000),
        ("1Gi", Int128(1 << 30) * 1_000_000_000),
        ("1.5Gi", Int128(3 << 29) * 1_000_000_000),
        ("1n", 1),
        ("-2", -2_000_000_000),
        ("2e3", 2_000_000_000_000),
    ])
    func nanos(text: String, expected: Int128) throws {
        #expect(try #require(Quantity(text)).nanos == expected)
    }

    @Test func fractionsBelowNanoRoundUp() throws {
        // 0.1n is rounded up to 1n, as Kubernetes rounds.
        #expect(try #require(Quantity("0.0000000001")).nanos == 1)
        #expect(try #require(Quantity("1.0000000001")).nanos == 1_000_000_001)
    }

    @Test(arguments: [
        "", "abc", "1Gb", "--1", "-", "+", ".", "1..5", "1.2.3", "Gi", "1 Gi", " 1", "1 ", "1gi", "1K", "1e", "1e1.5",
        "1ee3", "1e19", "0x10", "1,5", "1Gi1", "1mi", "∞", "1٣",
    ])
    func invalidQuantities(text: String) {
        #expect(Quantity(text) == nil)
    }

    @Test(arguments: [
        String(repeating: "9", count: 30) + "Ei",
        String(repeating: "9", count: 30) + "Gi",
        String(repeating: "9", count: 30) + "E",
        String(repeating: "9", count: 30) + "e18",
        String(repeating: "9", count: 31),
        String(repeating: "1", count: 65),
    ])
    func hugeQuantitiesAreRejectedNotCrashing(text: String) {
        #expect(Quantity(text) == nil)
    }

    @Test func tinyQuantitiesRoundUpWithoutCrashing() throws {
        // 30 digits after the point and e-18: 10^-48 units, far below a nano.
        let tiny = "." + String(repeating: "0", count: 29) + "1e-18"
        #expect(try #require(Quantity(tiny)).nanos == 1)
        let zero = "." + String(repeating: "0", count: 30) + "e-18"
        #expect(try #require(Quantity(zero)).nanos == 0)
        // 30 fraction digits times 2^30 lands just under Int128.max before rounding up by 10^21.
        let nearLimit = ".158456325028528675187087900671Gi"
        #expect(try #require(Quantity(nearLimit)).nanos == 170_141_183_460_469_232)
    }

    @Test(arguments: [
        ("1", Int128(1)), ("1000m", 1), ("1001m", 2), ("1.5", 2), ("500m", 1), ("0", 0), ("1n", 1), ("4", 4),
        ("2k", 2000), ("1Ki", 1024), ("0.999999999", 1), ("8.000000001", 9),
    ])
    func wholeUnitsRoundUp(text: String, expected: Int128) throws {
        let q = try #require(Quantity(text))
        #expect(q.wholeUnits == expected)
        #expect(q.isWhole == (q.nanos % 1_000_000_000 == 0))
    }

    @Test func wholenessAndMilliValue() throws {
        #expect(try #require(Quantity("2000m")).isWhole)
        #expect(try !#require(Quantity("1500m")).isWhole)
        #expect(try #require(Quantity("1500m")).milliValue == 1500)
        #expect(try #require(Quantity("1n")).milliValue == 1)
        #expect(Quantity(integer: 7) == Quantity("7"))
        #expect(Quantity(integer: 7).text == "7")
        #expect(Quantity(integer: 7).wholeUnits == 7)
    }

    // MARK: GoDuration

    @Test(arguments: [
        ("90s", Int64(90_000_000_000)),
        ("15m", 900_000_000_000),
        ("1h30m", 5_400_000_000_000),
        ("1h", 3_600_000_000_000),
        ("500ms", 500_000_000),
        ("0", 0),
        ("0s", 0),
        ("1.5h", 5_400_000_000_000),
        ("2m30s", 150_000_000_000),
        ("1h1m1s1ms1us1ns", 3_661_001_001_001),
        ("10µs", 10_000),
        ("250ns", 250),
    ])
    func validDurations(text: String, nanoseconds: Int64) throws {
        let d = try #require(GoDuration(text))
        #expect(d.nanoseconds == nanoseconds)
        #expect(d.text == text)
        #expect(d.seconds == Double(nanoseconds) / 1e9)
    }

    @Test(arguments: ["5", "1d", "", "s", "h1", "1x", "1 h", "1h 30m", "1.2.3s", "1hh", "ms", "1w", "abc", "1e3s", "1S"])
    func invalidDurations(text: String) {
        #expect(GoDuration(text) == nil)
    }

    @Test func durationsOrderByLength() throws {
        let a = try #require(GoDuration("90s")), b = try #require(GoDuration("1h"))
        let c = try #require(GoDuration("1m30s"))
        #expect(a < b)
        #expect(!(a < c) && !(c < a))
        #expect(a.nanoseconds == c.nanoseconds)
    }
}
