import ArgumentParser

/// The `fairway` command line: validate, plan, apply, render and schema, one type per file.
@main
struct Fairway: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fairway",
        abstract: "GitOps for shared GPU platforms on EKS: validate, plan and apply a platform repository.",
        version: "0.1.0",
        subcommands: [ValidateCommand.self, PlanCommand.self, ApplyCommand.self, RenderCommand.self, SchemaCommand.self]
    )
}
