import FairwayCore
import Foundation
import Logging

/// A log handler writing one JSON object per line to standard error: time, level, label, message
/// and the metadata as members (`sync.run`, `sync.commit`, ...), for the agent's logs to be read by
/// a log pipeline. Metadata never carries secrets: callers log names, commits and counts, never values.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    private static let lock = NSLock()

    init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: JSONObject = [("time", .string(WallTime.now().rfc3339Micro)), ("level", .string(event.level.rawValue)),
                                  ("logger", .string(label)), ("message", .string("\(event.message)"))]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() { object[key] = Self.json(merged[key]!) }
        let line = JSONWriter.string(.object(object)) + "\n"
        Self.lock.withLock { Terminal.writeError(line, flushingOutput: false) }
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case let .string(text): .string(text)
        case let .stringConvertible(convertible): .string(convertible.description)
        case let .array(values): .array(values.map(json))
        case let .dictionary(members):
            .object(JSONObject(members.keys.sorted().map { ($0, json(members[$0]!)) }))
        }
    }
}
