import FairwayAgent
import FairwayCore
import FairwayPipeline
import Foundation
import Testing

/// A cluster target built in-process from a `ClusterAccess`, as the CLI builds it from its flags.
@Suite struct ClusterTargetMakeTests {
    static let kubeconfig = """
        apiVersion: v1
        kind: Config
        current-context: ml
        contexts:
          - name: ml
            context: {cluster: ml, user: admin}
        clusters:
          - name: ml
            cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
        users:
          - name: admin
            user: {token: not-a-real-token}

        """

    @Test func namesTheContextAndServerAndTakesEKSAndHelmAsAsked() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-kubeconfig-\(UUID().uuidString)")
        try Self.kubeconfig.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var access = ClusterAccess(kubeconfig: file.path)
        access.awsRegion = "us-west-2"
        try await ClusterTarget.with(access) { target in
            #expect(target.name == "cluster ml (https://127.0.0.1:6443)")
            #expect(target.eks?.region == "us-west-2")
            #expect(target.helm != nil)
        }
        access.eks = false
        access.helm = false
        try await ClusterTarget.with(access) { target in
            #expect(target.eks == nil && target.helm == nil)
        }
        access.eks = true
        access.awsEndpointURL = "not a url"
        await #expect(throws: PipelineError.self) { try await ClusterTarget.make(access) }
    }
}
