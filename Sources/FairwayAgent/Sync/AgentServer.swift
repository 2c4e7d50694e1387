import FairwayPipeline
import Hummingbird
import Logging
import NIOCore

/// The agent's HTTP endpoints on one port: `/healthz` (the process serves), `/readyz` (the agent
/// can reach the API server and, when leading, has finished its first run), `/metrics`
/// (Prometheus text) and `POST /webhook` (Git push events; 401 without a valid signature or token,
/// 404 when no webhook secret is configured).
public enum AgentServer {
    /// The largest webhook body read (GitHub caps payloads at 25 MB; pushes are far smaller).
    static let maxBody = 5 * 1024 * 1024

    public static func application(host: String, port: Int, agent: SyncAgent, verifier: WebhookVerifier?,
                                   logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let router = Router()
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            let ready = agent.isReady
            return text(ready ? "ready\n" : "not ready\n", status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ -> Response in
            text(agent.metrics.text(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.post("webhook") { request, _ -> Response in
            guard let verifier else { return text("webhooks are not configured (no --webhook-secret-file)\n", status: .notFound) }
            let body = try await request.body.collect(upTo: maxBody)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            switch verifier.verify(headers: headers, body: Array(buffer: body)) {
            case let .unauthorized(reason):
                logger.warning("webhook refused", metadata: ["webhook.reason": "\(reason)"])
                return text("unauthorized\n", status: .unauthorized)
            case let .ignored(reason):
                logger.info("webhook ignored", metadata: ["webhook.reason": "\(reason)"])
                return text("ignored: \(reason)\n", status: .accepted)
            case let .sync(provider, ref):
                logger.info("webhook push", metadata: ["webhook.provider": "\(provider)", "webhook.ref": "\(ref)"])
                await agent.trigger(.webhook)
                return text("sync requested\n", status: .accepted)
            }
        }
        return Application(router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    static func text(_ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
