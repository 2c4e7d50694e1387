import FairwayCore
import FairwayModel

/// Checks how workloads use shared GPUs: MIG profiles must be offered by a pool of the class, and
/// only the workload kinds the sharing policies allow may use time-sliced or MIG GPUs.
enum SharingChecks {
    /// The MIG profiles a class's pools offer, and whether any of its pools time-slices or uses MIG.
    struct ClassSharing {
        var migProfiles: Set<String> = []
        var timeSliced = false
        var mig = false
    }

    static func byClass(_ platform: Platform) -> [String: ClassSharing] {
        var result: [String: ClassSharing] = [:]
        for pool in platform.nodePools {
            guard let gpu = pool.spec.gpu else { continue }
            var sharing = result[gpu.class] ?? ClassSharing()
            switch gpu.sharingMode {
            case .none: break
            case .timeSlicing: sharing.timeSliced = true
            case .mig:
                sharing.mig = true
                for type in GPUCapacity.instanceTypes(of: pool.spec) {
                    if let layout = gpu.sharing?.layout,
                       let devices = GPUCatalog.migModel(forInstanceType: type.name)?.layouts[layout] {
                        sharing.migProfiles.formUnion(devices.keys)
                    }
                }
            }
            result[gpu.class] = sharing
        }
        return result
    }

    static func check(_ platform: Platform) -> [Diagnostic] {
        let sharing = byClass(platform)
        let timeSlicingAllowed = allowed(platform.sharingPolicies.map { $0.spec.timeSlicing?.allowedWorkloads })
        let migAllowed = allowed(platform.sharingPolicies.map { $0.spec.mig?.allowedWorkloads })
        var out: [Diagnostic] = []
        for workload in platform.rayWorkloads {
            guard let gpuClass = workload.spec.gpuClass, let classSharing = sharing[gpuClass] else { continue }
            let doc = workload.document
            let kind = workload.kind.rawValue
            if classSharing.timeSliced, workload.spec.peakAccelerators > 0, let allowed = timeSlicingAllowed,
               !allowed.contains(kind) {
                out.append(forbidden(kind, name: workload.name, mode: "time-sliced", gpuClass: gpuClass, allowed: allowed,
                                     at: doc.location("spec", "gpuClass")))
            }
            for (index, group) in workload.spec.groups.enumerated() {
                guard let mig = group.resources.mig else { continue }
                let at = doc.location("spec", "workerGroups", .index(index), "resources", "mig", "profile")
                if !classSharing.migProfiles.contains(mig.profile) {
                    out.append(unoffered(mig.profile, gpuClass: gpuClass, offered: classSharing.migProfiles, at: at))
                } else if let allowed = migAllowed, !allowed.contains(kind) {
                    out.append(forbidden(kind, name: workload.name, mode: "MIG", gpuClass: gpuClass, allowed: allowed, at: at))
                }
            }
        }
        if let catalog = platform.notebookCatalog {
            for (index, profile) in catalog.spec.profiles.enumerated() {
                guard let gpu = profile.gpu, let classSharing = sharing[gpu.class] else { continue }
                if classSharing.timeSliced, let allowed = timeSlicingAllowed, !allowed.contains("Notebook") {
                    out.append(forbidden("Notebook", name: profile.name, mode: "time-sliced", gpuClass: gpu.class,
                                         allowed: allowed, at: catalog.location("spec", "profiles", .index(index), "gpu", "class")))
                }
                if let mig = gpu.mig {
                    let at = catalog.location("spec", "profiles", .index(index), "gpu", "mig")
                    if !classSharing.migProfiles.contains(mig) {
                        out.append(unoffered(mig, gpuClass: gpu.class, offered: classSharing.migProfiles, at: at))
                    } else if let allowed = migAllowed, !allowed.contains("Notebook") {
                        out.append(forbidden("Notebook", name: profile.name, mode: "MIG", gpuClass: gpu.class, allowed: allowed, at: at))
                    }
                }
            }
        }
        return out
    }

    /// The kinds every sharing policy allows (their intersection), or nil when no policy restricts it.
    private static func allowed(_ lists: [[String]?]) -> Set<String>? {
        let given = lists.compactMap { $0 }.map(Set.init)
        guard let first = given.first else { return nil }
        return given.dropFirst().reduce(first) { $0.intersection($1) }
    }

    private static func forbidden(_ kind: String, name: String, mode: String, gpuClass: String, allowed: Set<String>,
                                  at location: SourceLocation) -> Diagnostic {
        .error("sharing-forbidden",
               "\(kind) '\(name)' uses \(mode) GPUs of class '\(gpuClass)', which the GPU sharing policy does not allow for \(kind)",
               at: location,
               hint: allowed.isEmpty ? "the sharing policy allows no workload on \(mode) GPUs; pick a class with whole GPUs"
                   : "allowed on \(mode) GPUs: \(allowed.sorted().joined(separator: ", ")); pick a class with whole GPUs")
    }

    private static func unoffered(_ profile: String, gpuClass: String, offered: Set<String>,
                                  at location: SourceLocation) -> Diagnostic {
        .error("mig-profile-unavailable", "no node pool of class '\(gpuClass)' offers MIG profile '\(profile)'",
               at: location,
               hint: offered.isEmpty ? "class '\(gpuClass)' has no MIG pool"
                   : "the class offers: \(offered.sorted().joined(separator: ", "))")
    }
}
