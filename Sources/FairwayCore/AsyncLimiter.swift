/// At most `limit` holders at once. A task waiting for a slot is suspended, holding no thread, and
/// is served in arrival order; a task cancelled while it waits gets no slot. ChildProcess uses one
/// so that waiting on children never holds threads and running them never oversubscribes the cores.
public final class AsyncLimiter: Sendable {
    private enum Waiter: Sendable {
        case waiting(CheckedContinuation<Bool, Never>)
        case cancelled
    }

    private struct State: Sendable {
        var available: Int
        var nextID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        var order: [UInt64] = []
    }

    private let state: Locked<State>

    public init(limit: Int) { state = Locked(State(available: max(1, limit))) }

    /// Takes a slot, waiting for one; false (and no slot) when the task was cancelled while waiting.
    public func acquire() async -> Bool {
        let id = state.withLock { state -> UInt64? in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return true }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let cancelled = state.withLock { state -> Bool in
                    if case .cancelled = state.waiters[id] {
                        state.waiters[id] = nil
                        return true
                    }
                    state.waiters[id] = .waiting(continuation)
                    state.order.append(id)
                    return false
                }
                if cancelled { continuation.resume(returning: false) }
            }
        } onCancel: {
            let waiting = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                if case let .waiting(continuation) = state.waiters[id] {
                    state.waiters[id] = nil
                    return continuation
                }
                state.waiters[id] = .cancelled
                return nil
            }
            waiting?.resume(returning: false)
        }
    }

    /// Gives a slot back: to the longest waiter, else to the pool.
    public func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            while !state.order.isEmpty {
                let id = state.order.removeFirst()
                if case let .waiting(continuation) = state.waiters[id] {
                    state.waiters[id] = nil
                    return continuation
                }
            }
            state.available += 1
            return nil
        }
        next?.resume(returning: true)
    }
}
