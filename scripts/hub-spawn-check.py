#!/usr/bin/env python3
"""Run the JupyterHub chart's own hub configuration with Fairway's rendered values, and report what
the real KubeSpawner would create for each user, and which authenticator the hub would sign in with.

    hub-spawn-check.py --chart jupyterhub-4.4.0.tgz --values rendered-values.yaml \
        --scenario scenario.json [--helm helm] [--namespace jupyterhub]

The chart is rendered with `helm template`; its hub ConfigMap and Secret (the files the hub pod
mounts under /usr/local/etc/jupyterhub) are written to a temporary directory, the chart's z2jh.py
reads them from there, and the chart's jupyterhub_config.py runs unchanged (hub.config and every
hub.extraConfig entry included), with the real jupyterhub, jupyterhub-kubespawner, oauthenticator
and jupyterhub-nativeauthenticator packages.

The scenario (JSON) names users and, optionally, servers already active:

    {"users": [{"name": "ana@example.com", "groups": ["ml-research"], "admin": false}],
     "active": [{"user": "bo@example.com", "profile": "research.pytorch-l4"}]}

For each user it prints, per profile offered, the pod and home volume KubeSpawner builds (namespace,
service account, labels, resources, volumes, environment) or the error the hub's pre-spawn hook
raises; and the authenticator class with its URL and access settings. Output is one JSON object.
Nothing talks to a cluster: pods and volumes are built, never created.
"""
import argparse
import asyncio
import base64
import json
import os
import subprocess
import sys
import tempfile

import yaml


def render_chart(helm, chart, values, namespace):
    args = [helm, "template", "jupyterhub", chart, "--namespace", namespace]
    for path in values:
        args += ["-f", path]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"helm template failed: {out.stderr.strip()}")
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def hub_files(documents):
    """The hub ConfigMap's and Secret's data, as the hub pod sees them mounted."""
    config, secret, env = None, None, []
    for doc in documents:
        kind, name = doc.get("kind"), doc.get("metadata", {}).get("name")
        if kind == "ConfigMap" and name == "hub":
            config = doc.get("data", {})
        elif kind == "Secret" and name == "hub":
            secret = {k: base64.b64decode(v).decode() for k, v in (doc.get("data") or {}).items()}
            secret.update(doc.get("stringData") or {})
        elif kind == "Deployment" and name == "hub":
            env = doc["spec"]["template"]["spec"]["containers"][0].get("env", [])
    if config is None or secret is None:
        sys.exit("the chart rendered no hub ConfigMap and Secret")
    return config, secret, env


def install(root, config, secret):
    """Writes the mounted files and a z2jh.py that reads them from `root`."""
    os.makedirs(f"{root}/config")
    os.makedirs(f"{root}/secret")
    for key, value in config.items():
        with open(f"{root}/config/{key}", "w") as f:
            f.write(value)
    for key, value in secret.items():
        with open(f"{root}/secret/{key}", "w") as f:
            f.write(value)
    with open(f"{root}/config/z2jh.py") as f:
        z2jh = f.read().replace("/usr/local/etc/jupyterhub/", root + "/")
    with open(f"{root}/z2jh.py", "w") as f:
        f.write(z2jh)
    with open(f"{root}/config/jupyterhub_config.py") as f:
        source = f.read()
    path = f"{root}/jupyterhub_config.py"
    with open(path, "w") as f:
        f.write(source)
    return path


KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""


def service_environment(root, env, namespace):
    """What Kubernetes gives the hub pod: service discovery variables and its declared env. KubeSpawner
    loads a client configuration when it is created; this one points nowhere and is never used."""
    with open(f"{root}/kubeconfig", "w") as f:
        f.write(KUBECONFIG)
    os.environ["KUBECONFIG"] = f"{root}/kubeconfig"
    os.environ.update({
        "POD_NAMESPACE": namespace,
        "HUB_SERVICE_HOST": "10.0.0.10", "HUB_SERVICE_PORT": "8081",
        "PROXY_API_SERVICE_HOST": "10.0.0.11", "PROXY_API_SERVICE_PORT": "8001",
        "PROXY_PUBLIC_SERVICE_HOST": "10.0.0.12", "PROXY_PUBLIC_SERVICE_PORT": "80",
    })
    for var in env:
        if "value" in var:
            os.environ[var["name"]] = str(var["value"])
        elif "valueFrom" in var and "secretKeyRef" in var["valueFrom"]:
            ref = var["valueFrom"]["secretKeyRef"]
            # The Secret's content is not known here: its reference is what is checked.
            os.environ[var["name"]] = f"<secret {ref['name']}/{ref['key']}>"


class Group:
    def __init__(self, name):
        self.name = name


class User:
    """The parts of jupyterhub.user.User KubeSpawner and the hub configuration read."""

    def __init__(self, name, groups, admin):
        self.name = name
        self.id = abs(hash(name)) % 100000
        self.groups = [Group(g) for g in groups]
        self.admin = admin
        self.url = f"/user/{name}/"
        self.spawners = {}


class Hub:
    public_host = ""
    url = "http://hub:8081/hub/"
    base_url = "/hub/"
    api_url = "http://hub:8081/hub/api"


def load_config(path):
    from traitlets.config import Config

    c = Config()
    scope = {"get_config": lambda: c, "__file__": path, "__name__": "jupyterhub_config"}
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), scope)
    return c


def spawner_for(c, user, options, name=""):
    from kubespawner import KubeSpawner

    spawner = KubeSpawner(config=c, user=user, hub=Hub(), name=name, _mock=True)
    spawner.user_options = dict(options)
    return spawner


