import FairwayCore
import FairwayDiff
import FairwayLive
import FairwayRender

extension Pipeline {
    /// The live objects of a local state read as text: a row whose text is the desired object's but for
    /// the source stamp becomes that desired object itself, without being parsed; every
    /// other row is parsed, and a corrupt one fails the read as `listObjects` would. Sorted by key.
    static func resolve(_ stored: StoredObjects, desired: DesiredState) throws(PipelineError) -> [Manifest] {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(desired.manifests.count)
        for (position, manifest) in desired.manifests.enumerated() { positions[StoredObjects.identity(of: manifest.key)] = position }
        let manifests = desired.manifests, index = positions
        let results = ParallelMap.map(stored.rows) { row -> Result<Manifest, LiveStateError> in
            if let position = index[row.identity] {
                let wanted = manifests[position]
                // Equal but for the revision stamp, which the comparison ignores: the live object is the
                // desired one itself, sharing its storage (no copy, and the comparison ends at once).
                if SourceStamp.match(stored: row.body, desired: JSONWriter.canonicalBytes(wanted.body)) != nil {
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
        let order = objects.indices.sorted { objects[$0].key < objects[$1].key }
        return order.map { objects[$0] }
    }
}
