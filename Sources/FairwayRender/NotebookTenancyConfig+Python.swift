extension NotebookTenancyConfig {
    /// The hub Python; `@DATA@` is the tenants as JSON, `@NAMED@` whether named servers are on.
    static let template = #"""
    # Rendered by Fairway from tenants/*.yaml and jupyterhub/images.yaml: each user's servers run in a
    # namespace of their tenant, as its workload ServiceAccount, in its Kueue queue for GPU profiles,
    # with its team volume and the addresses of its Ray clusters.
    import copy
    import json

    from tornado import web

    _fairway = json.loads(r'''@DATA@''')
    _fairway_catalogue = list(c.KubeSpawner.profile_list or [])
    _fairway_tenants = {t["name"]: t for t in _fairway["tenants"]}
    _fairway_gpu_profiles = set(_fairway["gpuProfiles"])


    def _fairway_tenants_of(user):
        groups = {group.name for group in user.groups}
        return [t for t in _fairway["tenants"] if user.name in t["users"] or groups.intersection(t["groups"])]


    def _fairway_with(items, entry):
        """`items` (KubeSpawner takes a list or a dict keyed by name) with `entry` in it exactly once;
        a dict override is merged into the spawner's dict by KubeSpawner itself."""
        if isinstance(items, dict):
            return {"fairway-" + entry["name"]: entry}
        return [item for item in items if item.get("name") != entry["name"]] + [entry]


    def _fairway_profile(tenant, profile, titled):
        entry = copy.deepcopy(profile)
        slug = profile["slug"]
        entry["slug"] = tenant["name"] + "." + slug
        if titled:
            entry["display_name"] = tenant["displayName"] + ": " + profile["display_name"]
        override = entry.setdefault("kubespawner_override", {})
        labels = {"fairway.dev/tenant": tenant["name"]}
        override["namespace"] = tenant["namespace"]
        if tenant["serviceAccount"]:
            override["service_account"] = tenant["serviceAccount"]
            override["automount_service_account_token"] = True
        if slug in _fairway_gpu_profiles and tenant["priorityClass"]:
            labels["kueue.x-k8s.io/priority-class"] = tenant["priorityClass"]
            override["priority_class_name"] = tenant["priorityClass"]
        override["extra_labels"] = {**override.get("extra_labels", {}), **labels}
        # KubeSpawner expands {username}-style fields in environment values: braces are escaped.
        environment = {k: v.replace("{", "{{").replace("}", "}}") for k, v in tenant["environment"].items()}
        override["environment"] = {**override.get("environment", {}), **environment}
        team = _fairway["teamVolume"]
        if team and slug in team["profiles"]:
            volume = {"name": "team-volume", "persistentVolumeClaim": {"claimName": team["claimName"]}}
            mount = {"name": "team-volume", "mountPath": team["mountPath"]}
            override["volumes"] = lambda spawner: _fairway_with(spawner.volumes, volume)
            override["volume_mounts"] = lambda spawner: _fairway_with(spawner.volume_mounts, mount)
        return entry


    def _fairway_profile_list(spawner):
        user = spawner.user
        tenants = _fairway_tenants_of(user)
        if not tenants and user.admin:
            tenants = _fairway["tenants"]
        titled = len(tenants) > 1
        profiles = [
            _fairway_profile(tenant, profile, titled)
            for tenant in tenants
            for profile in _fairway_catalogue
            if profile["slug"] in tenant["profiles"]
        ]
        first_default = next((p for p in profiles if p.get("default")), None)
        for profile in profiles:
            if profile is not first_default:
                profile.pop("default", None)
        return profiles


    def _fairway_active_servers():
        """Every active (running or starting) server the hub knows, restored ones included."""
        from jupyterhub.app import JupyterHub

        if not JupyterHub.initialized():
            return []
        return [s for u in JupyterHub.instance().users.values() for s in u.spawners.values() if s.active]


    def _fairway_slug(spawner):
        return (spawner.user_options or {}).get("profile") or ""


    def _fairway_pre_spawn(spawner):
        profiles = _fairway_profile_list(spawner)
        slug = _fairway_slug(spawner)
        chosen = next((p for p in profiles if p["slug"] == slug), None) if slug else None
        if chosen is None and not slug:
            chosen = next((p for p in profiles if p.get("default")), profiles[0] if profiles else None)
        if chosen is None:
            if not profiles:
                raise web.HTTPError(403, "You are not a member of any tenant of this platform, so there is no "
                                         "notebook profile you may start. Ask a tenant owner to add you.")
            raise web.HTTPError(400, f"No such profile for you: {slug}.")
        spawner.user_options = {**(spawner.user_options or {}), "profile": chosen["slug"]}
        tenant_name, _, profile = chosen["slug"].partition(".")
        tenant = _fairway_tenants[tenant_name]
        others = [s for s in _fairway_active_servers() if s is not spawner]
        in_tenant = [s for s in others if _fairway_slug(s).partition(".")[0] == tenant_name]
        mine = [s for s in in_tenant if s.user.name == spawner.user.name]
        if len(mine) >= tenant["maxServersPerUser"]:
            raise web.HTTPError(429, f"You already run {len(mine)} notebook server(s) in {tenant['displayName']}, "
                                     f"its limit per user (notebooks.maxServersPerUser). Stop one first.")
        limit = tenant["maxGpuServers"]
        if profile in _fairway_gpu_profiles and limit is not None:
            gpu = [s for s in in_tenant if _fairway_slug(s).partition(".")[2] in _fairway_gpu_profiles]
            if len(gpu) >= limit:
                raise web.HTTPError(429, f"{tenant['displayName']} already runs {len(gpu)} GPU notebook servers, "
                                         f"its limit (notebooks.maxGpuServers). Try again when one stops, "
                                         f"or start a CPU profile.")


    def _fairway_named_server_limit(handler):
        user = handler.current_user
        tenants = _fairway_tenants_of(user) if user else []
        return max([t["maxServersPerUser"] for t in tenants] or [1])


    c.KubeSpawner.profile_list = _fairway_profile_list
    c.KubeSpawner.pre_spawn_hook = _fairway_pre_spawn
    c.JupyterHub.allow_named_servers = @NAMED@
    c.JupyterHub.named_server_limit_per_user = _fairway_named_server_limit

    """#
}
