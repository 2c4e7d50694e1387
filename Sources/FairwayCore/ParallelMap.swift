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
        let slots = ResultSlots<R>(count: items.count)
        let chunks = min(items.count, max(1, System.activeProcessorCount) * 4)
        items.withUnsafeBufferPointer { buffer in
            let input = UnsafeInput(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = chunk * input.buffer.count / chunks
                let upper = (chunk + 1) * input.buffer.count / chunks
                for index in lower..<upper { slots.set(index, transform(input.buffer[index])) }
            }
        }
        return slots.values()
    }
}

/// The input buffer, shared read-only between the workers.
private struct UnsafeInput<T>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<T>
}

/// One slot per result; each index is written by exactly one worker, so no lock is needed.
///
/// The slots are raw memory allocated once, not an array: an array's
/// `withUnsafeMutableBufferPointer` moves the buffer out of the array for the duration of the call,
/// so workers calling it at the same time would race on the array itself.
private final class ResultSlots<R>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<R?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: R) { storage[index] = value }

    func values() -> [R] { storage.map { $0! } }
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
