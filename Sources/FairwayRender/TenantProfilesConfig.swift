import FairwayCore
import FairwayModel

/// The hub configuration (Python, for the chart's `hub.extraConfig`) that shows each user only the
/// notebook profiles their tenant lists in `notebooks.profiles`: a user belongs to a tenant through
/// its member groups or users (or as an owner). Admins see every profile; a user in no tenant sees
/// none and cannot start a server. Spawned pods are labelled with the tenant.
struct TenantProfilesConfig {
    let platform: Platform

    var tenants: JSONValue {
        .array(platform.tenants.map { tenant in
            let spec = tenant.spec
            return [
                "name": .string(tenant.name),
                "groups": .array(spec.notebookGroups.map(JSONValue.string)),
                "users": .array(spec.notebookUsers.map(JSONValue.string)),
                "profiles": .array((spec.notebooks?.profiles ?? []).map(JSONValue.string)),
            ]
        })
    }

    var python: String {
        // Embedded as JSON in a raw string: a quote in a name is escaped so it cannot end the string.
        let data = JSONWriter.string(tenants).replacingOccurrences(of: "'", with: "\\u0027")
        return """
        # Rendered by Fairway from tenants/*.yaml: each user sees only the profiles of their tenants.
        import json

        _fairway_tenants = json.loads(r'''\(data)''')
        _fairway_profiles = list(c.KubeSpawner.profile_list or [])


        def _fairway_tenants_of(user):
            groups = {group.name for group in user.groups}
            return [t for t in _fairway_tenants if user.name in t["users"] or groups.intersection(t["groups"])]


        def _fairway_profile_list(spawner):
            if spawner.user.admin:
                return _fairway_profiles
            allowed = {slug for t in _fairway_tenants_of(spawner.user) for slug in t["profiles"]}
            return [p for p in _fairway_profiles if p.get("slug") in allowed]


        def _fairway_label_tenant(spawner):
            tenants = _fairway_tenants_of(spawner.user)
            if tenants:
                spawner.extra_labels = {**spawner.extra_labels, "fairway.dev/tenant": tenants[0]["name"]}


        c.KubeSpawner.profile_list = _fairway_profile_list
        c.KubeSpawner.pre_spawn_hook = _fairway_label_tenant

        """
    }
}
