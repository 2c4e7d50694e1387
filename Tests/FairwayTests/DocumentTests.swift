import FairwayApply
import FairwayCore
@testable import FairwayDiff
@testable import FairwayFairness
@testable import FairwayAgent
import Logging
import Testing

/// Fairway's JSON documents (plan, saved plan, apply report, status) are `Codable` values: they
/// encode in their documented member order, read back to the same value, and a malformed file is
/// named by the member that is wrong.
@Suite struct DocumentTests {
    struct Ordered: Codable, Equatable {
        var zebra: Int
        var apple: String?
        var mango: Double
    }

    @Test func theEncoderKeepsMemberOrderAndWritesAbsentMembersAsNull() throws {
        let value = Ordered(zebra: 1, apple: nil, mango: 2.5)
        let json = try JSONValueEncoder().encode(value)
        #expect(json.objectValue?.keys == ["zebra", "apple", "mango"])
        #expect(json["apple"] == .null)
        #expect(JSONWriter.string(json) == #"{"zebra":1,"apple":null,"mango":2.5}"#)
        #expect(try JSONValueEncoder(absentMembers: .omitted).encode(value).objectValue?.keys == ["zebra", "mango"])
        #expect(try JSONValueDecoder().decode(Ordered.self, from: json) == value)
        #expect(throws: EncodingError.self) { try JSONValueEncoder().encode(Ordered(zebra: 1, apple: "a", mango: .infinity)) }
    }

