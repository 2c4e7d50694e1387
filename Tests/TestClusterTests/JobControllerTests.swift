import FairwayTestSupport
import FairwayCore
import Foundation
import Testing
@testable import FairwayTestCluster

/// The Job controller's model (`StoreState+Jobs`): a Job runs to completion in status writes of its
/// own that watches see, a suspended Job waits to be resumed, and dry runs, finished Jobs and a cluster
/// without workload simulation are left alone. Then the real kubectl waits for a Job, and the real helm
/// installs a chart whose pre-install hook is a Job.
@Suite struct JobControllerTests {
    let api = APIHarness()
    let jobs = "/apis/batch/v1/namespaces/default/jobs"

    static func job(_ name: String, spec extra: JSONObject = JSONObject()) -> JSONValue {
        var spec: JSONObject = [("template", ["spec": ["restartPolicy": "Never",
                                                       "containers": [["name": "main", "image": "busybox"]]]])]
        for (key, value) in extra { spec[key] = value }
        return .object([("apiVersion", "batch/v1"), ("kind", "Job"), ("metadata", .object([("name", .string(name))])),
                        ("spec", .object(spec))])
    }

    /// Reads watch lines until `count` events arrived.
    func events(_ query: [String: String] = [:], count: Int, while action: () async -> Void) async -> [JSONValue] {
        let response = await api.server.handle(APIRequest(method: "GET", path: jobs, query: query.merging(["watch": "true"]) { $1 }))
        guard case let .stream(chunks) = response.body else { return [] }
        await action()
        var result: [JSONValue] = []
        for await chunk in chunks {
            if let event = try? JSONReader.parse(chunk) { result.append(event) }
            if result.count >= count { break }
        }
        return result
    }

    /// The `index`th event, if there is one.
    static func at(_ events: [JSONValue], _ index: Int) -> JSONValue? { events.indices.contains(index) ? events[index] : nil }

    static func conditions(_ job: JSONValue?) -> [String] {
        (job?["status"]?["conditions"]?.arrayValue ?? []).map {
            "\($0["type"]?.stringValue ?? "")=\($0["status"]?.stringValue ?? "") \($0["reason"]?.stringValue ?? "")"
        }
    }

    @Test func aCreatedJobStartsThenCompletesInWatchEvents() async {
        var created = APIHarness.Answer(status: 0, body: .null, headers: [])
        let seen = await events(count: 3) { created = await api.call("POST", jobs, body: Self.job("once")) }
        #expect(created.status == 201)
        #expect(created.body["status"] == nil, "the create answer is the Job before its controller ran")
        #expect(seen.compactMap { $0["type"]?.stringValue } == ["ADDED", "MODIFIED", "MODIFIED"])
        let versions = seen.compactMap { $0["object"]?["metadata"]?["resourceVersion"]?.stringValue }.compactMap { Int($0) }
        #expect(versions.count == 3 && versions == versions.sorted() && Set(versions).count == 3, "\(versions)")

        let started = Self.at(seen, 1)?["object"]?["status"]
        #expect(started?["startTime"]?.stringValue?.isEmpty == false)
        #expect(started?["active"] == 1 && started?["ready"] == 0 && started?["terminating"] == 0)
        #expect(started?["uncountedTerminatedPods"] == .object(JSONObject()))
        #expect(started?["succeeded"] == nil && started?["completionTime"] == nil)

        let finished = Self.at(seen, 2)?["object"]
        #expect(finished?["status"]?["succeeded"] == 1)
        #expect(finished?["status"]?["active"] == nil)
        #expect(finished?["status"]?["startTime"] == started?["startTime"])
        #expect(finished?["status"]?["completionTime"]?.stringValue?.isEmpty == false)
        #expect(Self.conditions(finished) == ["SuccessCriteriaMet=True CompletionsReached", "Complete=True CompletionsReached"])
        #expect(finished?["status"]?["conditions"]?[1]?["message"] == "Reached expected number of succeeded pods")

        let read = await api.call("GET", jobs + "/once")
        #expect(read.body == finished)
        #expect(read.body["metadata"]?["generation"] == 1, "status writes leave the generation alone")
    }

