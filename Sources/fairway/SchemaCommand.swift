import ArgumentParser
import FairwayCore
import FairwayModel
import Foundation

/// `fairway schema`: write the JSON Schema of every kind, for editors.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Write a JSON Schema (draft-07) per kind, for editor validation of platform files.",
        discussion: "Point the YAML language server at them with a `# yaml-language-server: $schema=...` first line."
    )

    @Option(name: .long, help: "Directory to write into (created if missing).")
    var out: String

    @Option(name: .long, help: "Output format for the list of files written: text or json.")
    var output: OutputFormat = .text

    func run() throws {
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var names: [JSONValue] = []
            for kind in Kind.allCases {
                let name = JSONSchemaGenerator.fileName(for: kind)
                let text = JSONWriter.string(JSONSchemaGenerator.schema(for: kind), pretty: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: "\(out)/\(name)"), options: .atomic)
                names.append(.string(name))
            }
            switch output {
            case .json: print(JSONWriter.string(["formatVersion": 1, "directory": .string(out), "files": .array(names)], pretty: true), terminator: "")
            case .text: print("Wrote \(names.count) schemas to \(out)")
            }
        } catch {
            Terminal.printError("error: cannot write \(out): \(error)")
            throw ExitCode(1)
        }
    }
}
