import FairwayCore

/// The Helm releases and EKS node groups a local state records (`LiveTargetsReader`), as the live
/// state a plan compares with: releases as installed (chart, version, values, revision), node groups
/// by name as EKS would describe the groups their CreateNodegroup requests made.
public struct RecordedTargets: Sendable, Equatable {
    public var releases: [LiveRelease]
    public var nodeGroups: [String: JSONValue]

    public init(releases: [LiveRelease] = [], nodeGroups: [String: JSONValue] = [:]) {
        self.releases = releases
        self.nodeGroups = nodeGroups
    }

    /// Nothing recorded reads as nothing installed.
    public init(json: JSONValue?) {
        releases = (json?["releases"]?.arrayValue ?? []).compactMap { r in
            guard let name = r["name"]?.stringValue, let namespace = r["namespace"]?.stringValue,
                  let chart = r["chart"]?.stringValue, let version = r["version"]?.stringValue else { return nil }
            return LiveRelease(name: name, namespace: namespace, chart: chart, version: version,
                               revision: r["revision"]?.intValue ?? 1, status: r["status"]?.stringValue ?? "deployed",
                               values: r["values"] ?? [:], owned: true)
        }
        nodeGroups = Dictionary((json?["nodeGroups"]?.objectValue?.members ?? []).map { ($0.key, $0.value) },
                                uniquingKeysWith: { first, _ in first })
    }

    public var json: JSONValue {
        [
            "releases": .array(releases.sorted { $0.id < $1.id }.map { r in
                ["name": .string(r.name), "namespace": .string(r.namespace), "chart": .string(r.chart), "version": .string(r.version),
                 "revision": .int(Int64(r.revision)), "status": .string(r.status), "values": r.values]
            }),
            "nodeGroups": .object(JSONObject(nodeGroups.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })),
        ]
    }

    /// What is recorded once `plan`'s releases and node groups are applied.
    public func applying(_ plan: Plan) -> RecordedTargets {
        var next = self
        for release in plan.releases ?? [] {
            let previous = next.releases.first { $0.id == release.id }
            next.releases.removeAll { $0.id == release.id }
            guard release.action != .uninstall, let desired = release.desired else { continue }
            next.releases.append(LiveRelease(installed: desired, revision: (previous?.revision ?? 0) + 1))
        }
        for group in plan.nodeGroups ?? [] {
            switch group.action {
            case .create, .replace:
                if let create = group.create, let name = create["nodegroupName"]?.stringValue {
                    if let old = group.liveName, group.action == .replace { next.nodeGroups[old] = nil }
                    next.nodeGroups[name] = create
                }
            case .update:
                let name = group.liveName ?? group.name
                guard var body = next.nodeGroups[name]?.objectValue, let update = group.update?.objectValue else { continue }
                for member in update.members where member.key != "clusterName" && member.key != "nodegroupName" {
                    body[member.key] = member.value
                }
                // UpdateNodegroupConfig sends label and taint changes as add/remove sets; the group ends as desired.
                for field in group.fields { if let after = field.after { body[field.path] = after } }
                next.nodeGroups[name] = .object(body)
            case .delete:
                next.nodeGroups[group.liveName ?? group.name] = nil
            }
        }
        return next
    }
}
