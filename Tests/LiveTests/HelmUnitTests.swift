import FairwayCore
@testable import FairwayHelm
import Foundation
import Testing
@testable import FairwayLive

/// The helm client's parsing and safety without a cluster: versions, helm's chart column, how errors
/// are classified and redacted, where charts come from, a missing helm, and the private values file
/// (checked through a stand-in helm that reports what it was given and echoes it back as an error).
@Suite struct HelmUnitTests {
    @Test(arguments: [
        ("v4.1.4+g05fa379", 4, 1, 4),
        ("v3.14.2+gc309b6f\n", 3, 14, 2),
        ("v3.15.0-rc.1+g123", 3, 15, 0),
    ])
    func parsesVersions(text: String, major: Int, minor: Int, patch: Int) {
        let version = HelmVersion(short: text)
        #expect(version?.major == major && version?.minor == minor && version?.patch == patch)
        #expect(version?.isSupported == true)
    }

    @Test(arguments: ["", "4.1.4", "v4.1", "Client: &version.Version{SemVer:\"v2.17.0\"}"])
    func rejectsNonVersions(text: String) {
        #expect(HelmVersion(short: text) == nil)
    }

    @Test func flagsFollowTheMajorVersion() throws {
        let v3 = try #require(HelmVersion(short: "v3.17.0")), v4 = try #require(HelmVersion(short: "v4.1.4"))
        #expect(v3.rollbackOnFailureFlag == "--atomic" && v3.listEveryStateFlags == ["--all"])
        #expect(v4.rollbackOnFailureFlag == "--rollback-on-failure" && v4.listEveryStateFlags.isEmpty)
        #expect(HelmVersion(short: "v2.17.0")?.isSupported == false)
    }

    @Test(arguments: [
        ("kuberay-operator-1.7.0", "kuberay-operator", "1.7.0"),
        ("kuberay-operator-1.2.3-rc.1", "kuberay-operator", "1.2.3-rc.1"),
        ("cert-manager-v1.14.0", "cert-manager", "v1.14.0"),
        ("app-1-2.0.0", "app-1", "2.0.0"),
        ("nvidia-device-plugin-0.17.0+build.5", "nvidia-device-plugin", "0.17.0+build.5"),
        ("ingress-nginx-4.10.0-beta-2.1", "ingress-nginx", "4.10.0-beta-2.1"),
        ("demo", "demo", ""),
    ])
    func splitsTheChartColumn(column: String, chart: String, version: String) {
        let split = HelmChartColumn.split(column)
        #expect(split.chart == chart && split.version == version)
    }

    @Test(arguments: [
        ("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress", HelmError.Code.operationInProgress),
        ("Error: kubernetes cluster unreachable: Get \"https://127.0.0.1:1/version\": connection refused", .clusterUnreachable),
        ("Error: release: not found", .releaseNotFound),
        ("Error: chart \"kuberay-operator\" version \"9.9.9\" not found in http://127.0.0.1:8000 repository", .chartNotFound),
        ("Error: UPGRADE FAILED: resource Deployment/ray/kuberay not ready. status: InProgress\ncontext deadline exceeded", .notReady),
        ("Error: template: demo/templates/deployment.yaml:3: bad", .failed),
    ])
    func classifiesHelmErrors(stderr: String, code: HelmError.Code) {
        #expect(HelmClient.classify(stderr, status: 1).0 == code)
    }

