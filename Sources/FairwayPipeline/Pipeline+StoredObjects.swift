import FairwayCore
import FairwayDiff
import FairwayLive
import FairwayRender

extension Pipeline {
    /// The live objects of a local state read as text: a row whose text is the desired object's but for
    /// the source stamp becomes that desired object itself, without being parsed; every
    /// other row is parsed, and a corrupt one fails the read as `listObjects` would. In the rows' order (the
    /// database's key order, deterministic): the plan orders what it reports itself.
    static func resolve(_ stored: StoredObjects, desired: DesiredState) throws(PipelineError) -> [Manifest] {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(desired.manifests.count)
        // The identities are built in parallel (each is a new string); the index is filled in order.
        let identities = ParallelMap.map(desired.manifests) { StoredObjects.identity(of: $0.key) }
        for (position, identity) in identities.enumerated() { positions[identity] = position }
        let manifests = desired.manifests, index = positions
        let results = ParallelMap.map(stored.rows) { row -> Result<Manifest, LiveStateError> in
            if let position = index[row.identity] {
                let wanted = manifests[position]
                // Equal but for the revision stamp, which the comparison ignores: the live object is the
                // desired one itself, sharing its storage (no copy, and the comparison ends at once).
                let canonical = JSONWriter.canonicalBytes(wanted.body, reservingCapacity: row.body.count + 64)
                if SourceStamp.match(stored: row.body, desired: canonical) != nil {
                    return .success(wanted)
                }
            }
            return Result { () throws(LiveStateError) in try stored.manifest(row) }
        }
        var objects: [Manifest] = []
        objects.reserveCapacity(results.count)
        do {
            for result in results { objects.append(try result.get()) }
        } catch {
            throw PipelineError("cannot read live state: \(error)")
        }
        return objects
    }
}
