import ArgumentParser
import FairwayAgent
import FairwayCore
import FairwayDiff
import FairwayPipeline
import FairwayViews

/// `fairway diff`: what a change to the platform repository does to the rendered desired state,
/// with no cluster at all: the pull-request preview for CI.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how the desired state changes between two revisions of the platform repository.",
        discussion: """
            Renders both revisions and compares them: objects added, changed (field by field) and removed, Helm \
            releases (chart, version and values) and EKS node groups, and GPU allocation changes per tenant and \
            class. The revisions come from --repo URL (fetched into the cache) or from the local clone at PATH \
            (default: the current directory), and are named as git names them: branches and tags (main, \
            origin/main, v1.2), full or short SHAs, HEAD, refs/pull/7/head. Exit codes: 0 success, 1 error (the --to revision is \
            invalid, a fetch failed; --output markdown still writes a comment saying why, with every diagnostic); \
            with --detailed-exitcode: 0 no changes, 2 changes, 1 error. With spec.reconcile.prune false at --to, \
            objects gone from Git are listed as left behind, not as deletions.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, markdown, github
    }

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "Base revision (for a pull request: its target branch, e.g. origin/main).")
    var from: String

    @Option(name: .long, help: "Head revision (for a pull request: refs/pull/N/head or its commit).")
    var to: String

    @Option(name: .long, help: "Output format: text, json, markdown (a pull-request comment) or github (workflow annotations).")
    var output: Format = .text

    @Flag(name: .long, help: "Exit 0 when there are no changes, 2 when there are, 1 on error.")
    var detailedExitcode = false

    func validate() throws {
        if source.ref != nil { throw ValidationError("diff takes --from and --to, not --ref") }
    }

    func run() throws {
        // One parse cache for both revisions: files the change did not touch are parsed once.
        let pipeline = Pipeline.incremental()
        let base: Evaluation, head: Evaluation
        do {
            base = pipeline.evaluate(try source.snapshot(revision: from))
            head = pipeline.evaluate(try source.snapshot(revision: to))
        } catch {
            Terminal.printError("error: \(error)")
            // The pull request still gets a comment saying why there is no preview.
            if output == .markdown { print(DiagnosticsView.unreadableMarkdown(title: DiffView.title, error: "\(error)"), terminator: "") }
            throw ExitCode(1)
        }
        guard let diff = pipeline.diff(from: base, to: head, fromName: from) else {
            switch output {
            case .github: print(GitHubAnnotations.render(head.diagnostics), terminator: "")
            case .markdown:
                print(DiagnosticsView.invalidMarkdown(title: DiffView.title, revision: head.snapshot.revision,
                                                      diagnostics: head.diagnostics), terminator: "")
            case .text, .json: try Run.failInvalid(head, output: output == .json ? .json : .text)
            }
            throw ExitCode(1)
        }
        switch output {
        case .text: print(DiffView.text(diff, style: Style(colored: Terminal.colored)), terminator: "")
        case .json: print(JSONWriter.string(DiffView.json(diff), pretty: true), terminator: "")
        case .markdown: print(DiffView.markdown(diff), terminator: "")
        case .github: print(DiffView.github(diff), terminator: "")
        }
        if detailedExitcode && diff.plan.hasChanges { throw ExitCode(2) }
    }
}
