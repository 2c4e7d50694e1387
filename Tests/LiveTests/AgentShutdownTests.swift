import FairwayCore
import FairwayTestSupport
import Foundation
import Testing

extension LiveEndToEnd {
    /// A `fairway sync` process told to stop exits within a bound whatever it is doing: a helm that
    /// never returns is terminated, the Lease is released, the listen port is freed; an API server that
    /// is gone does not keep it campaigning; a second SIGTERM ends it at once.
    @Suite(.serialized) struct AgentShutdownTests {
        typealias World = LivePlanTests.World

        /// A helm that hangs in `helm upgrade` (an add-on install whose chart repository does not
        /// answer), writing its pid to `pidFile` first; every other command is the real helm.
        static func hangingHelm(_ world: World) throws -> (helm: String, pidFile: String) {
            let pidFile = world.sandbox.directory.appendingPathComponent("helm-upgrade.pid").path
            let helm = world.sandbox.directory.appendingPathComponent("bin/helm").path
            try TestScript.install("""
                if [ "$1" = upgrade ]; then echo $$ > "\(pidFile)"; exec sleep 3600; fi
                exec "\(Tools.path("helm")!)" "$@"
                """, at: helm)
            return (helm, pidFile)
        }

        static func agent(_ world: World, _ git: GitDaemon, helm: String, identity: String, kubeconfig: String? = nil,
                          port: Int? = nil, repo: String? = nil, _ extra: [String]) throws -> AgentProcess {
            var environment = world.environment
            environment["FAIRWAY_LOG_LEVEL"] = "info"
            return try AgentProcess(["--repo", repo ?? git.url, "--ref", "main", "--kubeconfig", kubeconfig ?? world.sandbox.kubeconfig,
                                     "--aws-endpoint-url", world.moto.url.description, "--helm", helm, "--interval", "1h",
                                     "--cache", world.sandbox.directory.appendingPathComponent("cache-\(identity)").path] + extra,
                                    identity: identity, environment: environment, directory: world.sandbox.directory, port: port)
        }

        static func withShutdownWorld(_ body: (World, GitDaemon, _ helm: String, _ pidFile: String) async throws -> Void) async throws {
            try await LivePlanTests.withWorld(crds: { $0.contains("/karpenter/") || $0.contains("/kueue/") || $0.contains("/kuberay/") }) { world in
                let git = try await GitDaemon(template: world.repo, in: world.sandbox.directory.appendingPathComponent("sync"))
                defer { git.stop() }
                let created = try await world.sandbox.kubectl(["create", "namespace", "fairway-system"])
                try #require(created.status == 0, "\(created)")
                let (helm, pidFile) = try hangingHelm(world)
                try await body(world, git, helm, pidFile)
            }
        }

        static func leaseHolder(_ world: World) async throws -> String {
            try await world.sandbox.kubectl(["-n", "fairway-system", "get", "lease", "fairway-sync", "-o", "jsonpath={.spec.holderIdentity}"]).stdout
        }

        static func helmPid(_ pidFile: String) -> pid_t? {
            (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }

        @Test func sigtermDuringAHungHelmInstallEndsWithinTheShutdownTimeout() async throws {
            try await Self.withShutdownWorld { world, git, helm, pidFile in
                // 1. The first sync reaches the add-ons and helm hangs.
                let agent = try Self.agent(world, git, helm: helm, identity: "agent-a", ["--shutdown-timeout", "3s"])
                try await eventually("helm upgrade started", timeout: .seconds(300)) { Self.helmPid(pidFile) != nil }
                let helmPid = try #require(Self.helmPid(pidFile))
                #expect(try await Self.leaseHolder(world) == "agent-a")

                // 2. SIGTERM: the stage cannot finish, so after 3 s it is cancelled: helm is terminated,
                //    the run is reported, the Lease released and the process exits.
                let stopped = try #require(await agent.stop(SIGTERM, within: .seconds(60)),
                                           "still running 60 s after SIGTERM\n\(agent.logText.suffix(3000))")
                print("shutdown: exited \(stopped.after) after SIGTERM with status \(stopped.status) (shutdown timeout 3 s)")
                #expect(stopped.after < .seconds(20), "\(agent.logText.suffix(3000))")
                #expect(kill(helmPid, 0) != 0 && errno == ESRCH, "helm (pid \(helmPid)) outlived the agent")
                #expect(!Ports.isListening(agent.port), "the listen port is still held")
                #expect(try await Self.leaseHolder(world) == "", "the Lease was not released\n\(agent.logText.suffix(2000))")
                #expect(agent.logText.contains("sync agent shutting down"))
                #expect(agent.logText.contains("leader lease released"), "\(agent.logText.suffix(2000))")

                // 3. The next agent on the machine starts on the same port.
                try? FileManager.default.removeItem(atPath: pidFile)
                let next = try Self.agent(world, git, helm: helm, identity: "agent-b", port: agent.port, ["--shutdown-timeout", "120s"])
                try await eventually("the next agent listening on port \(agent.port)", timeout: .seconds(60)) {
                    (try? await next.http("/healthz").0) == 200
                }
                // 4. A second SIGTERM does not wait for the (now 120 s) shutdown timeout.
                try await eventually("helm upgrade started again", timeout: .seconds(300)) { Self.helmPid(pidFile) != nil }
                kill(next.process.processIdentifier, SIGTERM)
                try await Task.sleep(for: .seconds(1))
                #expect(next.process.isRunning, "the first SIGTERM already ended the agent")
                let second = try #require(await next.stop(SIGTERM, within: .seconds(30)), "\(next.logText.suffix(3000))")
                #expect(second.status == 1 && next.logText.contains("second signal during shutdown"), "\(next.logText.suffix(2000))")
            }
        }

