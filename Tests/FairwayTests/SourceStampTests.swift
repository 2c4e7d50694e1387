import Testing
import FairwayCore
import FairwayDiff

/// The text comparison a plan against the local state uses to skip parsing unchanged objects: equal
/// but for the source annotation's `@revision` stamp, and nothing else.
@Suite struct SourceStampTests {
    private static func body(source: String?, data: String = "v", nested: String? = nil) -> JSONValue {
        let annotations: JSONValue = source.map { ["team": "a", Ownership.sourceAnnotation: .string($0)] } ?? ["team": "a"]
        let metadata: JSONValue = ["name": "cfg", "namespace": "ns", "annotations": annotations]
        guard let nested else {
            return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": ["k": .string(data)]]
        }
        let template: JSONValue = ["metadata": ["annotations": [Ownership.sourceAnnotation: .string(nested)]]]
        return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": ["k": .string(data)],
                "spec": ["template": template]]
    }

    private static func bytes(_ value: JSONValue) -> [UInt8] { JSONWriter.canonicalBytes(value) }

    @Test func canonicalBytesAreTheSortedTreesBytes() {
        let value = Self.body(source: "tenants/a.yaml", nested: "x")
        #expect(JSONWriter.canonicalBytes(value) == JSONWriter.bytes(value.sortedRecursively()))
    }

    @Test func aStampedCopyMatchesAndGivesTheStoredValue() {
        let desired = Self.bytes(Self.body(source: "tenants/a.yaml"))
        let stored = Self.bytes(Self.body(source: "tenants/a.yaml@0123abcd"))
        #expect(SourceStamp.match(stored: stored, desired: desired) == "tenants/a.yaml@0123abcd")
        #expect(SourceStamp.match(stored: desired, desired: desired) == "tenants/a.yaml")
        let restored = SourceStamp.setting("tenants/a.yaml@0123abcd", in: Self.body(source: "tenants/a.yaml"))
        #expect(Self.bytes(restored) == stored)
    }

    @Test func anyOtherDifferenceDoesNotMatch() {
        let desired = Self.bytes(Self.body(source: "tenants/a.yaml"))
        #expect(SourceStamp.match(stored: Self.bytes(Self.body(source: "tenants/a.yaml@r", data: "w")), desired: desired) == nil)
        #expect(SourceStamp.match(stored: Self.bytes(Self.body(source: "tenants/b.yaml@r")), desired: desired) == nil)
        #expect(SourceStamp.match(stored: Self.bytes(Self.body(source: "tenants/a.yamlx")), desired: desired) == nil)
        #expect(SourceStamp.match(stored: Self.bytes(Self.body(source: nil)), desired: desired) == nil)
        // The same bytes but one value longer after the stamp's place: lengths differ.
        #expect(SourceStamp.match(stored: Self.bytes(Self.body(source: "tenants/a.yaml@r", data: "vv")), desired: desired) == nil)
    }

    @Test func aSecondSourceAnnotationIsLeftToTheFullComparison() {
        let desired = Self.bytes(Self.body(source: "tenants/a.yaml", nested: "x"))
        let stored = Self.bytes(Self.body(source: "tenants/a.yaml", nested: "x@r"))
        #expect(SourceStamp.match(stored: stored, desired: desired) == nil)
        #expect(SourceStamp.match(stored: desired, desired: desired) == nil)
    }

    @Test func anObjectWithoutSourceMatchesOnlyWhenEqual() {
        let desired = Self.bytes(Self.body(source: nil))
        #expect(SourceStamp.match(stored: desired, desired: desired) == "")
        #expect(SourceStamp.match(stored: Self.bytes(Self.body(source: nil, data: "w")), desired: desired) == nil)
    }

    @Test func shortAndTruncatedBytesNeverReadOutOfBounds() {
        let needle = Array("\"\(Ownership.sourceAnnotation)\":\"".utf8)
        #expect(SourceStamp.match(stored: [], desired: []) == "")
        #expect(SourceStamp.match(stored: Array("{}".utf8), desired: []) == nil)
        #expect(SourceStamp.match(stored: [], desired: Array("{}".utf8)) == nil)
        // The annotation's key at the very end, its value cut off.
        #expect(SourceStamp.match(stored: needle, desired: needle) == nil)
        #expect(SourceStamp.match(stored: needle + Array("x@r".utf8), desired: needle + Array("x".utf8)) == nil)
    }

    @Test func aQuoteInsideAStringIsNotTheAnnotation() {
        let tricky: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"],
                                 "data": ["k": .string("\"\(Ownership.sourceAnnotation)\":\"x")]]
        #expect(SourceStamp.match(stored: Self.bytes(tricky), desired: Self.bytes(tricky)) == "")
    }
}
