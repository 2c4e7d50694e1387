import FairwayApply
import FairwayDiff
import FairwayViews
#if canImport(Glibc)
import Glibc
#endif

/// Shows apply progress on standard error: a redrawn bar with counts on a terminal, plain lines otherwise.
enum ProgressPrinter {
    static func make() -> Applier.Progress {
        let terminal = isatty(STDERR_FILENO) == 1
        return { done, total, change in
            if terminal {
                let width = 30
                let filled = total == 0 ? width : done * width / total
                let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
                Terminal.writeError("\r[\(bar)] \(done)/\(total)")
                if done == total { Terminal.writeError("\n") }
            } else {
                Terminal.writeError(ApplyReportView.progressLine(done: done, total: total, action: change.action.rawValue,
                                                                 key: change.key))
            }
        }
    }
}
