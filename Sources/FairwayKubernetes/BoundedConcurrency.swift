/// Runs `body` for every item with at most `limit` running at once, and returns the results in the
/// items' order. The first error cancels the calls still running and is rethrown.
///
/// For many small API requests (GETs of individual objects, lists of many kinds): enough in flight
/// to hide latency, few enough not to be throttled by the API server.
public func withBoundedConcurrency<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int = 16, _ body: @escaping @Sendable (Item) async throws -> Result
) async throws -> [Result] {
    guard !items.isEmpty else { return [] }
    let width = max(1, min(limit, items.count))
    return try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        while next < width {
            let index = next, item = items[index]
            group.addTask { (index, try await body(item)) }
            next += 1
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < items.count {
                let index = next, item = items[index]
                group.addTask { (index, try await body(item)) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
