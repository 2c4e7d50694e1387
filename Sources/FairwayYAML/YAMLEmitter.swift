import CYAML
import FairwayCore

/// Writes JSON trees as block-style YAML documents through libyaml's emitter.
///
/// Strings that a YAML reader would take for something else (`"8"`, `"true"`, `"no"`, `"1.30"`, `""`)
/// are quoted, so output always reads back as the same JSON.
public enum YAMLEmitter {
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// One YAML document per value, separated by `---`.
    public static func emit(_ documents: [JSONValue]) throws(Error) -> String {
        let sink = OutputSink()
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { throw Error(description: "libyaml emitter failed to start") }
        defer { yaml_emitter_delete(&emitter) }
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_width(&emitter, -1)
        yaml_emitter_set_indent(&emitter, 2)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        yaml_emitter_set_output(&emitter, { context, buffer, size in
            guard let context, let buffer else { return 0 }
            let sink = Unmanaged<OutputSink>.fromOpaque(context).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, context)
        try withExtendedLifetime(sink) { () throws(Error) in
            var writer = EventWriter(emitter: emitter)
            try writer.streamStart()
            for document in documents {
                try writer.document(document)
            }
            try writer.streamEnd()
            emitter = writer.emitter
        }
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    public static func emit(_ document: JSONValue) throws(Error) -> String {
        try emit([document])
    }

    /// True when a plain scalar with this text would not read back as the same string.
    static func needsQuotes(_ s: String) -> Bool {
        if s.isEmpty { return true }
        if YAMLCoreSchema.bool(s) != nil || YAMLCoreSchema.isYAML11Bool(s) { return true }
        if ["null", "Null", "NULL", "~"].contains(s) { return true }
        if YAMLCoreSchema.int(s) != nil || YAMLCoreSchema.double(s) != nil { return true }
        if let first = s.first, first.isNumber { return true }
        return false
    }
}

/// Collects the emitter's output bytes.
final class OutputSink: @unchecked Sendable {
    var bytes: [UInt8] = []
}

/// Feeds emitter events for a JSON tree.
struct EventWriter {
    var emitter: yaml_emitter_t

    private mutating func emitEvent(_ event: inout yaml_event_t) throws(YAMLEmitter.Error) {
        guard yaml_emitter_emit(&emitter, &event) == 1 else {
            let problem = emitter.problem.map { String(cString: $0) } ?? "unknown error"
            throw YAMLEmitter.Error(description: "YAML emitter: \(problem)")
        }
    }

    mutating func streamStart() throws(YAMLEmitter.Error) {
        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        try emitEvent(&event)
    }

    mutating func streamEnd() throws(YAMLEmitter.Error) {
        var event = yaml_event_t()
        yaml_stream_end_event_initialize(&event)
        try emitEvent(&event)
    }

    mutating func document(_ value: JSONValue) throws(YAMLEmitter.Error) {
        var event = yaml_event_t()
        yaml_document_start_event_initialize(&event, nil, nil, nil, 0)
        try emitEvent(&event)
        try node(value)
        yaml_document_end_event_initialize(&event, 1)
        try emitEvent(&event)
    }

    mutating func node(_ value: JSONValue) throws(YAMLEmitter.Error) {
        var event = yaml_event_t()
        switch value {
        case .null: try scalar("null", style: YAML_PLAIN_SCALAR_STYLE)
        case let .bool(b): try scalar(b ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE)
        case let .int(i): try scalar(String(i), style: YAML_PLAIN_SCALAR_STYLE)
        case .double: try scalar(JSONWriter.string(value), style: YAML_PLAIN_SCALAR_STYLE)
        case let .string(s):
            let style: yaml_scalar_style_t
            if s.contains("\n") { style = YAML_LITERAL_SCALAR_STYLE }
            else if YAMLEmitter.needsQuotes(s) { style = YAML_DOUBLE_QUOTED_SCALAR_STYLE }
            else { style = YAML_ANY_SCALAR_STYLE }
            try scalar(s, style: style)
        case let .array(items):
            yaml_sequence_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE)
            try emitEvent(&event)
            for item in items { try node(item) }
            yaml_sequence_end_event_initialize(&event)
            try emitEvent(&event)
        case let .object(object):
            yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE)
            try emitEvent(&event)
            for member in object.members {
                try scalar(member.key, style: YAMLEmitter.needsQuotes(member.key)
                           ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE)
                try node(member.value)
            }
            yaml_mapping_end_event_initialize(&event)
            try emitEvent(&event)
        }
    }

    mutating func scalar(_ text: String, style: yaml_scalar_style_t) throws(YAMLEmitter.Error) {
        var event = yaml_event_t()
        var bytes = Array(text.utf8)
        let plainImplicit: Int32 = style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ? 0 : 1
        let ok = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            yaml_scalar_event_initialize(&event, nil, nil, buffer.baseAddress, Int32(buffer.count),
                                         plainImplicit, 1, style)
        }
        guard ok == 1 else { throw YAMLEmitter.Error(description: "YAML emitter: could not make a scalar event") }
        try emitEvent(&event)
    }
}
