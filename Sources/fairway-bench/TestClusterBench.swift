// fairway-bench testcluster URL OBJECTS SECONDS CONNECTIONS
//
// Load on a running fairway-testcluster over loopback, from CONNECTIONS keep-alive connections (one
// thread each): server-side applies that create OBJECTS ConfigMaps, then GETs of random ones for
// SECONDS, then server-side applies that change random ones for SECONDS. Prints one line: objects,
// create applies/s, gets/s, update applies/s, and errors. The caller reads the server's peak memory.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The load generator for scripts/bench-testcluster: phases of requests over keep-alive connections.
enum TestClusterBench {
    /// A connection or URL problem that stops the benchmark.
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func run(url: String, objects: Int, seconds: Double, connections: Int) throws {
        guard let parsed = URL(string: url), let host = parsed.host, let port = parsed.port else {
            throw Failure(description: "bad URL \(url)")
        }
        let creates = try phase(host: host, port: port, connections: connections, seconds: nil, total: objects) { client, index, _ in
            try client.apply(name: "cm-\(index)", revision: 0)
        }
        let gets = try phase(host: host, port: port, connections: connections, seconds: seconds, total: nil) { client, _, random in
            try client.get(name: "cm-\(random.next(objects))")
        }
        let updates = try phase(host: host, port: port, connections: connections, seconds: seconds, total: nil) { client, index, random in
            try client.apply(name: "cm-\(random.next(objects))", revision: index + 1)
        }
        let errors = creates.errors + gets.errors + updates.errors
        print("\(objects) \(Int(creates.rate)) \(Int(gets.rate)) \(Int(updates.rate)) \(errors)")
    }

    /// Requests per second in one phase and how many failed.
    struct PhaseResult { var rate: Double; var errors: Int }

    /// Runs `work` on every connection until `seconds` pass or `total` calls were made; returns calls per second.
    static func phase(host: String, port: Int, connections: Int, seconds: Double?, total: Int?,
                      work: @escaping @Sendable (HTTPClient, Int, inout SeededRandom) throws -> Bool) throws -> PhaseResult {
        let counter = Counter()
        let start = now()
        let threads = try (0..<connections).map { worker -> Thread in
            let client = try HTTPClient(host: host, port: port)
            return Thread {
                var random = SeededRandom(state: UInt64(worker + 1))
                while true {
                    if let seconds, now() - start >= seconds { break }
                    guard let index = counter.claim(limit: total) else { break }
                    let ok = (try? work(client, index, &random)) ?? false
                    counter.finish(ok: ok)
                }
                counter.done()
            }
        }
        threads.forEach { $0.start() }
        counter.waitForAll(connections)
        let elapsed = now() - start
        return PhaseResult(rate: Double(counter.completed) / elapsed, errors: counter.errors)
    }

    /// Hands out request numbers to the worker threads and counts what they finished (NSCondition-guarded).
    final class Counter: @unchecked Sendable {
        private let condition = NSCondition()
        private var next = 0
        private(set) var completed = 0
        private(set) var errors = 0
        private var finished = 0

        func claim(limit: Int?) -> Int? {
            condition.lock(); defer { condition.unlock() }
            if let limit, next >= limit { return nil }
            next += 1
            return next - 1
        }

        func finish(ok: Bool) {
            condition.lock(); defer { condition.unlock() }
            completed += 1
            if !ok { errors += 1 }
        }

        func done() {
            condition.lock(); finished += 1; condition.signal(); condition.unlock()
        }

        func waitForAll(_ count: Int) {
            condition.lock()
            while finished < count { condition.wait() }
            condition.unlock()
        }
    }

    /// A minimal HTTP/1.1 keep-alive client over one blocking socket: enough for a load generator.
    final class HTTPClient: @unchecked Sendable {
        private let socket: Int32
        private var buffer: [UInt8] = []

        init(host: String, port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            var one: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else { throw Failure(description: "cannot connect to \(host):\(port)") }
        }

        deinit { close(socket) }

        func get(name: String) throws -> Bool {
            try request("GET /api/v1/namespaces/default/configmaps/\(name) HTTP/1.1\r\nHost: bench\r\n\r\n", body: []) == 200
        }

        func apply(name: String, revision: Int) throws -> Bool {
            var data = ""
            for key in 0..<10 { data += "  key-\(key): \"value \(key) of \(name) at revision \(revision)\"\n" }
            let body = Array("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: \(name)
                  labels: {app.kubernetes.io/managed-by: fairway, bench: "yes"}
                data:
                \(data)
                """.utf8)
            let head = "PATCH /api/v1/namespaces/default/configmaps/\(name)?fieldManager=bench&force=true HTTP/1.1\r\nHost: bench\r\n"
                + "Content-Type: application/apply-patch+yaml\r\nContent-Length: \(body.count)\r\n\r\n"
            let status = try request(head, body: body)
            return status == 200 || status == 201
        }

        /// Sends a request and reads the response; returns its status.
        private func request(_ head: String, body: [UInt8]) throws -> Int {
            let bytes = Array(head.utf8) + body
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { throw Failure(description: "send failed") }
                sent += n
            }
            while true {
                if let end = headerEnd() {
                    let header = String(decoding: buffer[..<end], as: UTF8.self)
                    let status = Int(header.split(separator: " ").dropFirst().first ?? "") ?? 0
                    let length = header.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                    while buffer.count < end + 4 + length { try fill() }
                    buffer.removeFirst(end + 4 + length)
                    return status
                }
                try fill()
            }
        }

        private func headerEnd() -> Int? {
            guard buffer.count >= 4 else { return nil }
            for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                return i
            }
            return nil
        }

        private func fill() throws {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure(description: "connection closed") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
