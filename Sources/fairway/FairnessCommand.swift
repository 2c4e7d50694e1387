import ArgumentParser
import FairwayAgent
import FairwayCore
import FairwayPipeline
import FairwayViews

/// `fairway fairness`: the GPU allocation per class, and every fairness problem.
struct FairnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fairness",
        abstract: "Show each tenant's GPU guarantee, weight, demand and fair target per class, and check the policy.",
        discussion: "Exit codes: 0 the policy holds, 1 any violation or error."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, svg
    }

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "Output format: text, json, markdown (a pull-request comment) or svg (bars per class).")
    var output: Format = .text

    func run() throws {
        let evaluation = try Run.evaluate(source, render: false)
        let classes = evaluation.fairness.classes
        let diagnostics = evaluation.diagnostics
        switch output {
        case .text:
            let style = Style(colored: Terminal.colored)
            print(DiagnosticsView.text(diagnostics, style: style) + FairnessView.text(classes, style: style)
                  + DiagnosticsView.summary(diagnostics, style: style), terminator: "")
        case .json: print(JSONWriter.string(FairnessView.reportJSON(classes, diagnostics: diagnostics), pretty: true), terminator: "")
        case .markdown: print(FairnessView.markdown(classes, diagnostics: diagnostics), terminator: "")
        case .svg: print(FairnessSVG.render(classes), terminator: "")
        }
        if !evaluation.isValid { throw ExitCode(1) }
    }
}
