import FairwayCore
import FairwayModel

/// The hub configuration (Python, for the chart's `hub.extraConfig`) that makes notebook servers
/// tenant workloads. Each user sees, for every tenant they belong to (through its member groups or
/// users, or as an owner), that tenant's profiles from the catalogue, named `<tenant>.<profile>`
/// (and titled with the tenant when they belong to several, so they choose). Starting one runs the
/// server:
///
/// - in the tenant's notebook namespace, so its ResourceQuota, LimitRange and NetworkPolicies apply;
/// - as the tenant's workload ServiceAccount, so it has the tenant's AWS role (IRSA);
/// - for GPU profiles, in the tenant's Kueue LocalQueue of the class (the profile carries the queue
///   label) at the tenant's notebook priority: Kueue admits it against the tenant's share;
/// - with the team volume mounted where the catalogue has one, and the addresses of the tenant's
///   Ray clusters in `FAIRWAY_RAY_CLUSTERS` (JSON) and, when there is exactly one, `RAY_ADDRESS`.
///
/// A spawn is refused with a message when the user belongs to no tenant, when they already run the
/// tenant's `maxServersPerUser` servers, or when the tenant already runs `maxGpuServers` GPU servers
/// (counted over the hub's active servers, which the hub restores after a restart). Admins who
/// belong to no tenant see every tenant's profiles.
struct NotebookTenancyConfig {
    let platform: Platform

    var data: JSONValue {
        let catalog = platform.notebookCatalog?.spec
        let gpuProfiles = (catalog?.profiles ?? []).filter { $0.gpu != nil }.map(\.name)
        var out: JSONObject = [
            ("tenants", .array(platform.tenants.map(tenant))),
            ("gpuProfiles", .array(gpuProfiles.map(JSONValue.string))),
        ]
        if let team = catalog?.defaults?.teamVolume, let catalog {
            out["teamVolume"] = [
                "claimName": .string(NotebookCatalogSpec.TeamVolume.claimName),
                "mountPath": .string(team.path),
                "profiles": .array(catalog.teamVolumeProfiles.map(JSONValue.string)),
            ]
        } else {
            out["teamVolume"] = .null
        }
        return .object(out)
    }

    private func tenant(_ tenant: Document<TenantSpec>) -> JSONValue {
        let spec = tenant.spec
        let targets = platform.rayClientTargets(of: tenant.name)
        var environment: JSONObject = [("FAIRWAY_TENANT", .string(tenant.name))]
        environment["FAIRWAY_RAY_CLUSTERS"] = .string(JSONWriter.string(.object(JSONObject(targets.map { ($0.name, .string($0.address)) }))))
        if targets.count == 1 { environment["RAY_ADDRESS"] = .string(targets[0].address) }
        return [
            "name": .string(tenant.name),
            "displayName": .string(spec.displayName ?? tenant.name),
            "groups": .array(spec.notebookGroups.map(JSONValue.string)),
            "users": .array(spec.notebookUsers.map(JSONValue.string)),
            "namespace": .string(spec.notebookNamespace),
            "serviceAccount": spec.serviceAccount.map { .string($0.name) } ?? .null,
            "profiles": .array((spec.notebooks?.profiles ?? []).map(JSONValue.string)),
            "maxServersPerUser": .int(Int64(spec.notebooks?.maxServersPerUser ?? 1)),
            "maxGpuServers": spec.notebooks?.maxGpuServers.map { .int(Int64($0)) } ?? .null,
            "priorityClass": spec.notebookPriorityClass.map(JSONValue.string) ?? .null,
            "environment": .object(environment),
        ]
    }

    /// Whether any tenant lets a user run more than one server (JupyterHub's named servers).
    var allowsNamedServers: Bool {
        platform.tenants.contains { ($0.spec.notebooks?.maxServersPerUser ?? 1) > 1 }
    }

    /// The data as JSON with one tenant per line, so that a plan shows onboarding a tenant, or a
    /// change to one, as the lines of that tenant.
    var dataText: String {
        guard let object = data.objectValue else { return JSONWriter.string(data) }
        var parts: [String] = []
        for member in object.members {
            if member.key == "tenants", let tenants = member.value.arrayValue {
                let lines = tenants.map { "  " + JSONWriter.string($0) }.joined(separator: ",\n")
                parts.append("\"tenants\": [\n\(lines)\n]")
            } else {
                parts.append("\(JSONWriter.string(.string(member.key))): \(JSONWriter.string(member.value))")
            }
        }
        return "{\n" + parts.joined(separator: ",\n") + "\n}"
    }

    var python: String {
        // Embedded as JSON in a raw string: a quote in a name is escaped so it cannot end the string.
        let json = dataText.replacingOccurrences(of: "'", with: "\\u0027")
        return Self.template
            .replacingOccurrences(of: "@DATA@", with: json)
            .replacingOccurrences(of: "@NAMED@", with: allowsNamedServers ? "True" : "False")
    }
}
