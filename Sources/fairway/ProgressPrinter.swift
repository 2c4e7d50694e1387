import FairwayApply
import FairwayViews
#if canImport(Glibc)
import Glibc
#endif

/// Shows apply progress on standard error: a redrawn bar with counts on a terminal, plain lines
/// otherwise (CI logs, the agent).
enum ProgressPrinter {
    static func make() -> @Sendable (ApplyProgress) -> Void {
        let terminal = isatty(STDERR_FILENO) == 1
        return { progress in
            if terminal {
                let width = 30
                let filled = progress.total == 0 ? width : progress.done * width / progress.total
                let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                let step = String(progress.step.prefix(60))
                Terminal.writeError("\r\u{1B}[K[\(bar)] \(progress.done)/\(progress.total) \(step)")
                if progress.done == progress.total { Terminal.writeError("\n") }
                if progress.outcome == .failed { Terminal.writeError("\n" + ApplyReportView.progressLine(progress)) }
            } else {
                Terminal.writeError(ApplyReportView.progressLine(progress))
            }
        }
    }
}