    @Test func chartReferences() throws {
        func release(_ repository: String) -> HelmRelease {
            HelmRelease(name: "kuberay", namespace: "ray", chart: "kuberay-operator", repository: repository, version: "1.7.0",
                        values: [:], sourcePath: "cluster.yaml")
        }
        #expect(try HelmChartSource.arguments(for: release("oci://registry.example/charts/"), override: nil)
                    == ["oci://registry.example/charts/kuberay-operator", "--version", "1.7.0"])
        #expect(try HelmChartSource.arguments(for: release("https://ray-project.github.io/kuberay-helm"), override: nil)
                    == ["kuberay-operator", "--repo", "https://ray-project.github.io/kuberay-helm", "--version", "1.7.0"])
        #expect(try HelmChartSource.arguments(for: release("ftp://x"), override: "/charts/kuberay-operator-1.7.0.tgz")
                    == ["/charts/kuberay-operator-1.7.0.tgz"])
        #expect(throws: HelmError.self) { try HelmChartSource.arguments(for: release("ftp://x"), override: nil) }
    }

    @Test func redactsValuesAndPaths() {
        let redaction = HelmRedaction(values: ["auth": ["password": "s3cr3t-planted", "pem": "-----BEGIN-----\nAAAAsecretline\n"],
                                               "port": 8080, "on": "on"],
                                      paths: ["/tmp/fairway-helm-abc/values.json", "/tmp/fairway-helm-abc"])
        let text = redaction.apply("failed parsing /tmp/fairway-helm-abc/values.json: password s3cr3t-planted, AAAAsecretline; on")
        #expect(text == "failed parsing <redacted>: password <redacted>, <redacted>; on")
    }

    @Test func missingHelmIsAClearError() async {
        let client = HelmClient(executable: "/nonexistent/bin/helm", logger: MemoryLog().logger)
        await #expect { try await client.version() } throws: { error in
            let error = error as? HelmError
            return error?.code == .helmNotFound
                && error?.description == "helm version: helm not found at /nonexistent/bin/helm; install helm or pass --helm PATH"
        }
        let onPath = HelmClient(executable: "fairway-no-such-helm", environment: ["PATH": "/usr/bin:/bin"], logger: MemoryLog().logger)
        await #expect { try await onPath.list() } throws: { ($0 as? HelmError)?.code == .helmNotFound }
    }

    @Test func unsupportedVersionIsAClearError() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let helm = try FakeHelm.write("echo 'v2.17.0+ga690bad'\n", in: directory)
        let client = HelmClient(executable: helm, logger: MemoryLog().logger)
        await #expect { try await client.version() } throws: { error in
            (error as? HelmError)?.code == .unsupportedVersion && "\(error)".contains("Fairway needs helm v3 or v4")
        }
    }

    /// The values reach helm in a 0600 file in a 0700 directory, not on the command line; an error that
    /// quotes the file's path and contents shows neither; the file and directory are gone afterwards.
    @Test func valuesFileIsPrivateAndNeverEchoed() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report").path
        let helm = try FakeHelm.write("""
            [ "$1" = version ] && { echo 'v4.1.4+g05fa379'; exit 0; }
            echo "$@" > \(report).args
            while [ $# -gt 0 ]; do
              if [ "$1" = --values ]; then
                stat -c '%a' "$2" > \(report).file; stat -c '%a' "$(dirname "$2")" > \(report).dir
                echo "Error: failed parsing $2: $(cat "$2")" >&2
              fi
              shift
            done
            exit 1

            """, in: directory)
        let temporary = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let log = MemoryLog()
        let client = HelmClient(executable: helm, temporaryDirectory: temporary.path, logger: log.logger)
        let release = HelmRelease(name: "kuberay-operator", namespace: "ray", chart: "kuberay-operator",
                                  repository: "https://charts.example", version: "1.7.0",
                                  values: ["auth": ["password": "s3cr3t-planted"], "replicaCount": 2], sourcePath: "cluster.yaml")
        let error = await #expect(throws: HelmError.self) { try await client.upgradeInstall(release) }
        let description = "\(error.map { "\($0)" } ?? "")"
        #expect(description.contains("failed parsing <redacted>"), "\(description)")
        #expect(!description.contains("s3cr3t-planted") && !description.contains(temporary.path), "\(description)")
        #expect(!log.lines.joined().contains("s3cr3t-planted"))
        let arguments = try String(contentsOfFile: report + ".args", encoding: .utf8)
        #expect(!arguments.contains("s3cr3t-planted"))
        #expect(arguments.contains("--values \(temporary.path)/fairway-helm-"))
        #expect(try String(contentsOfFile: report + ".file", encoding: .utf8) == "600\n")
        #expect(try String(contentsOfFile: report + ".dir", encoding: .utf8) == "700\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
    }

    private func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-helm-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
