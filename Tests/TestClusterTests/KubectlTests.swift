import FairwayPipeline
import FairwayTestSupport
import FairwayAgent
import FairwayCore
import FairwayYAML
import Foundation
import Testing
@testable import FairwayTestCluster

/// The real kubectl against the test cluster: the KubeRay, Kueue and Karpenter CRDs and the
/// template's rendered objects applied server-side, read back, re-applied without change, diffed
/// (nothing to show) and deleted.
@Suite(.serialized) struct KubectlTests {
    /// Whether every member of `desired` is in `live` with the same value.
    static func contains(_ live: JSONValue?, _ desired: JSONValue) -> Bool {
        switch (live, desired) {
        case let (.object(l)?, .object(d)): return d.allSatisfy { contains(l[$0.key], $0.value) }
        case let (.array(l)?, .array(d)): return l.count == d.count && zip(l, d).allSatisfy { contains($0, $1) }
        case let (l?, d): return l == d
        default: return false
        }
    }

    @Test(.enabled(if: Tools.installed("kubectl"), "needs kubectl (bash scripts/setup)")) func crdsAndTemplateObjectsRoundTrip() async throws {
        let crds = try Paths.referenceCRDs()
        #expect(crds.count == 13)
        let desired = try #require(try Pipeline().evaluate(path: Paths.template.path).desired)
        let objects = desired.sortedStampedManifests.map(\.body)
        try await ClusterProcess.with { cluster in
            let kubectl = cluster.sandbox
            let appliedCRDs = try await kubectl.kubectl(["apply", "--server-side"] + crds.flatMap { ["-f", $0] })
            #expect(appliedCRDs.status == 0, "\(appliedCRDs)")
            #expect(appliedCRDs.stdout.components(separatedBy: "serverside-applied").count - 1 == 13)
            let established = try await kubectl.kubectl(["wait", "--for=condition=Established", "crd", "--all", "--timeout=10s"])
            #expect(established.status == 0, "\(established)")

            let file = try kubectl.write("rendered.yaml", try YAMLEmitter.emit(objects))
            let applied = try await kubectl.kubectl(["apply", "--server-side", "-f", file])
            #expect(applied.status == 0, "\(applied)")
            #expect(applied.stdout.components(separatedBy: "serverside-applied").count - 1 == objects.count)

            let fetched = try await kubectl.kubectl(["get", "-f", file, "-o", "json"])
            #expect(fetched.status == 0, "\(fetched)")
            let live = try JSONReader.parse(fetched.stdout)["items"]?.arrayValue ?? []
            #expect(live.count == objects.count)
            for (object, liveObject) in zip(objects, live) {
                var expected = object.objectValue ?? JSONObject()
                expected["metadata"] = nil
                #expect(Self.contains(liveObject, .object(expected)), "\(object["kind"] ?? "") \(object["metadata"]?["name"] ?? "")")
                #expect(Self.contains(liveObject["metadata"]?["labels"], object["metadata"]?["labels"] ?? .object(JSONObject())))
            }
            let versions = live.map { $0["metadata"]?["resourceVersion"] }

            let reapplied = try await kubectl.kubectl(["apply", "--server-side", "-f", file])
            #expect(reapplied.status == 0, "\(reapplied)")
            let again = try JSONReader.parse(try await kubectl.kubectl(["get", "-f", file, "-o", "json"]).stdout)["items"]?.arrayValue ?? []
            #expect(again.map { $0["metadata"]?["resourceVersion"] } == versions, "re-applying the same objects changed them")

            let diff = try await kubectl.kubectl(["diff", "--server-side", "-f", file])
            #expect(diff.status == 0, "\(diff)")
            #expect(diff.stdout.isEmpty)
            // What the clients sent, from the request log: apply patches, and diff's dry-run applies.
            let log = try JSONReader.parse(try await kubectl.kubectl(["get", "--raw", "/fairway-admin/requests"]).stdout).arrayValue ?? []
            let patches = log.filter { $0["verb"] == "patch" }
            #expect(patches.allSatisfy { $0["contentType"] == "application/apply-patch+yaml" && $0["query"]?["fieldManager"] == "kubectl" })
            #expect(patches.filter { $0["query"]?["dryRun"] == "All" }.count == objects.count)
            #expect(log.contains { $0["path"] == "/openapi/v3" })
            #expect(log.allSatisfy { ($0["status"].flatMap { if case let .int(code) = $0 { code } else { nil } } ?? 500) < 500 })

            // The diff is not vacuous: a changed quota shows up.
            let quota = try #require(objects.firstIndex { $0["kind"] == "ResourceQuota" })
            var changed = objects
            if case var .object(object) = changed[quota], case var .object(spec)? = object["spec"] {
                spec["hard"] = ["pods": "7"]
                object["spec"] = .object(spec)
                changed[quota] = .object(object)
            }
            let changedFile = try kubectl.write("changed.yaml", try YAMLEmitter.emit(changed))
            let shown = try await kubectl.kubectl(["diff", "--server-side", "-f", changedFile])
            #expect(shown.status == 1, "\(shown)")
            #expect(shown.stdout.contains("+    pods: \"7\""), "\(shown)")

            // Deleting a namespace deletes what is in it, so by the time kubectl reaches a namespaced
            // object of the file it may be gone already (as on a real cluster): not an error here.
            let deleted = try await kubectl.kubectl(["delete", "--wait=false", "--ignore-not-found", "-f", file])
            #expect(deleted.status == 0, "\(deleted)")
            var remaining = "?"
            for _ in 0..<50 where !remaining.isEmpty {
                remaining = try await kubectl.kubectl(["get", "-f", file, "--ignore-not-found", "-o", "name"]).stdout
                if !remaining.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(remaining.isEmpty, "left behind: \(remaining)")
            let crdsDeleted = try await kubectl.kubectl(["delete"] + crds.flatMap { ["-f", $0] })
            #expect(crdsDeleted.status == 0, "\(crdsDeleted)")
            let left = try await kubectl.kubectl(["get", "crd", "-o", "name"])
            #expect(left.stdout.isEmpty)
        }
    }
}
