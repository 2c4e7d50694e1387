import Testing
import FairwayCore
import FairwayDiff

/// With pruning off, Helm releases and node groups gone from Git are listed as left behind, like
/// objects: nothing planned, nothing silent.
@Suite struct LeftBehindTargetsTests {
    static let ownedTags: JSONValue = ["app.kubernetes.io/managed-by": "fairway", NodeGroup.poolTag: "gpu-old"]

    @Test func releasesAndNodeGroupsGoneFromGitAreLeftBehindWhenPruningIsOff() {
        let release = LiveRelease(name: "old-addon", namespace: "tools", chart: "old", version: "1.0.0", revision: 3,
                                  status: "deployed", values: [:], owned: true)
        let foreign = LiveRelease(name: "theirs", namespace: "tools", chart: "x", version: "1", revision: 1,
                                  status: "deployed", values: [:], owned: false)
        let groups: [String: JSONValue] = ["gpu-old": ["nodegroupName": "gpu-old", "tags": Self.ownedTags]]
        for prune in [false, true] {
            var plan = Plan(revision: "r", liveSerial: 0, changes: [], unchanged: 0, orphaned: [], blockers: [])
            Differ.addTargets(to: &plan, desiredNodeGroups: [], liveNodeGroups: groups, desiredReleases: [],
                              liveReleases: [release, foreign], options: DiffOptions(prune: prune))
            if prune {
                #expect(plan.orphanedTargets.isEmpty)
                #expect(plan.releases?.map(\.action) == [.uninstall])
                #expect(plan.nodeGroups?.map(\.action) == [.delete])
            } else {
                #expect(plan.orphanedTargets == ["nodegroup/gpu-old", "release/tools/old-addon"])
                #expect(plan.releases?.isEmpty == true && plan.nodeGroups?.isEmpty == true)
            }
        }
    }
}
