import Dispatch
import FairwayCore
import Foundation
import Logging

/// Owns SIGTERM and SIGINT for the sync agent and bounds its shutdown whatever its work is doing:
/// the first signal starts the service group's graceful shutdown (which cancels what still runs
/// after the shutdown timeout); a second signal, or the first one's deadline passing by `grace`
/// more, ends the process at once with exit code 1. The Lease is then left to expire and the
/// listen port is freed with the process. (libdispatch delivers a signal to one source only, so the
/// service group is given no signals of its own.)
final class ShutdownWatchdog {
    private let sources: [any DispatchSourceSignal]
    /// How many of the two signals have arrived.
    private let signals = Locked(0)

    /// Starts watching. `timeout` is the graceful shutdown's bound; `grace` what cancellation gets after it.
    init(timeout: Duration, grace: Duration = .seconds(10), logger: Logger,
         onFirstSignal: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "fairway.shutdown-watchdog")
        let deadline = timeout + grace
        let signals = signals
        sources = ([SIGTERM, SIGINT] as [Int32]).map { signo in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler {
                let count = signals.withLock { count -> Int in
                    count += 1
                    return count
                }
                if count == 1 {
                    logger.notice("signal received; shutting down", metadata: ["signal": "\(signo)"])
                    onFirstSignal()
                    queue.asyncAfter(deadline: .now() + deadline.seconds) {
                        logger.error("shutdown did not finish in time; exiting", metadata: ["shutdown.seconds": "\(deadline.seconds)"])
                        Self.exitNow()
                    }
                } else {
                    logger.warning("second signal during shutdown; exiting now", metadata: ["signal": "\(signo)"])
                    Self.exitNow()
                }
            }
            source.resume()
            return source
        }
    }

    deinit { sources.forEach { $0.cancel() } }

    private static func exitNow() -> Never {
        fflush(nil)
        _exit(1)
    }
}
