#!/usr/bin/env python3
"""Writes a synthetic platform repository for benchmarks: N tenants, each with 5 namespaces and
4 Ray workloads, sharing two GPU classes; above 1,000 tenants the fairness policy is split into
parts (policies/fairness/). Usage: gen-synthetic-repo.py TENANTS OUT_DIR"""
import os
import sys

tenants = int(sys.argv[1])
out = sys.argv[2]


def write(path, text):
    full = os.path.join(out, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


HEADER = "apiVersion: fairway.dev/v1alpha1\n"
write("cluster.yaml", HEADER + """kind: Cluster
metadata: {name: cluster}
spec:
  aws: {accountId: "111122223333", region: us-west-2}
  eks:
    clusterName: bench
    kubernetesVersion: "1.33"
    nodeRoleArn: arn:aws:iam::111122223333:role/bench-node
    subnetIds: [subnet-0a1b2c3d, subnet-0b1c2d3e]
    karpenter: {nodeRole: bench-karpenter, discoveryTag: bench}
  scheduling:
    priorityClasses:
      - {name: batch, value: 1000, default: true}
      - {name: interactive, value: 5000}
  reconcile: {interval: 5m, prune: true}
""")
capacity_nodes = max(1, (tenants * 2 + 7) // 8)
write("nodepools/gpu-a100.yaml", HEADER + f"""kind: NodePool
metadata: {{name: gpu-a100}}
spec:
  provisioner: karpenter
  gpu: {{class: a100, model: a100}}
  instances: {{types: [p4d.24xlarge], capacityTypes: [on-demand]}}
  capacity: {{maxNodes: {capacity_nodes}}}
""")
write("nodepools/gpu-l4.yaml", HEADER + f"""kind: NodePool
metadata: {{name: gpu-l4}}
spec:
  provisioner: karpenter
  gpu: {{class: l4, model: l4}}
  instances: {{families: [g6], sizes: [xlarge, 2xlarge], capacityTypes: [spot, on-demand]}}
  capacity: {{maxNodes: {tenants * 2}}}
""")
write("jupyterhub/images.yaml", HEADER + """kind: NotebookCatalog
metadata: {name: images}
spec:
  images:
    - {name: scipy, ref: quay.io/jupyter/scipy-notebook:2025-06-16}
  profiles:
    - name: cpu
      images: [scipy]
      default: true
      resources: {cpu: {guarantee: "1", limit: "2"}, memory: {guarantee: 2Gi, limit: 4Gi}}
""")
# The fairness policy: one file, or above SPLIT_TENANTS tenants (or when one file would pass
# SPLIT_BYTES, half of Fairway's 1 MiB file limit) split into parts: policies/default.yaml with the
# defaults, and policies/fairness/<class>-<n>.yaml with up to PART_TENANTS tenants of one class each.
SPLIT_TENANTS = 1000
SPLIT_BYTES = 512 * 1024
PART_TENANTS = 2000
POLICY_HEADER = HEADER + "kind: GpuFairnessPolicy\nmetadata: {name: default}\nspec:\n"
CLASSES = ("a100", "l4")


def share(t):
    return f"        team-{t:05d}: {{guaranteed: 1, weight: {1 + t % 3}, borrowingLimit: 8}}\n"


def class_text(cls, team_range, max_share):
    head = f"    {cls}:\n" + ("      maxSharePercent: 50\n" if max_share else "") + "      tenants:\n"
    return head + "".join(share(t) for t in team_range)


one_file = POLICY_HEADER + "  defaults: {weight: 1}\n  classes:\n" + "".join(
    class_text(cls, range(tenants), True) for cls in CLASSES)
if tenants <= SPLIT_TENANTS and len(one_file.encode()) <= SPLIT_BYTES:
    write("policies/default.yaml", one_file)
else:
    write("policies/default.yaml", POLICY_HEADER + "  defaults: {weight: 1}\n")
    for cls in CLASSES:
        for n, start in enumerate(range(0, tenants, PART_TENANTS)):
            part = class_text(cls, range(start, min(start + PART_TENANTS, tenants)), n == 0)
            write(f"policies/fairness/{cls}-{n + 1}.yaml", POLICY_HEADER + "  classes:\n" + part)

for t in range(tenants):
    name = f"team-{t:05d}"
    namespaces = "".join(f"    - {{name: {name}-ns{n}, purpose: workload namespace {n}}}\n" for n in range(5))
    write(f"tenants/{name}.yaml", HEADER + f"""kind: Tenant
metadata: {{name: {name}}}
spec:
  displayName: Team {t}
  owners: [owner-{t}@example.com]
  members: {{groups: [{name}-devs], users: [user-{t}@example.com]}}
  namespaces:
{namespaces}  quota: {{requests.cpu: "64", requests.memory: 256Gi, pods: "200"}}
  defaults: {{priorityClass: batch, containerLimits: {{cpu: "2", memory: 8Gi}}}}
  allowedPriorityClasses: [batch, interactive]
  gpuClasses: [a100, l4]
  notebooks: {{profiles: [cpu], maxServersPerUser: 1}}
  ray: {{maxWorkerReplicas: 16}}
  serviceAccount: {{name: {name}-workloads, iamRoleArn: "arn:aws:iam::111122223333:role/{name}"}}
""")
    for w in range(4):
        kind = ["RayJob", "RayCluster", "RayService", "RayJob"][w]
        extra = ""
        if kind == "RayJob":
            extra = "  job: {entrypoint: python train.py, activeDeadlineSeconds: 3600}\n"
        elif kind == "RayService":
            extra = "  serve:\n    config:\n      applications: [{name: app, import_path: serve:app}]\n"
        gpu_class = "a100" if w % 2 == 0 else "l4"
        write(f"ray/{name}/work-{w}.yaml", HEADER + f"""kind: {kind}
metadata: {{name: work-{w}}}
spec:
  namespace: {name}-ns{w}
  gpuClass: {gpu_class}
  rayVersion: "2.52.0"
  image: rayproject/ray:2.52.0-py311-gpu
  head: {{cpu: "2", memory: 8Gi}}
  workerGroups:
    - name: gpu
      replicas: 1
      minReplicas: 0
      maxReplicas: 2
      resources: {{cpu: "8", memory: 32Gi, gpu: 1}}
{extra}""")
