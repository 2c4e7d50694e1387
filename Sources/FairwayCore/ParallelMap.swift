#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Maps a collection on every core, keeping the order of the results.
///
/// For CPU-bound work over many independent items (parsing platform files, reading state files).
/// The transform must not touch shared mutable state.
public enum ParallelMap {
    /// Below this many items the work runs on the calling thread.
    public static let threshold = 64

    /// `minimumCount`: below this many items the work runs on the calling thread (lower it for
    /// few, heavy items).
    public static func map<T: Sendable, R: Sendable>(_ items: [T], minimumCount: Int = threshold,
                                                     _ transform: @Sendable (T) -> R) -> [R] {
        guard items.count >= max(2, minimumCount) else { return items.map(transform) }
        let chunks = min(items.count, max(1, System.activeProcessorCount) * 4)
        // Each worker initializes its own range of the result's storage in place: no slots to
        // allocate, fill with nil and copy out afterwards.
        return [R](unsafeUninitializedCapacity: items.count) { output, initialized in
            items.withUnsafeBufferPointer { buffer in
                let input = UnsafeInput(buffer: buffer), results = UnsafeOutput(buffer: output)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let lower = chunk * input.buffer.count / chunks
                    let upper = (chunk + 1) * input.buffer.count / chunks
                    for index in lower..<upper { (results.buffer.baseAddress! + index).initialize(to: transform(input.buffer[index])) }
                }
            }
            // The transform cannot throw, so every index was initialized once concurrentPerform returns.
            initialized = items.count
        }
    }
}

/// The input buffer, shared read-only between the workers.
private struct UnsafeInput<T>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<T>
}

/// The result's storage; each index is initialized by exactly one worker, so no lock is needed.
private struct UnsafeOutput<R>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<R>
}

/// Processor count without Foundation.
enum System {
    static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 2
        #endif
    }
}
