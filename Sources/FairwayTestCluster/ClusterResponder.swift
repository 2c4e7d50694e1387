import HTTPTypes
import Hummingbird
import NIOCore
import NIOSSL

/// Hummingbird's side of the server: turns each HTTP request into an `APIRequest` (with the TLS
/// client certificate when the cluster authenticates by certificate), lets the `APIServer` answer
/// it, and writes the answer back (bytes, a streamed watch, or a dropped connection).
struct ClusterResponder: HTTPResponder {
    typealias Context = ClusterRequestContext
    let server: APIServer

    /// Thrown from a response body to make the server close the connection mid-response.
    struct DroppedConnection: Error {}

    func respond(to request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + "," + field.value } ?? field.value
        }
        let apiRequest = APIRequest(method: request.method.rawValue, path: request.uri.path,
                                    query: APIRequest.parseQuery(Substring(request.uri.query ?? "")),
                                    headers: headers, body: Array(buffer: body),
                                    clientCertificate: server.authorizer.certificates.isEmpty ? nil : await context.peerCertificate())
        let answer = await server.handle(apiRequest)
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        let status = HTTPResponse.Status(code: answer.status)
        switch answer.body {
        case let .bytes(bytes):
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case let .stream(chunks):
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                for await chunk in chunks { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            })
        case .drop:
            fields[.contentLength] = "4096"
            return Response(status: status, headers: fields, body: ResponseBody(contentLength: 4096) { _ in
                throw DroppedConnection()
            })
        }
    }
}

/// Hummingbird's request context plus the connection, whose TLS handler knows the peer's certificate.
struct ClusterRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }

    /// The verified client certificate (DER) of this connection, or nil without TLS or certificate.
    func peerCertificate() async -> [UInt8]? {
        let channel = self.channel
        let certificate = try? await channel.eventLoop.submit { () throws -> [UInt8]? in
            try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate?.toDERBytes()
        }.get()
        return certificate ?? nil
    }
}