    @Test func aDecodingErrorNamesTheMember() throws {
        let json = try JSONReader.parse(Array(#"{"zebra": 1, "apple": "a", "mango": "two"}"#.utf8))
        do {
            _ = try JSONValueDecoder().decode(Ordered.self, from: json)
            Issue.record("decoded a string as a number")
        } catch {
            #expect(JSONValueDecoder.describe(error) == "`mango`: expected a number (found a string)")
        }
        let list = try JSONReader.parse(Array(#"[{"zebra": 1.5, "mango": 1}]"#.utf8))
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode([Ordered].self, from: list) }
        do { _ = try JSONValueDecoder().decode([Ordered].self, from: list) } catch {
            #expect(JSONValueDecoder.describe(error) == "`[0].zebra`: expected an integer (found 1.5)")
        }
    }

    /// A plan with every kind of change, node groups, releases, a refusal and a GPU class.
    static func plan() -> (Plan, [ClassAllocation]) {
        let quota = ObjectKey(apiVersion: "v1", kind: "ResourceQuota", namespace: "research", name: "tenant-quota")
        let role = ObjectKey(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", namespace: nil, name: "viewer")
        var plan = Plan(revision: "abc", liveSerial: 7, changes: [
            Change(action: .update, key: quota, tenant: "research",
                   fields: [FieldChange(path: #"spec.hard["requests.cpu"]"#, before: "256", after: "300")], desired: ["kind": "ResourceQuota"],
                   adopted: true),
            Change(action: .delete, key: role, tenant: nil),
        ], unchanged: 4, orphaned: [role], blockers: [], maxDeletions: 0)
        plan.nodeGroups = [NodeGroupPlan(name: "gpu-a100", action: .update, fields: [FieldChange(path: "scalingConfig.maxSize", before: 4, after: 6)])]
        plan.releases = [ReleasePlan(name: "kueue", namespace: "kueue-system", action: .upgrade, chart: "kueue", versionBefore: "0.19.1",
                                     versionAfter: "0.19.2", fields: [])]
        plan.gpu = [GPUGuaranteeChange(tenant: "research", gpuClass: "a100", before: 8, after: 10)]
        let gpu = [ClassAllocation(gpuClass: "a100", capacity: 16, unit: "gpu", maxSharePercent: 75,
                                   tenants: [TenantAllocation(tenant: "research", guaranteed: 10, weight: 2, borrowingLimit: 4, lendingLimit: nil,
                                                              demand: 12, target: 11, predicted: PredictedBand(min: 10, max: 12))])]
        return (plan, gpu)
    }

    @Test func aPlanDocumentReadsBackAndKeepsItsDocumentedShape() throws {
        let (plan, gpu) = Self.plan()
        let document = PlanDocument(plan, gpu: gpu)
        let json = document.json
        #expect(json.objectValue?.keys == ["formatVersion", "revision", "liveSerial", "hasChanges", "canApply", "summary", "tenants", "refusals",
                                           "refusalCodes", "orphaned", "orphanedTargets", "changes", "gpu", "nodeGroups", "releases", "gpuChanges"])
        #expect(json["refusalCodes"] == ["too-many-deletions"] && json["canApply"] == false)
        #expect(json["changes"]?[0]?.objectValue?.keys == ["apiVersion", "kind", "namespace", "name", "action", "tenant", "adopted", "fields"])
        #expect(json["changes"]?[1]?.objectValue?.keys == ["apiVersion", "kind", "namespace", "name", "action", "tenant", "fields"])
        #expect(json["changes"]?[1]?["namespace"] == .null && json["changes"]?[1]?["tenant"] == .null)
        #expect(json["gpu"]?[0]?["tenants"]?[0]?["predicted"] == ["min": 10, "max": 12])
        #expect(json["gpuChanges"]?[0] == ["tenant": "research", "class": "a100", "guaranteedBefore": 8, "guaranteedAfter": 10])
        let text = JSONWriter.string(json, pretty: true)
        #expect(try JSONValueDecoder().decode(PlanDocument.self, from: try JSONReader.parse(Array(text.utf8))) == document)
        // Without EKS or Helm targets read, those members are null (not absent).
        var objectsOnly = plan
        objectsOnly.nodeGroups = nil
        objectsOnly.releases = nil
        #expect(PlanDocument(objectsOnly, gpu: []).json["nodeGroups"] == .null)
    }

    @Test func aSavedPlanReadsBackAndAMalformedOneIsNamed() throws {
        var (plan, gpu) = Self.plan()
        plan.bindings = PlanBindings(objects: [ObjectKey(apiVersion: "v1", kind: "ResourceQuota", namespace: "research", name: "tenant-quota"): "41"],
                                     nodeGroups: ["gpu-a100": "2026-12-01T00:00:00Z"], releases: ["kueue-system/kueue": 3])
        let saved = SavedPlan(source: .init(repository: "https://git.example/p.git", directory: nil, revision: "abc"), target: "cluster prod",
                              maxDeletions: 0, adopt: ["ResourceQuota/research/tenant-quota"], plan: plan, gpu: gpu)
        let bytes = JSONWriter.bytes(saved.json(), pretty: true)
        #expect(saved.json().objectValue?.keys == ["kind", "formatVersion", "source", "target", "maxDeletions", "adopt", "liveSerial",
                                                   "desiredDigest", "bindings", "plan"])
        let read = try SavedPlan.parse(bytes, path: "p.plan")
        #expect(read == saved)
        #expect(read.staleness(of: plan, target: "cluster prod").isEmpty)

        var text = JSONWriter.string(saved.json(), pretty: true)
        text = text.replacingOccurrences(of: #""resourceVersion": "41""#, with: #""resourceVersion": 41"#)
        #expect(throws: SavedPlanError.self) { try SavedPlan.parse(Array(text.utf8), path: "p.plan") }
        do { _ = try SavedPlan.parse(Array(text.utf8), path: "p.plan") } catch {
            #expect(error.description == "p.plan: the plan file is malformed: `bindings.objects[0].resourceVersion`: expected a string (found a number)")
        }
        let future = JSONWriter.string(saved.json()).replacingOccurrences(of: #""formatVersion":1"#, with: #""formatVersion":2"#)
        do { _ = try SavedPlan.parse(Array(future.utf8), path: "p.plan") } catch {
            #expect(error.description == "p.plan: plan format version 2 is not supported (this Fairway reads 1)")
        }
    }

    @Test func anApplyReportDocumentReadsBack() throws {
        let key = ObjectKey(apiVersion: "v1", kind: "ConfigMap", namespace: "research", name: "settings")
        let report = ApplyReport(revision: "abc", results: [
            AppliedChange(subject: .object(key), action: .update, outcome: .failed, error: "conflict",
                          conflicts: [.init(manager: "kubectl", field: "data.x")], stage: "objects", seconds: 0.12345),
            AppliedChange(subject: .nodeGroup("gpu-a100"), action: .replace, outcome: .applied, health: "ACTIVE"),
            AppliedChange(subject: .release("kueue-system/kueue"), action: .upgrade, outcome: .skipped),
        ], seconds: 1.23456)
        let document = ApplyReportDocument(report)
        let json = document.json
        #expect(json.objectValue?.keys == ["formatVersion", "revision", "succeeded", "applied", "failed", "skipped", "seconds", "results"])
        #expect(json["seconds"] == .double(1.235) && json["failed"] == 1 && json["succeeded"] == false)
        #expect(json["results"]?[0]?.objectValue?.keys == ["apiVersion", "kind", "namespace", "name", "action", "outcome", "error", "conflicts",
                                                          "stage", "seconds"])
        #expect(json["results"]?[1] == ["nodeGroup": "gpu-a100", "action": "replace", "outcome": "applied", "error": .null, "health": "ACTIVE"])
        #expect(json["results"]?[2]?["release"] == "kueue-system/kueue")
        #expect(try JSONValueDecoder().decode(ApplyReportDocument.self, from: json) == document)
    }

    @Test func theStatusIsAVersionedDocument() throws {
        var status = SyncStatus(repository: "r", ref: "main")
        status.record(SyncStatusTests.run(.applied, fetched: "aaa", reconciled: "aaa", report: ApplyReport(revision: "aaa", results: [])))
        let json = status.json
        #expect(json.objectValue?.keys.first == "formatVersion" && json["formatVersion"] == 1)
        #expect(json["leader"] == nil)
        #expect(try JSONValueDecoder().decode(SyncStatus.self, from: json) == status)
    }

    /// The agent publishes a run to its status store: the status document and an Event per source
    /// note, so a force-push of the followed branch shows in `kubectl get events`.
    @Test func theAgentReportsAForcePushAsAnEvent() async throws {
        let world = ReconcilerTests.World()
        let store = MemoryStatusStore()
        let agent = SyncAgent(configuration: .init(interval: .seconds(60), identity: "fairway-0"), reconciler: world.reconciler, store: store,
                              metrics: SyncMetrics(), elector: nil, repository: "r", ref: "main",
                              logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        await agent.publish(await world.run(.start))
        world.source.reset(to: world.source.push(ReconcilerTests.Platform.files(quotaCPU: "32"), parent: ""))
        let run = await world.run(.interval)
        await agent.publish(run)
        #expect(run.result == .applied)
        #expect(store.events.map(\.reason) == ["Applied", "SourceNote", "Applied"])
        #expect(store.events[1].type == "Warning" && store.events[1].message.contains("was force-pushed"))
        let status = try #require(try await store.read())
        #expect(status.lastAppliedCommit == world.head && status.leader == "fairway-0")
        #expect(status.lastRun?.sourceNotes.first?.contains("was force-pushed") == true)
    }
}
