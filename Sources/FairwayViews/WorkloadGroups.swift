import FairwayFairness

/// Runs of alike workloads shown as one row: the servers of a notebook profile (`pytorch-l4-1`,
/// `pytorch-l4-2`, ...) or the policy's demand jobs, same tenant, kind, size and admission, read
/// `Notebook pytorch-l4 x8`. JSON keeps every workload.
enum WorkloadGroups {
    struct Group {
        var first: WorkloadAdmission
        var count: Int
        var label: String { count == 1 ? "\(first.kind) \(first.name)" : "\(first.kind) \(WorkloadGroups.stem(first.name)) x\(count)" }
    }

    /// The name without a trailing `-<number>`.
    static func stem(_ name: String) -> String {
        guard let dash = name.lastIndex(of: "-"), dash != name.startIndex,
              !name[name.index(after: dash)...].isEmpty, name[name.index(after: dash)...].allSatisfy(\.isNumber) else { return name }
        return String(name[..<dash])
    }

    static func group(_ workloads: [WorkloadAdmission]) -> [Group] {
        var out: [Group] = []
        for w in workloads {
            if var last = out.last, last.first.tenant == w.tenant, last.first.kind == w.kind, last.first.gpus == w.gpus,
               last.first.admission == w.admission, last.first.condition == w.condition,
               stem(last.first.name) == stem(w.name), stem(w.name) != w.name {
                last.count += 1
                out[out.count - 1] = last
            } else {
                out.append(Group(first: w, count: 1))
            }
        }
        return out
    }
}