        @Test func sigtermWhileTheAPIServerIsGoneEndsAtOnce() async throws {
            try await Self.withShutdownWorld { world, git, helm, _ in
                // A kubeconfig whose server accepts nothing: the agent can never take the Lease.
                let kubeconfig = try String(contentsOfFile: world.sandbox.kubeconfig, encoding: .utf8)
                let server = try #require(kubeconfig.split(separator: "\n").first { $0.contains("server:") })
                let gone = try world.sandbox.write("gone.kubeconfig", kubeconfig.replacingOccurrences(
                    of: String(server), with: "    server: http://127.0.0.1:\(Ports.free())"))
                let agent = try Self.agent(world, git, helm: helm, identity: "agent-gone", kubeconfig: gone, ["--shutdown-timeout", "30s"])
                try await eventually("the agent failing to reach the API server", timeout: .seconds(60)) {
                    agent.logText.contains("lease not renewed")
                }
                if ProcessInfo.processInfo.environment["FAIRWAY_DEBUG_SHUTDOWN"] != nil {
                    let pid = agent.process.processIdentifier
                    let before = try await ChildProcess.run("/bin/sh", ["-c", "for t in /proc/\(pid)/task/*; do echo \"$(cat $t/comm) $(cat $t/wchan)\"; done; curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:\(agent.port)/healthz"], timeout: 60)
                    try before.stdoutText.write(toFile: "/tmp/agent-threads-before.txt", atomically: true, encoding: .utf8)
                    kill(agent.process.processIdentifier, SIGTERM)
                    try await Task.sleep(for: .seconds(2))
                    let dump = try await ChildProcess.run("/bin/sh", ["-c", "for t in /proc/\(pid)/task/*; do echo \"$(cat $t/comm) $(cat $t/wchan) $(cut -d' ' -f3 $t/stat)\"; done; curl -s -m 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:\(agent.port)/healthz"], timeout: 60)
                    try dump.stdoutText.write(toFile: "/tmp/agent-threads.txt", atomically: true, encoding: .utf8)
                }
                let stopped = try #require(await agent.stop(SIGTERM, within: .seconds(60)), "\(agent.logText.suffix(3000))")
                print("shutdown: API server gone, exited \(stopped.after) after SIGTERM with status \(stopped.status)")
                #expect(stopped.after < .seconds(10), "\(agent.logText.suffix(3000))")
                #expect(stopped.status == 0, "\(agent.logText.suffix(2000))")
                #expect(agent.logText.contains("sync agent shutting down"), "\(agent.logText.suffix(2000))")
                #expect(!Ports.isListening(agent.port))
            }
        }

        /// A Git server that accepts the fetch and never answers: SIGTERM ends the agent within the
        /// shutdown timeout with exit 0, the fetch abandoned, the Lease released and the port freed.
        @Test(.enabled(if: Python.has("socket"), "needs python3 for the silent Git server"))
        func sigtermDuringAFetchThatNeverAnswersEndsWithinTheShutdownTimeout() async throws {
            try await Self.withShutdownWorld { world, git, helm, _ in
                let silent = """
                    import socket, sys, time
                    server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    server.bind(('127.0.0.1', int(sys.argv[1]))); server.listen(16)
                    held = []
                    while True:
                        connection, _ = server.accept(); held.append(connection)
                    """
                let ran: Void? = try await PythonServer.with(modules: ["socket"], purpose: "the silent Git server",
                                                      arguments: { ["-c", silent, String($0)] }) { server in
                    let agent = try Self.agent(world, git, helm: helm, identity: "agent-fetch",
                                               repo: "http://127.0.0.1:\(server.port)/platform.git", ["--shutdown-timeout", "3s"])
                    try await eventually("the agent leading while its fetch hangs", timeout: .seconds(60)) {
                        (try? await Self.leaseHolder(world)) == "agent-fetch"
                    }
                    try await Task.sleep(for: .seconds(1))
                    let stopped = try #require(await agent.stop(SIGTERM, within: .seconds(60)), "\(agent.logText.suffix(3000))")
                    print("shutdown: fetch never answers, exited \(stopped.after) after SIGTERM with status \(stopped.status) (shutdown timeout 3 s)")
                    #expect(stopped.after < .seconds(10), "\(agent.logText.suffix(3000))")
                    #expect(stopped.status == 0, "\(agent.logText.suffix(2000))")
                    #expect(!Ports.isListening(agent.port))
                    #expect(try await Self.leaseHolder(world) == "", "the Lease was not released\n\(agent.logText.suffix(2000))")
                }
                try #require(ran != nil, "python3 is missing")
            }
        }
    }
}
