import ArgumentParser
import Foundation
import Logging

/// The `fairway` command line: validate, plan, apply, render and schema, one type per file.
@main
struct Fairway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fairway",
        abstract: "GitOps for shared GPU platforms on EKS: validate, plan and apply a platform repository.",
        version: "0.1.0",
        subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DiffCommand.self, FairnessCommand.self, RenderCommand.self,
                      SchemaCommand.self, SyncCommand.self, StatusCommand.self]
    )

    /// Runs the command; a usage error exits 1 (not ArgumentParser's 64), so every error is 1 and
    /// `plan --detailed-exitcode` keeps its 0/1/2 contract.
    static func main() async {
        do {
            var command = try parseAsRoot()
            bootstrapLogging(agent: command is SyncCommand)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error).rawValue == 64 {
                Terminal.printError(fullMessage(for: error))
                exit(withError: ExitCode(1))
            }
            exit(withError: error)
        }
    }

    /// Logs go to standard error, never standard output (which carries the JSON documents). The
    /// command line reports through its own output, so logs are off unless FAIRWAY_LOG_LEVEL
    /// (trace, debug, info, notice, warning, error) asks for them. The sync agent logs at info by
    /// default, as JSON lines unless FAIRWAY_LOG_FORMAT=text.
    static func bootstrapLogging(agent: Bool) {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["FAIRWAY_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? (agent ? .info : .critical)
        if agent && environment["FAIRWAY_LOG_FORMAT"] != "text" {
            LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
            return
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
