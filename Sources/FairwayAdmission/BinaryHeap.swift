/// Removing the first element of an array kept as a binary heap under `first` (true when its
/// first argument belongs nearer the top), the one sift-down both the scheduler's queues and the
/// preemption target ordering use.
enum BinaryHeap {
    static func popFirst<T>(_ heap: inout [T], first: (T, T) -> Bool) -> T? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count, first(heap[l], heap[m]) { m = l }
            if r < heap.count, first(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return top
    }
}
