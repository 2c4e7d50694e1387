import Foundation

/// Runs blocking work (libgit2, child processes and the waits on them, file reads, whole pipeline
/// evaluations) on a thread of its own, so it never holds a thread of Swift's cooperative pool nor
/// one of Dispatch's global workers. On Linux both are bounded by the number of cores and Swift's
/// tasks run on Dispatch's workers: three helm processes waited on there left a 2-core agent unable
/// to run any task (not even its shutdown) until they ended.
public enum Blocking {
    /// Stack of each thread: the YAML reader and the model recurse as deep as the input nests.
    static let stackSize = 8 << 20

    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            detach { continuation.resume(returning: body()) }
        }
    }

    /// `run`, except that a cancelled task gets `cancelled` at once instead of waiting: for work that
    /// may block in a read with no way to interrupt it (a Git server that never answers). The thread
    /// is left to end by its own deadline; its result is then dropped.
    public static func run<T: Sendable>(orWhenCancelled cancelled: @escaping @Sendable () -> T,
                                        _ body: @escaping @Sendable () -> T) async -> T {
        let waiting = Locked<CheckedContinuation<T, Never>?>(nil)
        @Sendable func finish(_ value: @autoclosure () -> T) {
            guard let continuation = waiting.withLock({ state -> CheckedContinuation<T, Never>? in
                defer { state = nil }
                return state
            }) else { return }
            continuation.resume(returning: value())
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiting.withLock { $0 = continuation }
                if Task.isCancelled { return finish(cancelled()) }
                detach { let value = body(); finish(value) }
            }
        } onCancel: {
            finish(cancelled())
        }
    }

    /// Starts `body` on a new thread and returns at once.
    public static func detach(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.stackSize = stackSize
        thread.start()
    }
}