    @Test(arguments: [
        // completions, parallelism, completionMode -> active while running, succeeded, completedIndexes
        (nil, nil, nil, 1, 1, nil),
        (3, 5, nil, 3, 3, nil),
        (5, 2, "Indexed", 2, 5, "0-4"),
        (2, nil, "Indexed", 1, 2, "0,1"),
        (1, nil, "Indexed", 1, 1, "0"),
    ] as [(Int?, Int?, String?, Int, Int, String?)])
    func completionsParallelismAndIndexes(completions: Int?, parallelism: Int?, mode: String?, active: Int, succeeded: Int,
                                          indexes: String?) async {
        var spec = JSONObject()
        if let completions { spec["completions"] = .int(Int64(completions)) }
        if let parallelism { spec["parallelism"] = .int(Int64(parallelism)) }
        if let mode { spec["completionMode"] = .string(mode) }
        let seen = await events(count: 3) { await api.call("POST", jobs, body: Self.job("sized", spec: spec)) }
        #expect(Self.at(seen, 1)?["object"]?["status"]?["active"] == .int(Int64(active)))
        let status = Self.at(seen, 2)?["object"]?["status"]
        #expect(status?["succeeded"] == .int(Int64(succeeded)))
        #expect(status?["completedIndexes"] == indexes.map(JSONValue.string))
    }