class ActiveServer:
    def __init__(self, user, profile):
        self.user = user
        self.user_options = {"profile": profile}
        self.active = True


async def describe(c, user, profile):
    spawner = spawner_for(c, user, {"profile": profile["slug"]})
    hook = c.KubeSpawner.pre_spawn_hook
    import tornado.web

    try:
        hook(spawner)
    except tornado.web.HTTPError as error:
        return {"slug": profile["slug"], "refused": {"status": error.status_code, "message": error.log_message}}
    from kubernetes_asyncio.client import ApiClient

    await spawner.load_user_options()
    pod = await spawner.get_pod_manifest()
    pvc = spawner.get_pvc_manifest()
    container = pod.spec.containers[0]
    return {
        "slug": profile["slug"],
        "displayName": profile.get("display_name"),
        "namespace": spawner.namespace,
        "serviceAccount": pod.spec.service_account_name,
        "automountToken": pod.spec.automount_service_account_token,
        "priorityClassName": pod.spec.priority_class_name,
        "labels": dict(pod.metadata.labels or {}),
        "limits": dict(container.resources.limits or {}),
        "requests": dict(container.resources.requests or {}),
        "nodeSelector": dict(pod.spec.node_selector or {}),
        "volumes": ApiClient().sanitize_for_serialization(pod.spec.volumes or []),
        "podSecurityContext": ApiClient().sanitize_for_serialization(pod.spec.security_context),
        "securityContext": ApiClient().sanitize_for_serialization(container.security_context),
        "volumeMounts": [{"name": m.name, "mountPath": m.mount_path} for m in container.volume_mounts or []],
        "environment": {e.name: e.value for e in container.env or [] if e.name.startswith(("FAIRWAY_", "RAY_"))},
        "homeVolume": {"name": pvc.metadata.name, "namespace": spawner.namespace,
                       "storage": pvc.spec.resources.requests.get("storage"),
                       "storageClass": pvc.spec.storage_class_name},
    }


def authenticator(c):
    from jupyterhub.app import JupyterHub

    from jupyterhub import orm

    app = JupyterHub(config=c)
    cls = app.authenticator_class
    # NativeAuthenticator keeps its sign-ups in the hub's database: an empty one in memory here.
    database = orm.new_session_factory("sqlite:///:memory:")()
    auth = cls(config=c, db=database)
    traits = ["authorize_url", "token_url", "userdata_url", "userdata_from_id_token", "oauth_callback_url",
              "client_id", "client_secret", "username_claim", "scope", "login_service", "manage_groups",
              "auth_state_groups_key", "allowed_groups", "admin_groups", "allowed_users", "admin_users",
              "allowed_organizations", "populate_teams_in_auth_state", "allow_all", "open_signup",
              "minimum_password_length"]
    out = {"class": f"{cls.__module__}.{cls.__name__}"}
    for name in traits:
        if auth.has_trait(name):
            value = getattr(auth, name)
            if callable(value):
                value = "<callable>"
            elif isinstance(value, (set, frozenset)):
                value = sorted(value)
            out[name] = value
    if cls.__name__ == "GitHubOAuthenticator" and callable(auth.auth_state_groups_key):
        sample = {"teams": [{"organization": {"login": "example-org"}, "slug": "ml-research"}]}
        out["groupsFromSampleTeams"] = sorted(auth.auth_state_groups_key(sample))
    return out


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chart", required=True)
    parser.add_argument("--values", action="append", default=[])
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--helm", default="helm")
    parser.add_argument("--namespace", default="jupyterhub")
    args = parser.parse_args()
    with open(args.scenario) as f:
        scenario = json.load(f)

    config, secret, env = hub_files(render_chart(args.helm, args.chart, args.values, args.namespace))
    with tempfile.TemporaryDirectory() as root:
        path = install(root, config, secret)
        service_environment(root, env, args.namespace)
        sys.path.insert(0, root)
        # The configuration prints what it loads; keep stdout for the report.
        real_stdout, sys.stdout = sys.stdout, sys.stderr
        try:
            c = load_config(path)
        finally:
            sys.stdout = real_stdout
        # The hub's active servers come from the scenario (the hub app itself is not started).
        hook = c.KubeSpawner.pre_spawn_hook

        users = {u["name"]: User(u["name"], u.get("groups", []), u.get("admin", False)) for u in scenario["users"]}
        active = None
        if "active" in scenario:
            active = [ActiveServer(users.get(a["user"]) or User(a["user"], [], False), a["profile"])
                      for a in scenario["active"]]
        report = {"users": {}, "authenticator": authenticator(c)}
        for user in users.values():
            probe = spawner_for(c, user, {})
            profiles = c.KubeSpawner.profile_list
            offered = profiles(probe) if callable(profiles) else list(profiles or [])
            entry = {"profiles": [], "servers": []}
            for profile in offered:
                entry["profiles"].append(profile["slug"])
                if hook is not None and active is not None and hasattr(hook, "__globals__"):
                    hook.__globals__["_fairway_active_servers"] = lambda: active
                entry["servers"].append(await describe(c, user, profile))
            if not offered and hook is not None:
                try:
                    hook(probe)
                    entry["refused"] = None
                except Exception as error:  # the hook's refusal for a user in no tenant
                    entry["refused"] = {"status": getattr(error, "status_code", None),
                                        "message": getattr(error, "log_message", str(error))}
            report["users"][user.name] = entry
        print(json.dumps(report, indent=2, sort_keys=True, default=str))


if __name__ == "__main__":
    asyncio.run(main())
