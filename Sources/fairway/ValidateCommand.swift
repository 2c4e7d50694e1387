import ArgumentParser
import FairwayAgent
import FairwayCore
import FairwayPipeline
import FairwayViews
import Glibc

/// `fairway validate`: check a platform repository and print every problem.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a platform repository: YAML, schemas, references and GPU fairness.",
        discussion: "Exit codes: 0 valid (warnings allowed), 1 errors found or the repository could not be read."
    )

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        let evaluation = try Run.evaluate(repository.source, render: false)
        let style = Style(colored: Terminal.colored)
        switch repository.output {
        case .json:
            print(JSONWriter.string(DiagnosticsView.validationJSON(evaluation.diagnostics,
                                                                   revision: evaluation.snapshot.revision), pretty: true),
                  terminator: "")
        case .text:
            print(DiagnosticsView.text(evaluation.diagnostics, style: style), terminator: "")
            print(DiagnosticsView.summary(evaluation.diagnostics, style: style), terminator: "")
        }
        Run.exit(evaluation.isValid ? 0 : 1)
    }
}

/// Helpers the commands share for running the pipeline and reporting its failures.
enum Run {
    /// Flushes the output and ends the process without tearing down what the run built: at scale
    /// (hundreds of thousands of parsed and rendered nodes) freeing it costs seconds and saves nothing.
    static func exit(_ code: Int32) -> Never {
        fflush(nil)
        Glibc.exit(code)
    }

    static func evaluate(_ source: SourceOptions, render: Bool = true) throws -> Evaluation {
        do {
            return Pipeline().evaluate(try source.snapshot(), render: render)
        } catch {
            Terminal.printError("error: \(error.description)")
            throw ExitCode(1)
        }
    }

    /// Prints diagnostics of an invalid repository to standard error (text) or standard output (json)
    /// and exits 1.
    static func failInvalid(_ evaluation: Evaluation, output: OutputFormat) throws -> Never {
        if output == .json {
            print(JSONWriter.string(DiagnosticsView.validationJSON(evaluation.diagnostics,
                                                                   revision: evaluation.snapshot.revision), pretty: true),
                  terminator: "")
        } else {
            let style = Style(colored: Terminal.colored)
            Terminal.printError(DiagnosticsView.text(evaluation.diagnostics, style: style)
                                + DiagnosticsView.summary(evaluation.diagnostics, style: style))
        }
        throw ExitCode(1)
    }
}
