import ArgumentParser
#if canImport(Glibc)
@preconcurrency import Glibc  // `stdout`, a C global
#endif

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// The repository source and output format every command takes.
struct RepositoryOptions: ParsableArguments {
    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "Output format: text (coloured on a terminal, plain under NO_COLOR or a pipe) or json.")
    var output: OutputFormat = .text
}

/// Where the embedded local state lives.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "Local state directory.")
    var state: String = ".fairway/state"
}

/// What a plan may do beyond the repository's own settings: the deletion guard's override and the
/// existing objects it may take over.
struct DeletionGuardOptions: ParsableArguments {
    @Option(name: .long, help: "Refuse the plan if it deletes more objects than this (overrides spec.reconcile.maxDeletions).")
    var maxDeletions: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Take over an existing object not managed by Fairway: Kind/name or Kind/namespace/name (repeatable).",
        valueName: "KIND/NAME"))
    var adopt: [String] = []

    var adoptions: Set<String> { Set(adopt) }

    func validate() throws {
        if let maxDeletions, maxDeletions < 0 { throw ValidationError("--max-deletions must be 0 or more") }
        for name in adopt {
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }), parts[0].first?.isUppercase == true else {
                throw ValidationError("--adopt \(name): write Kind/name or Kind/namespace/name, for example Namespace/research")
            }
        }
    }
}

/// Facts about the terminal that decide how text is shown.
enum Terminal {
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var colored: Bool {
        if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
        return stdoutIsTerminal
    }

    /// Writes a line to standard error.
    static func printError(_ text: String) {
        var line = text
        if !line.hasSuffix("\n") { line += "\n" }
        writeError(line)
    }

    /// Writes text to standard error as it is. Standard output is flushed first (only it: flushing
    /// every stream would wait on any other stream's lock): it is block-buffered when it is a pipe or
    /// a file (`fairway apply | tee log`), and what was printed to it (the whole plan) must come out
    /// before the prompt, progress or error that follows it. Log lines, which never follow output
    /// of their own, pass `flushingOutput: false`.
    static func writeError(_ text: String, flushingOutput: Bool = true) {
        if flushingOutput { fflush(stdout) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
}
