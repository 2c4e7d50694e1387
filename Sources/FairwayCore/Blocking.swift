import Dispatch

/// Runs blocking work (libgit2, child processes, file reads) on a dispatch queue so it never holds
/// a thread of Swift's cooperative pool.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }
}
