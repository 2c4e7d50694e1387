import FairwayApply
import FairwayDiff
import Testing

/// A step's action is one closed set, the labels of `fairway_applied_changes_total{action}`: every
/// object, node group and release action has its place in it.
@Suite struct AppliedActionTests {
    @Test func everyPlannedActionIsAnAppliedAction() {
        let objects = Change.Action.allCases.map(AppliedChange.Action.init)
        let groups = [NodeGroupPlan.Action.create, .update, .replace, .delete].map(AppliedChange.Action.init)
        let releases = [ReleasePlan.Action.install, .upgrade, .uninstall].map(AppliedChange.Action.init)
        #expect(Set(objects + groups + releases) == Set(AppliedChange.Action.allCases))
        #expect(objects.map(\.rawValue) == Change.Action.allCases.map(\.rawValue))
    }
}
