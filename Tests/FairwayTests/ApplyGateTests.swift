import FairwayAgent
import FairwayApply
import FairwayCore
import FairwayDiff
import FairwayPipeline
import Testing

/// The one gate between a plan and its apply, shared by `fairway apply` and the sync agent.
@Suite struct ApplyGateTests {
    static let namespace = ObjectKey(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "vision")

    static func plan(changes: [Change] = [Change(action: .delete, key: namespace, tenant: "vision")],
                     blockers: [Refusal] = [], maxDeletions: Int? = nil) -> Plan {
        Plan(revision: "r", liveSerial: 0, changes: changes, unchanged: 0, orphaned: [], blockers: blockers, maxDeletions: maxDeletions)
    }

    static let busy = BusyNamespace(name: "vision", rayJobs: ["train"], notebooks: [])

    @Test func refusalsComeFirstAndTheNamespacesAreNotLookedAt() async {
        let looked = Locked(false)
        let decision = await ApplyGate.decide(Self.plan(maxDeletions: 0)) {
            looked.withLock { $0 = true }
            return [Self.busy]
        }
        #expect(decision == .refused([.tooManyDeletions(1, limit: 0)]))
        #expect(!looked.withLock { $0 })
        #expect(ApplyGate.decide(Self.plan(blockers: [Refusal(.unownedObject, "x")])) == .refused([Refusal(.unownedObject, "x")]))
    }

    @Test func anEmptyPlanHasNothingToDo() async {
        let decision = await ApplyGate.decide(Self.plan(changes: [])) { throw PlantedFailure(description: "not called") }
        #expect(decision == .nothingToDo)
        #expect(ApplyGate.decide(Self.plan(changes: [])) == .nothingToDo)
    }

    @Test func busyNamespacesNeedConfirmationUnlessConfirmed() async {
        #expect(await ApplyGate.decide(Self.plan()) { [Self.busy] } == .needsConfirmation([Self.busy]))
        #expect(await ApplyGate.decide(Self.plan(), confirmed: ["vision"]) { [Self.busy] } == .apply)
        #expect(await ApplyGate.decide(Self.plan()) { [] } == .apply)
        let refusals = [Self.busy].map(\.refusal)
        #expect(refusals.map(\.code) == [.busyNamespace])
        #expect(refusals[0].message == "the plan deletes namespace vision: 1 running RayJob(s) (train); nothing was changed (confirm with --confirm-delete-namespace vision)")
    }

    @Test func aFailedCheckChangesNothing() async {
        let decision = await ApplyGate.decide(Self.plan()) { throw PlantedFailure(description: "connection refused") }
        #expect(decision == .cannotCheck("cannot check the namespaces the plan deletes for running work: connection refused"))
    }
}