    @Test func aSuspendedJobStaysUnstartedUntilResumed() async {
        let created = await api.call("POST", jobs, body: Self.job("held", spec: [("suspend", true)]))
        #expect(created.status == 201)
        let held = await api.call("GET", jobs + "/held")
        #expect(Self.conditions(held.body) == ["Suspended=True JobSuspended"])
        #expect(held.body["status"]?["startTime"] == nil && held.body["status"]?["succeeded"] == nil)
        // Other changes to a suspended Job do not start it, nor write its status again.
        await api.call("PATCH", jobs + "/held", body: ["metadata": ["labels": ["kueue.x-k8s.io/queue-name": "research"]]],
                       contentType: "application/merge-patch+json")
        let relabelled = await api.call("GET", jobs + "/held")
        #expect(relabelled.body["status"] == held.body["status"])

        // Kueue admits it by clearing suspend.
        let seen = await events(["fieldSelector": "metadata.name=held"], count: 4) {
            await api.call("PATCH", jobs + "/held", body: ["spec": ["suspend": false]], contentType: "application/merge-patch+json")
        }
        #expect(seen.compactMap { $0["type"]?.stringValue } == ["ADDED", "MODIFIED", "MODIFIED", "MODIFIED"])
        #expect(Self.conditions(Self.at(seen, 2)?["object"]) == ["Suspended=False JobResumed"])
        let resumed = Self.at(seen, 3)?["object"]
        #expect(Self.conditions(resumed) == ["Suspended=False JobResumed", "SuccessCriteriaMet=True CompletionsReached",
                                             "Complete=True CompletionsReached"])
        #expect(resumed?["status"]?["startTime"] != nil && resumed?["status"]?["succeeded"] == 1)
    }

    @Test func dryRunsFinishedJobsAndNoSimulationAreLeftAlone() async {
        let dry = await api.call("POST", jobs, ["dryRun": "All"], body: Self.job("dry"))
        #expect(dry.status == 201 && dry.body["status"] == nil)
        #expect(await api.call("GET", jobs + "/dry").status == 404)

        // A test may write a failed Job's status itself; the controller leaves a finished Job alone.
        await api.call("POST", jobs, body: Self.job("failing", spec: [("suspend", true)]))
        let failed: JSONValue = ["status": ["failed": 1, "conditions": [["type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"]]]]
        let written = await api.call("PATCH", jobs + "/failing/status", body: failed, contentType: "application/merge-patch+json")
        #expect(written.status == 200, "\(written.body)")
        await api.call("PATCH", jobs + "/failing", body: ["spec": ["suspend": false]], contentType: "application/merge-patch+json")
        let read = await api.call("GET", jobs + "/failing")
        #expect(read.body["status"]?["succeeded"] == nil && read.body["status"]?["startTime"] == nil)
        #expect(Self.conditions(read.body).contains("Failed=True BackoffLimitExceeded"))

        let plain = APIHarness(APIServer(store: ObjectStore(simulateWorkloads: false)))
        await plain.call("POST", jobs, body: Self.job("still"))
        #expect(await plain.call("GET", jobs + "/still").body["status"] == nil)
    }

    @Test(.enabled(if: Tools.installed("kubectl"), "needs kubectl (bash scripts/setup)"))
    func kubectlWaitsForCompletionAndForResumption() async throws {
        try await ClusterProcess.with { cluster in
            let kubectl = cluster.sandbox
            let file = try kubectl.write("jobs.yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: once}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
                ---
                apiVersion: batch/v1
                kind: Job
                metadata: {name: held}
                spec:
                  suspend: true
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
                """)
            let applied = try await kubectl.kubectl(["apply", "--server-side", "-f", file])
            #expect(applied.status == 0, "\(applied)")
            let complete = try await kubectl.kubectl(["wait", "--for=condition=complete", "job/once", "--timeout=60s"])
            #expect(complete.status == 0, "\(complete)")
            let succeeded = try await kubectl.kubectl(["get", "job", "once", "-o", "jsonpath={.status.succeeded}"])
            #expect(succeeded.stdout == "1", "\(succeeded)")
            let suspended = try await kubectl.kubectl(["wait", "--for=condition=suspended", "job/held", "--timeout=60s"])
            #expect(suspended.status == 0, "\(suspended)")
            let notStarted = try await kubectl.kubectl(["get", "job", "held", "-o", "jsonpath={.status.startTime}"])
            #expect(notStarted.status == 0 && notStarted.stdout.isEmpty, "\(notStarted)")

            let resumed = try await kubectl.kubectl(["patch", "job", "held", "--type", "merge", "-p", #"{"spec":{"suspend":false}}"#])
            #expect(resumed.status == 0, "\(resumed)")
            let done = try await kubectl.kubectl(["wait", "--for=condition=complete", "job/held", "--timeout=60s"])
            #expect(done.status == 0, "\(done)")
        }
    }

    @Test(.enabled(if: Tools.installed("helm", "kubectl"), "needs helm and kubectl (bash scripts/setup)"))
    func helmInstallsAChartWithAPreInstallHookJob() async throws {
        try await ClusterProcess.with { cluster in
            let sandbox = cluster.sandbox
            try sandbox.write("hooked/Chart.yaml", "apiVersion: v2\nname: hooked\nversion: 0.1.0\n")
            try sandbox.write("hooked/templates/config.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: "{{ .Release.Name }}-config"}
                data: {ready: "yes"}
                """)
            try sandbox.write("hooked/templates/hook.yaml", """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: "{{ .Release.Name }}-awaiter"
                  annotations:
                    "helm.sh/hook": pre-install,pre-upgrade
                    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: await, image: busybox}]
                """)
            let installed = try await sandbox.helm(["install", "demo", "./hooked", "--wait", "--timeout", "120s"])
            #expect(installed.status == 0, "\(installed)")
            let upgraded = try await sandbox.helm(["upgrade", "demo", "./hooked", "--wait", "--timeout", "120s"])
            #expect(upgraded.status == 0, "\(upgraded)")
            let status = try JSONReader.parse(try await sandbox.helm(["status", "demo", "-o", "json"]).stdout)
            #expect(status["info"]?["status"] == "deployed")
            // The hook ran to completion (helm waited for it, on the revision of the upgrade too), and was
            // then deleted, as its policy asks.
            let hook = status["hooks"]?.arrayValue?.first { $0["name"] == "demo-awaiter" }
            #expect(hook?["kind"] == "Job" && hook?["last_run"]?["phase"] == "Succeeded", "\(status["hooks"] ?? .null)")
            let left = try await sandbox.kubectl(["get", "jobs", "-o", "name"])
            #expect(left.status == 0 && left.stdout.isEmpty, "\(left)")
        }
    }
}
