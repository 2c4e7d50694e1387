import Testing
import FairwayCore
@testable import FairwayDiff

/// A plan made with a `DiffMemo` must equal the plan made without one, whatever changed between
/// plans, and must compare again exactly the objects whose desired or live body changed.
@Suite struct DiffMemoTests {
    private static func configMap(_ name: String, _ value: String, owned: Bool = true) -> Manifest {
        var labels = JSONObject()
        if owned { labels[Ownership.managedByLabel] = .string(Ownership.managedByValue) }
        let body: JSONValue = .object(JSONObject([
            ("apiVersion", "v1"), ("kind", "ConfigMap"),
            ("metadata", .object(JSONObject([("name", .string(name)), ("namespace", "team-a"), ("labels", .object(labels))]))),
            ("data", ["value": .string(value)]),
        ]))
        return Manifest(body: body)!
    }

    private static func plan(_ desired: [Manifest], _ live: [Manifest], memo: DiffMemo?) -> Plan {
        Differ.plan(desired: desired, tenantOf: [:], live: live, liveSerial: 1, revision: "r", memo: memo)
    }

    @Test func memoisedPlansEqualFreshPlansAndReuseOnlyUnchangedPairs() {
        let memo = DiffMemo()
        var desired = (0..<20).map { Self.configMap("cm-\($0)", "v\($0)") }
        var live = desired.map { Self.configMap($0.key.name, "v\($0.key.name.dropFirst(3))") }
        live[3] = Self.configMap("cm-3", "old")
        live.append(Self.configMap("gone", "x"))

        let first = Self.plan(desired, live, memo: memo)
        #expect(first == Self.plan(desired, live, memo: nil))
        #expect(first.changes.map(\.key.name) == ["cm-3", "gone"])
        #expect(memo.lastPlan.compared == 20 && memo.lastPlan.reused == 0)

        // Nothing changed: every comparison is reused, and the plan is the same.
        #expect(Self.plan(desired, live, memo: memo) == first)
        #expect(memo.lastPlan.compared == 0 && memo.lastPlan.reused == 20)

        // One desired body and one live body change: exactly those two are compared again.
        desired[5] = Self.configMap("cm-5", "new")
        live[7] = Self.configMap("cm-7", "drifted")
        let second = Self.plan(desired, live, memo: memo)
        #expect(second == Self.plan(desired, live, memo: nil))
        #expect(second.changes.map(\.key.name) == ["cm-3", "cm-5", "cm-7", "gone"])
        #expect(memo.lastPlan.compared == 2 && memo.lastPlan.reused == 18)

        // An equal but separately built body is compared (identity, not equality, is reused).
        desired[0] = Self.configMap("cm-0", "v0")
        #expect(Self.plan(desired, live, memo: memo) == second)
        #expect(memo.lastPlan.compared == 1)

        // A live object taken over by someone else is refused, not reused as unchanged.
        live[1] = Self.configMap("cm-1", "v1", owned: false)
        let third = Self.plan(desired, live, memo: memo)
        #expect(third == Self.plan(desired, live, memo: nil))
        #expect(!third.canApply)
    }

    @Test func forgetsObjectsNoLongerDesired() {
        let memo = DiffMemo()
        let desired = (0..<10).map { Self.configMap("cm-\($0)", "v") }
        _ = Self.plan(desired, desired, memo: memo)
        #expect(memo.count == 10)
        _ = Self.plan(Array(desired.prefix(4)), desired, memo: memo)
        #expect(memo.count == 4)
    }

    @Test func identityIsSharedStorageNotEquality() {
        let a: JSONValue = ["k": "v"]
        let copy = a
        let rebuilt: JSONValue = ["k": "v"]
        #expect(a.isIdentical(to: copy))
        #expect(!a.isIdentical(to: rebuilt) && a == rebuilt)
        #expect(!JSONValue.string("x").isIdentical(to: .string("x")))
    }
}
