import FairwayCore
@testable import FairwayDiff
import FairwayViews
import Testing

/// Replacing EKS managed node groups: a replacement is created as `<pool>-<hash>` beside the old
/// group, an interrupted replacement finishes on the next plan, groups are found by their pool tag,
/// and the plan binds the live groups by their own names.
@Suite struct NodeGroupReplaceTests {
    /// The desired group of node pool `pool`, tagged as a rendered one is.
    static func group(_ pool: String = "gpu", types: [JSONValue] = ["p5.48xlarge"], maxSize: Int64 = 4) -> NodeGroup {
        let create: JSONValue = [
            "clusterName": "c", "nodegroupName": .string(pool), "instanceTypes": .array(types),
            "scalingConfig": ["minSize": 0, "maxSize": .int(maxSize), "desiredSize": 0],
            "tags": [Ownership.managedByLabel: "fairway", NodeGroup.poolTag: .string(pool)],
        ]
        return NodeGroup(name: pool, sourcePath: "nodepools/\(pool).yaml", create: create, updateConfig: [:])
    }

    /// The group `create` made, as DescribeNodegroup reports it under `name`.
    static func live(_ group: NodeGroup, named name: String, modifiedAt: String = "1") -> JSONValue {
        guard case var .object(body) = group.create else { return group.create }
        body["nodegroupName"] = .string(name)
        body["status"] = "ACTIVE"
        body["modifiedAt"] = .string(modifiedAt)
        return .object(body)
    }

    static let old = group(types: ["p4d.24xlarge"])
    static let desired = group()
    static let newName = NodeGroupDiff.replacementName(for: desired)

    @Test func replacementNamesAreDeterministicAndFit() throws {
        #expect(Self.newName == NodeGroupDiff.replacementName(for: Self.group()))
        #expect(Self.newName.wholeMatch(of: /gpu-[0-9a-f]{8}/) != nil, "\(Self.newName)")
        #expect(Self.newName != NodeGroupDiff.replacementName(for: Self.old))
        // Only the fields that force a replacement count, and lists EKS keeps as sets in any order.
        #expect(Self.newName == NodeGroupDiff.replacementName(for: Self.group(maxSize: 9)))
        let two = NodeGroupDiff.replacementName(for: Self.group(types: ["p5.48xlarge", "p5e.48xlarge"]))
        #expect(two == NodeGroupDiff.replacementName(for: Self.group(types: ["p5e.48xlarge", "p5.48xlarge"])))

        let pool = String(repeating: "a-very-long-pool-name-", count: 4)
        let long = NodeGroupDiff.replacementName(for: Self.group(pool))
        #expect(long.count == 63)
        #expect(long.hasPrefix(String(pool.prefix(54))))
        #expect(long.dropFirst(54).wholeMatch(of: /-[0-9a-f]{8}/) != nil, "\(long)")
    }

    @Test(arguments: [true, false]) func aChangedInstanceTypeReplacesUnderANewName(prune: Bool) throws {
        let plans = NodeGroupDiff.plan(desired: [Self.desired], live: ["gpu": Self.live(Self.old, named: "gpu")], prune: prune)
        let replace = try #require(plans.first)
        #expect(plans.count == 1)
        #expect(replace.action == .replace)
        #expect(replace.name == "gpu")
        #expect(replace.liveName == "gpu")
        #expect(replace.newName == Self.newName)
        #expect(replace.fields.map(\.path) == ["instanceTypes"])
        #expect(replace.create?["nodegroupName"] == .string(Self.newName))
        #expect(replace.create?["tags"]?[NodeGroup.poolTag] == "gpu")
        #expect(replace.create?["instanceTypes"] == ["p5.48xlarge"])
    }

    @Test(arguments: [true, false]) func anInterruptedReplacementDeletesTheOldGroupOnly(prune: Bool) throws {
        let live = ["gpu": Self.live(Self.old, named: "gpu"), Self.newName: Self.live(Self.desired, named: Self.newName)]
        let plans = NodeGroupDiff.plan(desired: [Self.desired], live: live, prune: prune)
        #expect(plans.map(\.action) == [.delete])
        #expect(plans.first?.liveName == "gpu")
        #expect(plans.first?.name == "gpu")
        #expect(plans.first?.newName == nil)
        #expect(plans.first?.note == "left over from a replacement in node pool gpu")
    }

    @Test func aNewGroupThatEKSDescribesOtherwiseIsStillTheCurrentOne() {
        // The group carries the replacement's name, so it was created from these very fields.
        var described = Self.live(Self.desired, named: Self.newName)
        described = described.replacing(at: ["instanceTypes"]) { _ in ["p5.48xlarge", "p5.4xlarge"] }
        let plans = NodeGroupDiff.plan(desired: [Self.desired], live: ["gpu": Self.live(Self.old, named: "gpu"), Self.newName: described],
                                       prune: false)
        #expect(plans.map(\.action) == [.delete])
        #expect(plans.first?.liveName == "gpu")
    }

