import FairwayCore

extension PolicyExplainer {
    /// Conflicts that say the same thing at the same place, merged into one diagnostic listing every
    /// statement involved. A class with no capacity makes each tenant's guarantee a conflict of its
    /// own ("add up to 16 but its capacity is 0"); the reader needs that said once, not once per tenant.
    static func merged(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for diagnostic in diagnostics {
            if let index = out.firstIndex(where: {
                $0.code == diagnostic.code && $0.message == diagnostic.message && $0.location == diagnostic.location
            }) {
                for note in diagnostic.notes where !out[index].notes.contains(note) { out[index].notes.append(note) }
            } else {
                out.append(diagnostic)
            }
        }
        return out
    }
}
