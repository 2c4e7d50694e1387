/// A set of node indices below a fixed bound, kept as a dense list with each member's position:
/// insertion, removal and membership in O(1) without hashing (the quota tree's borrowing
/// ClusterQueues change on every simulated removal of a preemption search). Iterates in no
/// particular order; every reader sorts or otherwise does not depend on it.
struct NodeSet: Sequence {
    private var members: [Int] = []
    /// Per node: its index in `members`, −1 when absent.
    private var position: [Int]

    init(capacity: Int) { position = Array(repeating: -1, count: capacity) }

    var isEmpty: Bool { members.isEmpty }
    var count: Int { members.count }

    func contains(_ node: Int) -> Bool { position[node] >= 0 }

    mutating func insert(_ node: Int) {
        guard position[node] < 0 else { return }
        position[node] = members.count
        members.append(node)
    }

    mutating func remove(_ node: Int) {
        let at = position[node]
        guard at >= 0 else { return }
        let last = members.removeLast()
        if last != node {
            members[at] = last
            position[last] = at
        }
        position[node] = -1
    }

    func makeIterator() -> IndexingIterator<[Int]> { members.makeIterator() }
}