    @Test(arguments: [true, false]) func onlyTheNewGroupLeftIsNoChange(prune: Bool) {
        #expect(NodeGroupDiff.plan(desired: [Self.desired], live: [Self.newName: Self.live(Self.desired, named: Self.newName)],
                                   prune: prune).isEmpty)
    }

    @Test func aReplacedGroupIsUpdatedInPlaceUnderItsLiveName() throws {
        let live = [Self.newName: Self.live(Self.desired, named: Self.newName)]
        let plans = NodeGroupDiff.plan(desired: [Self.group(maxSize: 8)], live: live, prune: true)
        let update = try #require(plans.first)
        #expect(plans.map(\.action) == [.update])
        #expect(update.name == "gpu")
        #expect(update.liveName == Self.newName)
        #expect(update.newName == nil)
        #expect(update.update?["nodegroupName"] == .string(Self.newName))
        #expect(update.update?["scalingConfig"]?["maxSize"] == 8)
    }

    @Test(arguments: [true, false]) func withNoMatchingGroupThePoolsNamesakeIsReplaced(prune: Bool) {
        let other = Self.group(types: ["g6.xlarge"])
        let otherName = NodeGroupDiff.replacementName(for: other)
        let live = [otherName: Self.live(other, named: otherName), "gpu": Self.live(Self.old, named: "gpu")]
        let plans = NodeGroupDiff.plan(desired: [Self.desired], live: live, prune: prune)
        #expect(plans.map(\.action) == (prune ? [.replace, .delete] : [.replace]))
        #expect(plans.map(\.liveName) == (prune ? ["gpu", otherName] : ["gpu"]))
        #expect(plans.first?.newName == Self.newName)
    }

    @Test func groupsFairwayDoesNotOwnAreNeverDeleted() {
        var theirs = Self.live(Self.old, named: "gpu")
        theirs = theirs.replacing(at: ["tags"]) { _ in [:] }
        let live = [Self.newName: Self.live(Self.desired, named: Self.newName), "gpu": theirs, "cpu": theirs,
                    "batch": ["tags": [Ownership.managedByLabel: "fairway"]]]
        let plans = NodeGroupDiff.plan(desired: [Self.desired], live: live, prune: true)
        #expect(plans.map(\.action) == [.delete])
        #expect(plans.map(\.liveName) == ["batch"])
    }

    @Test func bindingsAreKeyedByLiveNames() throws {
        let live = ["gpu": Self.live(Self.old, named: "gpu", modifiedAt: "1"),
                    Self.newName: Self.live(Self.desired, named: Self.newName, modifiedAt: "2")]
        let cpu = Self.group("cpu", types: ["m7i.large"])
        func planned(_ live: [String: JSONValue]) -> Plan {
            var plan = Differ.plan(desired: [], tenantOf: [:], live: [], liveSerial: 0, revision: "r")
            Differ.addTargets(to: &plan, desiredNodeGroups: [Self.desired, cpu], liveNodeGroups: live, desiredReleases: [],
                              liveReleases: nil, options: DiffOptions(prune: false))
            return plan
        }
        let replacing = planned(["gpu": live["gpu"]!])
        #expect(replacing.bindings.nodeGroups == ["gpu": "1", "cpu": ""])
        let finishing = planned(live)
        #expect(finishing.bindings.nodeGroups == ["gpu": "1", Self.newName: "2", "cpu": ""])
        #expect(planned([Self.newName: live[Self.newName]!]).bindings.nodeGroups == [Self.newName: "2", "cpu": ""])

        // A plan saved before the new group appeared is stale once it has.
        let saved = SavedPlan(source: .init(repository: nil, directory: "/repo", revision: "r"), target: "t", maxDeletions: nil,
                              plan: replacing)
        #expect(saved.staleness(of: replacing).isEmpty)
        #expect(saved.staleness(of: replacing, target: "t").isEmpty)
        #expect(saved.staleness(of: replacing, target: "cluster prod") == ["the plan was made for t, not cluster prod"])
        #expect(saved.staleness(of: finishing) == ["changed since the plan: node group \(Self.newName):  -> 2"])
    }

    @Test func viewsNameTheLiveAndTheNewGroup() throws {
        let live = ["gpu": Self.live(Self.old, named: "gpu"), "gpu-0a1b2c3d": Self.live(Self.old, named: "gpu-0a1b2c3d"),
                    "cpu-0a1b2c3d": Self.live(Self.group("cpu"), named: "cpu-0a1b2c3d")]
        var plan = Plan(revision: "r", liveSerial: 0, changes: [], unchanged: 0, orphaned: [], blockers: [])
        plan.nodeGroups = NodeGroupDiff.plan(desired: [Self.desired, Self.group("cpu", maxSize: 8)], live: live, prune: true)
        let text = PlanView.text(plan, gpu: [], style: .plain)
        #expect(text.contains("""
              -/+ nodegroup/gpu (replaced by \(Self.newName): instanceTypes changed; the old group is deleted once the new one is active)
                  ~ instanceTypes: ["p4d.24xlarge"] -> ["p5.48xlarge"]
              - nodegroup/gpu-0a1b2c3d
                  left over from a replacement in node pool gpu

            """), "\(text)")
        #expect(text.contains("  ~ nodegroup/cpu-0a1b2c3d (node pool cpu, in place)\n"), "\(text)")
        #expect(text.contains("Plan: node groups: 0 to create, 1 to update, 1 to replace, 1 to delete."), "\(text)")

        let entries = try #require(PlanView.json(plan, gpu: [])["nodeGroups"]?.arrayValue)
        #expect(entries.first?.objectValue?.keys == ["name", "action", "liveName", "newName", "note", "fields"])
        #expect(entries.map { $0["liveName"] } == ["cpu-0a1b2c3d", "gpu", "gpu-0a1b2c3d"])
        #expect(entries.map { $0["newName"] } == [.null, .string(Self.newName), .null])
        #expect(entries.map { $0["note"] } == [.null, .null, "left over from a replacement in node pool gpu"])
        #expect(PlanView.markdown(plan, target: "t").contains("-/+ nodegroup/gpu (replaced by \(Self.newName)"))
    }
}
