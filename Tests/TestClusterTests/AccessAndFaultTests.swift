import FairwayCore
import Foundation
import Testing
@testable import FairwayTestCluster

/// Bearer tokens (401, 403), fault injection (status, 429 with Retry-After, latency, dropped
/// connections), the request log, and the admin endpoint.
@Suite struct AccessAndFaultTests {
    @Test func tokensAuthenticateAndLimitVerbs() async {
        let api = APIHarness(APIServer(authorizer: Authorizer(tokens: ["root": .admin(), "look": .readOnly()])))
        let anonymous = await api.call("GET", "/api/v1/namespaces")
        #expect(anonymous.status == 401)
        #expect(anonymous.reason == "Unauthorized")
        #expect(await api.call("GET", "/version", headers: ["authorization": "Bearer wrong"]).status == 401)
        #expect(await api.call("GET", "/api/v1/namespaces", headers: ["authorization": "Bearer look"]).status == 200)
        let denied = await api.call("POST", "/api/v1/namespaces/default/configmaps", body: APIHarness.configMap("x"),
                                    headers: ["authorization": "Bearer look"])
        #expect(denied.status == 403)
        #expect(denied.reason == "Forbidden")
        #expect(denied.message == "configmaps is forbidden: User \"reader\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"default\"")
        let deleteDenied = await api.call("DELETE", "/apis/apps/v1/namespaces/default/deployments/web", headers: ["authorization": "Bearer look"])
        #expect(deleteDenied.message == "deployments.apps \"web\" is forbidden: User \"reader\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"default\"")
        #expect(await api.call("POST", "/api/v1/namespaces/default/configmaps", body: APIHarness.configMap("x"),
                               headers: ["authorization": "Bearer root"]).status == 201)
        #expect(await api.call("GET", "/fairway-admin/requests", headers: ["authorization": "Bearer look"]).status == 403)
    }

    @Test func faultsFireByVerbAndPathAndAreLogged() async {
        let api = APIHarness()
        api.server.faults.add(FaultRule(verb: "list", pathPrefix: "/api/v1/namespaces/default/configmaps", times: 1, effect: .status(503)))
        let failed = await api.call("GET", "/api/v1/namespaces/default/configmaps")
        #expect(failed.status == 503)
        #expect(failed.reason == "ServiceUnavailable")
        #expect(await api.call("GET", "/api/v1/namespaces/default/configmaps").status == 200)
        #expect(await api.call("GET", "/api/v1/namespaces/default/secrets").status == 200)

        api.server.faults.add(FaultRule(verb: "POST", effect: .tooManyRequests(retryAfterSeconds: 3)))
        let throttled = await api.call("POST", "/api/v1/namespaces/default/configmaps", body: APIHarness.configMap("t"))
        #expect(throttled.status == 429)
        #expect(throttled.header("Retry-After") == "3")
        #expect(throttled.body["details"]?["retryAfterSeconds"] == 3)
        api.server.faults.removeAll()

        api.server.faults.add(FaultRule(pathPrefix: "/version", effect: .latency(milliseconds: 120)))
        let started = ContinuousClock.now
        #expect(await api.call("GET", "/version").status == 200)
        #expect(ContinuousClock.now - started >= .milliseconds(120))
        api.server.faults.add(FaultRule(verb: "get", effect: .dropConnection))
        #expect(await api.call("GET", "/api/v1/namespaces/default").dropped)

        let log = api.server.requestLog.all
        #expect(log.map(\.verb) == ["list", "list", "list", "create", "discovery", "get"])
        #expect(log.map(\.fault) == ["status", nil, nil, "429", "latency", "drop"])
        #expect(log[0].status == 503)
    }

    @Test func oneFailurePerRequestAndOnlyTheDecidingRuleCounts() async {
        let api = APIHarness()
        // Both rules match every request; the second fires only once the first is spent.
        api.server.faults.add(FaultRule(times: 1, effect: .status(500)))
        api.server.faults.add(FaultRule(times: 1, effect: .tooManyRequests(retryAfterSeconds: 0)))
        api.server.faults.add(FaultRule(times: 2, effect: .latency(milliseconds: 1)))
        var statuses: [Int] = []
        for _ in 0..<3 { statuses.append(await api.call("GET", "/api/v1/namespaces/default/configmaps").status) }
        #expect(statuses == [500, 429, 200])
        #expect(api.server.requestLog.all.map(\.fault) == ["status", "429", nil])
    }

    @Test func faultRateZeroNeverFiresAndRateOneAlwaysDoes() async {
        let api = APIHarness()
        api.server.faults.add(FaultRule(verb: "get", rate: 0, effect: .status(500)))
        api.server.faults.add(FaultRule(verb: "list", rate: 1, effect: .status(500)))
        for _ in 0..<20 {
            #expect(await api.call("GET", "/api/v1/namespaces/default").status == 200)
            #expect(await api.call("GET", "/api/v1/namespaces").status == 500)
        }
    }

    @Test(arguments: [
        ("verb=get,path=/api/v1,rate=0.5,status=503", FaultRule(verb: "get", pathPrefix: "/api/v1", rate: 0.5, effect: .status(503))),
        ("latency=200", FaultRule(effect: .latency(milliseconds: 200))),
        ("retry-after=2,times=1", FaultRule(times: 1, effect: .tooManyRequests(retryAfterSeconds: 2))),
        ("verb=watch,drop", FaultRule(verb: "watch", effect: .dropConnection)),
        ("verb=list,query=continue,status=410", FaultRule(verb: "list", queryParameter: "continue", effect: .status(410))),
    ])
    func faultFlagsParse(text: String, rule: FaultRule) throws {
        #expect(try FaultRule(parsing: text) == rule)
    }

    @Test func adminEndpointSetsFaultsAndReadsTheLog() async {
        let api = APIHarness()
        let added = await api.call("POST", "/fairway-admin/faults", body: ["verb": "create", "status": 500, "times": 1])
        #expect(added.status == 201)
        #expect(await api.call("POST", "/api/v1/namespaces/default/configmaps", body: APIHarness.configMap("a")).status == 500)
        #expect(await api.call("POST", "/api/v1/namespaces/default/configmaps", body: APIHarness.configMap("a")).status == 201)
        let log = await api.call("GET", "/fairway-admin/requests")
        #expect(log.body.arrayValue?.compactMap { $0["status"] } == [201, 500, 201])
        #expect(await api.call("DELETE", "/fairway-admin/faults").status == 200)
        #expect(api.server.faults.current.isEmpty)
        let count = await api.call("GET", "/fairway-admin/objects")
        // The four namespaces and the RBAC bootstrap objects every cluster starts with, and the ConfigMap.
        #expect(count.body["objects"] == .int(Int64(4 + BootstrapRoles.objects.count + 1)))
    }
}
