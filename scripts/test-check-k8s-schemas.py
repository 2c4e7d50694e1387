#!/usr/bin/env python3
"""Tests the CEL (x-kubernetes-validations) evaluation of scripts/check-k8s-schemas.py.

Builds valid Kueue, Karpenter and KubeRay objects, breaks one CEL rule of the upstream CRDs in each mutated
copy and checks that the script reports exactly that rule's message at the rule's path (a control copy of
each base object must report nothing). A synthetic CRD exercises the Kubernetes CEL library functions
(quantity, strings, lists, regex, URLs, IPs), messageExpression, fieldPath, reason, escaped property
names and the notes for rules that are skipped or not supported. Runs the script twice in all.

Usage: test-check-k8s-schemas.py [--reference DIR]   (default: ../shared/reference next to the repository)
Prints one line per failed case, then `N passed, M failed`; exits 1 if any case failed.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "check-k8s-schemas.py")
NOT_CHECKED = ("some validation rules were not checked because the object was invalid; correct the existing "
               "errors to complete validation")


def meta(name, namespace=None):
    m = {"name": name}
    if namespace:
        m["namespace"] = namespace
    return m


def cluster_queue(name):
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue", "metadata": meta(name), "spec": {
        "cohortName": "pool", "preemption": {"reclaimWithinCohort": "Any", "withinClusterQueue": "LowerPriority"},
        "resourceGroups": [{"coveredResources": ["cpu", "memory"], "flavors": [{"name": "f", "resources": [
            {"name": "cpu", "nominalQuota": "4", "borrowingLimit": "4"},
            {"name": "memory", "nominalQuota": "8Gi"}]}]}]}}


def cohort(name):
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Cohort", "metadata": meta(name), "spec": {
        "resourceGroups": [{"coveredResources": ["cpu", "memory"], "flavors": [{"name": "f", "resources": [
            {"name": "cpu", "nominalQuota": "4"}, {"name": "memory", "nominalQuota": "8Gi"}]}]}]}}


def resource_flavor(name):
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ResourceFlavor", "metadata": meta(name), "spec": {
        "nodeLabels": {"fairway.dev/gpu-class": "a100"},
        "nodeTaints": [{"key": "nvidia.com/gpu", "effect": "NoSchedule"}],
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]}}


def local_queue(name):
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "LocalQueue", "metadata": meta(name, "team"),
            "spec": {"clusterQueue": "team-a100"}}


def node_pool(name):
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": meta(name), "spec": {
        "template": {"metadata": {"labels": {"ml.example.com/workload": "general"}}, "spec": {
            "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "cpu-general"},
            "requirements": [
                {"key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": ["m6i", "m7i"]},
                {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot", "on-demand"]},
                {"key": "karpenter.k8s.aws/instance-cpu", "operator": "Gt", "values": ["3"]}],
            "expireAfter": "720h"}},
        "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "2m",
                       "budgets": [{"nodes": "10%"}, {"nodes": "0", "schedule": "0 9 * * mon-fri",
                                                      "duration": "8h"}]},
        "limits": {"cpu": "1000"}, "weight": 10}}


def ec2_node_class(name):
    return {"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "metadata": meta(name), "spec": {
        "role": "KarpenterNodeRole-ml-platform", "amiSelectorTerms": [{"alias": "bottlerocket@latest"}],
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "ml-platform"}}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "ml-platform"}}],
        "tags": {"fairway.dev/nodepool": name},
        "kubelet": {"imageGCHighThresholdPercent": 85, "imageGCLowThresholdPercent": 80,
                    "evictionSoft": {"memory.available": "5%"},
                    "evictionSoftGracePeriod": {"memory.available": "1m"},
                    "kubeReserved": {"cpu": "200m", "memory": "1Gi"}}}}


def pod_template(container):
    return {"spec": {"containers": [{"name": container, "image": "rayproject/ray:2.52.0"}]}}


def ray_cluster_spec():
    return {"rayVersion": "2.52.0", "headGroupSpec": {"rayStartParams": {}, "template": pod_template("ray-head")},
            "workerGroupSpecs": [{"groupName": "workers", "replicas": 1, "minReplicas": 0, "maxReplicas": 2,
                                  "rayStartParams": {}, "template": pod_template("ray-worker")}]}


def ray_job(name):
    return {"apiVersion": "ray.io/v1", "kind": "RayJob", "metadata": meta(name, "team"), "spec": {
        "entrypoint": "python train.py", "shutdownAfterJobFinishes": True, "managedBy": "kueue.x-k8s.io/multikueue",
        "rayClusterSpec": ray_cluster_spec()}}


def ray_cluster(name):
    spec = ray_cluster_spec()
    spec["managedBy"] = "ray.io/kuberay-operator"
    return {"apiVersion": "ray.io/v1", "kind": "RayCluster", "metadata": meta(name, "team"), "spec": spec}


def ray_service(name):
    return {"apiVersion": "ray.io/v1", "kind": "RayService", "metadata": meta(name, "team"), "spec": {
        "rayClusterConfig": ray_cluster_spec()}}


def mutated(factory, name, change):
    obj = factory(name)
    change(obj)
    return obj


def label(obj):
    return f"{obj['kind']}/{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"


# (description, object, expected problem lines after "<label>: ")
def upstream_cases():
    cases = []

    def case(description, factory, change, *expected):
        name = f"case-{len(cases)}"
        cases.append((description, mutated(factory, name, change), list(expected)))

    for factory in (cluster_queue, cohort, resource_flavor, local_queue, node_pool, ec2_node_class, ray_job,
                    ray_cluster, ray_service):
        case(f"a valid {factory.__name__} passes every rule", factory, lambda o: None)

    # Kueue ClusterQueue
    case("ClusterQueue: borrowingLimit without cohortName", cluster_queue,
         lambda o: o["spec"].pop("cohortName"),
         ".spec: borrowingLimit must be nil when cohort is empty")
    case("ClusterQueue: a flavor lists fewer resources than coveredResources", cluster_queue,
         lambda o: o["spec"]["resourceGroups"][0]["flavors"][0]["resources"].pop(),
         ".spec.resourceGroups[0]: flavors must have the same number of resources as the coveredResources")
    case("ClusterQueue: reclaimWithinCohort Never with borrowWithinCohort LowerPriority", cluster_queue,
         lambda o: o["spec"].update(preemption={"reclaimWithinCohort": "Never",
                                                "borrowWithinCohort": {"policy": "LowerPriority"}}),
         ".spec.preemption: reclaimWithinCohort=Never and borrowWithinCohort.Policy!=Never")
    case("ClusterQueue: the rule sees defaults (reclaimWithinCohort defaults to Never)", cluster_queue,
         lambda o: o["spec"].update(preemption={"borrowWithinCohort": {"policy": "LowerPriority"}}),
         ".spec.preemption: reclaimWithinCohort=Never and borrowWithinCohort.Policy!=Never")
    case("ClusterQueue: flavorFungibility preference while whenCanBorrow defaults to MayStopSearch",
         cluster_queue,
         lambda o: o["spec"].update(flavorFungibility={"preference": "BorrowingOverPreemption",
                                                       "whenCanPreempt": "TryNextFlavor"}),
         ".spec.flavorFungibility: preference can only be set when both whenCanBorrow and whenCanPreempt are "
         "TryNextFlavor")
    case("ClusterQueue: flavorFungibility preference with both TryNextFlavor is valid", cluster_queue,
         lambda o: o["spec"].update(flavorFungibility={"preference": "BorrowingOverPreemption",
                                                       "whenCanBorrow": "TryNextFlavor",
                                                       "whenCanPreempt": "TryNextFlavor"}))
    case("ClusterQueue: an enum violation blocks the rules, as in the API server", cluster_queue,
         lambda o: (o["spec"].pop("cohortName"), o["spec"].update(queueingStrategy="Bogus")),
         f".: {NOT_CHECKED}",
         '.spec.queueingStrategy: unsupported value "Bogus": must be one of "StrictFIFO", "BestEffortFIFO"')
    case("ClusterQueue: an unknown field does not block the rules (the API server prunes it)", cluster_queue,
         lambda o: (o["spec"].pop("cohortName"), o["spec"].update(cohort="typo")),
         ".spec: borrowingLimit must be nil when cohort is empty", '.spec.cohort: unknown field "cohort"')
    # Kueue Cohort and ResourceFlavor
    case("Cohort: a flavor lists more resources than coveredResources", cohort,
         lambda o: o["spec"]["resourceGroups"][0]["flavors"][0]["resources"].append(
             {"name": "nvidia.com/gpu", "nominalQuota": "0"}),
         ".spec.resourceGroups[0]: flavors must have the same number of resources as the coveredResources")
    case("ResourceFlavor: topologyName without nodeLabels", resource_flavor,
         lambda o: (o["spec"].pop("nodeLabels"), o["spec"].update(topologyName="default")),
         ".spec: no such key: nodeLabels evaluating rule: at least one nodeLabel is required when topology is set")
    case("ResourceFlavor: topologyName with empty nodeLabels", resource_flavor,
         lambda o: o["spec"].update(topologyName="default", nodeLabels={}),
         ".spec: at least one nodeLabel is required when topology is set")
    case("ResourceFlavor: a toleration without key must use Exists", resource_flavor,
         lambda o: o["spec"]["tolerations"].append({"operator": "Equal", "value": "x"}),
         ".spec.tolerations: operator must be Exists when 'key' is empty, which means 'match all values and all "
         "keys'")
    case("ResourceFlavor: tolerationSeconds needs NoExecute; Exists takes no value", resource_flavor,
         lambda o: o["spec"]["tolerations"].append({"key": "a", "operator": "Exists", "value": "v",
                                                    "effect": "NoSchedule", "tolerationSeconds": 5}),
         ".spec.tolerations: effect must be 'NoExecute' when 'tolerationSeconds' is set",
         ".spec.tolerations: a value must be empty when 'operator' is 'Exists'")
    # Karpenter NodePool
    case("NodePool: a requirement on a restricted karpenter.sh label", node_pool,
         lambda o: o["spec"]["template"]["spec"]["requirements"].append(
             {"key": "karpenter.sh/custom", "operator": "Exists"}),
         '.spec.template.spec.requirements[3].key: label domain "karpenter.sh" is restricted')
    case("NodePool: kubernetes.io/hostname and karpenter.sh/nodepool are restricted", node_pool,
         lambda o: o["spec"]["template"]["spec"]["requirements"].extend([
             {"key": "kubernetes.io/hostname", "operator": "Exists"},
             {"key": "karpenter.sh/nodepool", "operator": "Exists"}]),
         '.spec.template.spec.requirements[3].key: label "kubernetes.io/hostname" is restricted',
         '.spec.template.spec.requirements[4].key: label "karpenter.sh/nodepool" is restricted')
    case("NodePool: operator In with no values", node_pool,
         lambda o: o["spec"]["template"]["spec"]["requirements"].append(
             {"key": "kubernetes.io/arch", "operator": "In", "values": []}),
         ".spec.template.spec.requirements: requirements with operator 'In' must have a value defined")
    case("NodePool: operator Gt with a negative value", node_pool,
         lambda o: o["spec"]["template"]["spec"]["requirements"][2].update(values=["-1"]),
         ".spec.template.spec.requirements: requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a "
         "single positive integer value")
    case("NodePool: operator Gt with a non-integer value is a rule evaluation error", node_pool,
         lambda o: o["spec"]["template"]["spec"]["requirements"][2].update(values=["many"]),
         ".spec.template.spec.requirements: strconv.ParseInt: parsing \"many\": invalid syntax evaluating rule: "
         "requirements "
         "operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value")
    case("NodePool: minValues above the number of values", node_pool,
         lambda o: o["spec"]["template"]["spec"]["requirements"][0].update(minValues=3),
         ".spec.template.spec.requirements: requirements with 'minValues' must have at least that many values "
         "specified in the 'values' field")
    case("NodePool: a template label in the karpenter.k8s.aws domain", node_pool,
         lambda o: o["spec"]["template"]["metadata"]["labels"].update({"karpenter.k8s.aws/custom": "x"}),
         '.spec.template.metadata.labels: label domain "karpenter.k8s.aws" is restricted')
    case("NodePool: a disruption budget schedule without duration", node_pool,
         lambda o: o["spec"]["disruption"]["budgets"][1].pop("duration"),
         ".spec.disruption.budgets: 'schedule' must be set with 'duration'")
    case("NodePool: a static NodePool (replicas) with weight and cpu limits", node_pool,
         lambda o: o["spec"].update(replicas=2),
         ".spec: 'weight' is not supported on static NodePools",
         ".spec: only 'limits.nodes' is supported on static NodePools")
    case("NodePool: an empty nodeClassRef name", node_pool,
         lambda o: o["spec"]["template"]["spec"]["nodeClassRef"].update(name=""),
         ".spec.template.spec.nodeClassRef.name: name may not be empty")
    # Karpenter EC2NodeClass
    case("EC2NodeClass: both role and instanceProfile", ec2_node_class,
         lambda o: o["spec"].update(instanceProfile="profile"),
         ".spec: must specify exactly one of ['role', 'instanceProfile']")
    case("EC2NodeClass: an alias without a version", ec2_node_class,
         lambda o: o["spec"]["amiSelectorTerms"][0].update(alias="bottlerocket"),
         ".spec.amiSelectorTerms[0].alias: 'alias' is improperly formatted, must match the format "
         "'family@version'")
    case("EC2NodeClass: an unsupported alias family", ec2_node_class,
         lambda o: o["spec"]["amiSelectorTerms"][0].update(alias="ubuntu@latest"),
         ".spec.amiSelectorTerms[0].alias: family is not supported, must be one of the following: 'al2', "
         "'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'")
    case("EC2NodeClass: a windows alias with a pinned version", ec2_node_class,
         lambda o: o["spec"]["amiSelectorTerms"][0].update(alias="windows2022@v20240101"),
         ".spec.amiSelectorTerms[0].alias: windows families may only specify version 'latest'")
    case("EC2NodeClass: amiFamily that contradicts the alias", ec2_node_class,
         lambda o: o["spec"].update(amiFamily="AL2023"),
         ".spec: if set, amiFamily must be 'Bottlerocket' or 'Custom' when using a Bottlerocket alias")
    case("EC2NodeClass: an alias combined with another selector term", ec2_node_class,
         lambda o: o["spec"]["amiSelectorTerms"].append({"id": "ami-0123456789abcdef0"}),
         ".spec.amiSelectorTerms: 'alias' is mutually exclusive, cannot be set with a combination of other "
         "amiSelectorTerms")
    case("EC2NodeClass: a subnet selector term with id and tags", ec2_node_class,
         lambda o: o["spec"]["subnetSelectorTerms"][0].update(id="subnet-0123456789abcdef0"),
         ".spec.subnetSelectorTerms: 'id' is mutually exclusive, cannot be set with a combination of other "
         "fields in a subnet selector term")
    case("EC2NodeClass: a restricted tag", ec2_node_class,
         lambda o: o["spec"]["tags"].update({"kubernetes.io/cluster/ml": "owned"}),
         ".spec.tags: tag contains a restricted tag matching kubernetes.io/cluster/")
    case("EC2NodeClass: an empty selector tag value", ec2_node_class,
         lambda o: o["spec"]["securityGroupSelectorTerms"][0]["tags"].update({"team": ""}),
         ".spec.securityGroupSelectorTerms[0].tags: empty tag keys or values aren't supported")
    case("EC2NodeClass: imageGC high threshold below the low one", ec2_node_class,
         lambda o: o["spec"]["kubelet"].update(imageGCHighThresholdPercent=70),
         ".spec.kubelet: imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent")
    case("EC2NodeClass: evictionSoft without evictionSoftGracePeriod is a rule evaluation error",
         ec2_node_class, lambda o: o["spec"]["kubelet"].pop("evictionSoftGracePeriod"),
         ".spec.kubelet: no such key: evictionSoftGracePeriod evaluating rule: evictionSoft OwnerKey does not "
         "have a matching evictionSoftGracePeriod")
    case("EC2NodeClass: an evictionSoftGracePeriod key without evictionSoft", ec2_node_class,
         lambda o: o["spec"]["kubelet"]["evictionSoftGracePeriod"].update({"nodefs.available": "1m"}),
         ".spec.kubelet: evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft")
    case("EC2NodeClass: a kubeReserved key that is not allowed", ec2_node_class,
         lambda o: o["spec"]["kubelet"]["kubeReserved"].update({"nvidia.com/gpu": "1"}),
         ".spec.kubelet.kubeReserved: valid keys for kubeReserved are ['cpu','memory','ephemeral-storage','pid']")
    case("EC2NodeClass: two root volumes", ec2_node_class,
         lambda o: o["spec"].update(blockDeviceMappings=[
             {"deviceName": "/dev/xvda", "rootVolume": True, "ebs": {"volumeSize": "20Gi"}},
             {"deviceName": "/dev/xvdb", "rootVolume": True, "ebs": {"volumeSize": "100Gi"}}]),
         ".spec.blockDeviceMappings: must have only one blockDeviceMappings with rootVolume")
    case("EC2NodeClass: an EBS volume without snapshotID or volumeSize", ec2_node_class,
         lambda o: o["spec"].update(blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp3"}}]),
         ".spec.blockDeviceMappings[0].ebs: snapshotID or volumeSize must be defined")
    # KubeRay
    case("RayJob: managedBy outside the allowed controllers", ray_job,
         lambda o: o["spec"].update(managedBy="example.com/controller"),
         ".spec.managedBy: the managedBy field value must be either 'ray.io/kuberay-operator' or "
         "'kueue.x-k8s.io/multikueue'")
    case("RayJob: a deletionStrategy with onSuccess only", ray_job,
         lambda o: o["spec"].update(deletionStrategy={"onSuccess": {"policy": "DeleteCluster"}}),
         ".spec.deletionStrategy: deletionStrategy requires either BOTH onSuccess and onFailure, OR the "
         "deletionRules field (cannot be empty)")
    case("RayJob: a deletion rule condition with both jobStatus and jobDeploymentStatus", ray_job,
         lambda o: o["spec"].update(deletionStrategy={"deletionRules": [
             {"policy": "DeleteCluster", "condition": {"jobStatus": "SUCCEEDED", "jobDeploymentStatus": "Failed"}}]}),
         ".spec.deletionStrategy.deletionRules[0].condition: JobStatus and JobDeploymentStatus cannot be used "
         "together within the same deletion condition.")
    case("RayCluster: managedBy outside the allowed controllers", ray_cluster,
         lambda o: o["spec"].update(managedBy="kueue"),
         ".spec.managedBy: the managedBy field value must be either 'ray.io/kuberay-operator' or "
         "'kueue.x-k8s.io/multikueue'")
    case("RayService: rayClusterConfig.managedBy outside the allowed controllers", ray_service,
         lambda o: o["spec"]["rayClusterConfig"].update(managedBy="kueue"),
         ".spec.rayClusterConfig.managedBy: the managedBy field value must be either 'ray.io/kuberay-operator' or "
         "'kueue.x-k8s.io/multikueue'")
    return cases


WIDGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.test.fairway.dev"},
    "spec": {"group": "test.fairway.dev", "scope": "Namespaced",
             "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
             "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                 "type": "object",
                 "x-kubernetes-validations": [
                     {"rule": "self.metadata.name.startsWith('w-')", "message": "names start with w-"},
                     {"rule": "!has(self.metadata.namespace)", "message": "metadata holds only name"}],
                 "properties": {"spec": {
                     "type": "object",
                     "x-kubernetes-validations": [
                         {"rule": "quantity(self.limit).compareTo(quantity(self.request)) >= 0",
                          "messageExpression": "'limit ' + self.limit + ' is below request ' + self.request",
                          "fieldPath": ".limit", "reason": "FieldValueForbidden"},
                         {"rule": "!has(self.limit) || isQuantity(self.limit)", "message": "not a quantity"},
                         {"rule": "!has(self.limit) || !isQuantity(self.limit) || "
                                  "quantity(self.limit).isLessThan(quantity('1Ti'))", "message": "limit too big"},
                         {"rule": "self.tier.lowerAscii() in ['gold', 'silver']", "message": "unknown tier"},
                         {"rule": "self.url == '' || isURL(self.url) && url(self.url).getScheme() == 'https'",
                          "message": "https URL required"},
                         {"rule": "!has(self.__namespace__) || self.__namespace__.size() <= 5",
                          "message": "namespace too long"},
                         {"rule": "!has(self.max__dash__size) || self.max__dash__size > 0",
                          "message": "max-size must be positive"},
                         {"rule": "sets.contains(self.ports, [80])", "message": "needs port 80"},
                         {"rule": "self.ports == oldSelf.ports", "message": "ports are immutable"},
                         {"rule": "self.?tier.orValue('') != 'x'", "message": "optional syntax"},
                         {"rule": "self.ports.isSorted() && self.ports.sum() < 100000 && "
                                  "self.ports.indexOf(443) != 0", "message": "ports must be sorted"},
                         {"rule": "self.ports.all(p, p > 0)", "message": "a port must be positive"},
                         {"rule": "self.size == 3 || self.size == '3'", "message": "size must be 3"},
                         {"rule": "'%s-%d'.format([self.tier, self.ports.size()]) != 'gold-0'",
                          "message": "gold needs ports"},
                         {"rule": "!has(self.ip) || isIP(self.ip) && ip(self.ip).family() == 4 && "
                                  "cidr('10.0.0.0/8').containsIP(ip(self.ip))", "message": "ip not in 10/8"},
                         {"rule": "self.tier.split('-').size() == 1 && self.tier.find('[0-9]+') == ''",
                          "message": "tier has no dashes or digits"},
                         {"rule": "self.weight >= 0.5", "message": "weight is a double, at least 0.5"}],
                     "properties": {
                         "limit": {"type": "string"}, "request": {"type": "string", "default": "1Gi"},
                         "tier": {"type": "string"}, "url": {"type": "string", "default": ""},
                         "namespace": {"type": "string"}, "max-size": {"type": "integer"},
                         "ports": {"type": "array", "items": {"type": "integer"}, "default": []},
                         "size": {"x-kubernetes-int-or-string": True},
                         "ip": {"type": "string"}, "weight": {"type": "number", "default": 1},
                         "labels": {"type": "object", "additionalProperties": {
                             "type": "string",
                             "x-kubernetes-validations": [{"rule": "self != ''"}]}}}}}}}}]}}


def widget(name, **spec):
    base = {"limit": "2Gi", "tier": "Gold", "size": 3, "ports": [80]}
    base.update(spec)
    return {"apiVersion": "test.fairway.dev/v1", "kind": "Widget", "metadata": meta(name, "team"), "spec": base}


def widget_cases():
    cases = []

    def case(description, obj, *expected):
        cases.append((description, obj, list(expected)))

    case("Widget: a valid object passes (unsupported and transition rules are notes, not problems)",
         widget("w-ok"))
    case("Widget: a root rule sees metadata.name", widget("bad-name"), ".: names start with w-")
    case("quantity compareTo, messageExpression, fieldPath and reason", widget("w-quantity", limit="512Mi"),
         ".spec.limit: Forbidden: limit 512Mi is below request 1Gi")
    case("isQuantity on a bad quantity; quantity() is an evaluation error (at the rule's path, with the rule)",
         widget("w-bad-quantity", limit="lots"),
         ".spec: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' "
         "evaluating rule: quantity(self.limit).compareTo(quantity(self.request)) >= 0",
         ".spec: not a quantity")
    case("quantities compare by value (1024Mi == 1Gi)", widget("w-equal", limit="1024Mi"))
    case("quantity isLessThan", widget("w-huge", limit="2Ti"), ".spec: limit too big")
    case("lowerAscii", widget("w-tier", tier="Bronze"), ".spec: unknown tier")
    case("isURL and url().getScheme()", widget("w-url", url="http://example.com/x"), ".spec: https URL required")
    case("a reserved-word property is self.__namespace__", widget("w-ns", namespace="toolong"),
         ".spec: namespace too long")
    case("a dashed property is self.max__dash__size", widget("w-max", **{"max-size": 0}),
         ".spec: max-size must be positive")
    case("list isSorted", widget("w-sorted", ports=[443, 80]), ".spec: ports must be sorted")
    case("list indexOf", widget("w-index", ports=[443]), ".spec: ports must be sorted")
    case("int-or-string as a string", widget("w-size", size="4"), ".spec: size must be 3")
    case("format()", widget("w-format", ports=[], tier="gold"), ".spec: gold needs ports")
    case("ip(), family(), cidr().containsIP()", widget("w-ip", ip="192.168.0.1"), ".spec: ip not in 10/8")
    case("split() and find()", widget("w-split", tier="gold-2"), ".spec: tier has no dashes or digits",
         ".spec: unknown tier")
    case("a number field is a double", widget("w-weight", weight=0.25), ".spec: weight is a double, at least 0.5")
    case("a rule on map values, without a message", widget("w-labels", labels={"a": "x", "b": ""}),
         ".spec.labels.b: failed rule: self != ''")
    case("a type error blocks the rules", widget("w-type", ports="80"),
         f".: {NOT_CHECKED}", '.spec.ports: expected array, got string "80"')
    return cases


# Kubernetes CEL library functions, evaluated in-process: (expression, expected: True, or "error").
LIBRARY_CASES = [
    ("quantity('1') == quantity('1000m') && quantity('1Gi') == quantity('1024Mi')", True),
    ("quantity('1').add(1) == quantity('2') && quantity('1Gi').sub(quantity('512Mi')) == quantity('512Mi')", True),
    ("quantity('1.5').isInteger() == false && quantity('2k').asInteger() == 2000", True),
    ("quantity('500m').asApproximateFloat() == 0.5 && quantity('-1').sign() == -1", True),
    ("quantity('1e3').compareTo(quantity('1k')) == 0 && quantity('2').isGreaterThan(quantity('1500m'))", True),
    ("isQuantity('1Gi') && !isQuantity('1GB') && !isQuantity('')", True),
    ("quantity('1.5').asInteger()", "error"),
    ("quantity('GB')", "error"),
    ("'a,b,c'.split(',') == ['a', 'b', 'c'] && 'a,b,c'.split(',', 2) == ['a', 'b,c'] && 'a'.split(',', 0) == []",
     True),
    ("'hello'.indexOf('l') == 2 && 'hello'.lastIndexOf('l') == 3 && 'hello'.indexOf('z') == -1", True),
    ("'hello'.substring(1, 3) == 'el' && 'hello'.substring(2) == 'llo' && 'abc'.charAt(1) == 'b'", True),
    ("'hello'.substring(9)", "error"),
    ("' x '.trim() == 'x' && ['a', 'b'].join('-') == 'a-b' && ['a', 'b'].join() == 'ab'", True),
    ("'ÄBC'.lowerAscii() == 'Äbc' && 'abc'.upperAscii() == 'ABC' && 'a-b-c'.replace('-', '', 1) == 'ab-c'", True),
    ("'a1b22'.find('[0-9]+') == '1' && 'a1b22'.findAll('[0-9]+') == ['1', '22'] && 'ab'.find('[0-9]') == ''",
     True),
    ("'karpenter.sh/x'.find('^([^/]+)') == 'karpenter.sh' && 'x'.matches('^x$')", True),
    ("[1, 2, 3].sum() == 6 && [3, 1, 2].min() == 1 && [1, 2].max() == 2 && [].sum() == 0", True),
    ("[1, 2, 2].isSorted() && ![2, 1].isSorted() && ['a', 'b'].isSorted()", True),
    ("[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && [1].indexOf(3) == -1", True),
    ("'%s has %d items'.format(['x', 3]) == 'x has 3 items' && '%.2f'.format([1.0 / 3.0]) == '0.33'", True),
    ("url('https://example.com:8443/p?q=1').getPort() == '8443' && "
     "url('https://[::1]:80/').getHostname() == '::1' && url('https://example.com/a/b').getEscapedPath() == '/a/b'",
     True),
    ("isURL('https://example.com') && isURL('/path') && !isURL('example.com') && "
     "url('https://e.com/?a=1&a=2').getQuery() == {'a': ['1', '2']}", True),
    ("isIP('10.1.2.3') && !isIP('10.1.2') && ip('::1').family() == 6 && ip('127.0.0.1').isLoopback()", True),
    ("isCIDR('10.0.0.0/8') && cidr('10.0.0.0/8').prefixLength() == 8 && "
     "cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16') && !cidr('10.0.0.0/8').containsIP('11.0.0.1')", True),
    ("1 == 1.0 && 'a' != 1 && !(1 == 'a') && [1, 'a'] == [1, 'a'] && {'a': 1} == {'a': 1} && null != 0", True),
    ("1 < 1.5 && 2.5 > 1 && !('3' in [3]) && 3 in [3.0] && !(1 in {'a': 1}) && 'b' in ['a', 'b']", True),
    ("'ab' < 'b' && timestamp('2024-01-01T00:00:00Z') < timestamp('2025-01-01T00:00:00Z')", True),
    ("[1] < [2]", "error"),
    ("int('-5') == -5 && int(2.9) == 2", True),
    ("int(' 5')", "error"),
    ("int('1_000')", "error"),
]


def library_cases(failures):
    import importlib.util
    spec = importlib.util.spec_from_file_location("check_k8s_schemas", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    validator = module.CelValidator()
    passed = 0
    for expression, expected in LIBRARY_CASES:
        rule = validator.compiled({"rule": expression})
        if rule.program is None:
            failures.append(f"FAIL library {expression!r}: not evaluated ({rule.unsupported or rule.skip})")
            continue
        try:
            result = rule.program.evaluate({})
        except module.celpy.CELEvalError as error:
            result = error
        except Exception as error:
            failures.append(f"FAIL library {expression!r}: crashed with {type(error).__name__}: {error}")
            continue
        got = "error" if isinstance(result, module.celpy.CELEvalError) else result
        if (expected == "error" and got == "error") or (expected is True and got != "error" and got == True):
            passed += 1
        else:
            failures.append(f"FAIL library {expression!r}: expected {expected}, got {result!r}")
    return passed


def run(reference_args, objects, verbose=True):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(objects, f)
        path = f.name
    try:
        result = subprocess.run([sys.executable, SCRIPT] + reference_args + ["--kubernetes-version", "1.33"]
                                + (["--verbose"] if verbose else []) + [path],
                                capture_output=True, text=True)
    finally:
        os.unlink(path)
    return result


def check_cases(cases, result, failures):
    lines = result.stdout.splitlines()
    passed = 0
    for description, obj, expected in cases:
        prefix = label(obj) + ": "
        got = sorted(line[len(prefix):] for line in lines if line.startswith(prefix))
        if got == sorted(expected):
            passed += 1
        else:
            failures.append(f"FAIL {description} ({label(obj)}):\n  expected {sorted(expected)}\n  got      {got}")
    return passed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default=os.path.join(HERE, "..", "..", "shared", "reference"))
    args = parser.parse_args()
    reference = os.path.abspath(args.reference)
    failures = []
    passed = library_cases(failures)

    cases = upstream_cases()
    result = run([a for kind in ("kueue", "karpenter", "kuberay") for a in ("--crds", os.path.join(reference, kind))],
                 [obj for _, obj, _ in cases])
    if result.returncode not in (0, 1):
        print(result.stdout + result.stderr)
        print(f"0 passed, {len(cases)} failed")
        return 1
    passed += check_cases(cases, result, failures)
    # The transition rule of a LocalQueue is skipped, and --verbose says so.
    skipped = "LocalQueue/team/case-3: .spec.clusterQueue: CEL rule skipped, a transition rule"
    if any(line.startswith("note: " + skipped) for line in result.stdout.splitlines()):
        passed += 1
    else:
        failures.append(f"FAIL the LocalQueue's oldSelf rule is reported as skipped: no note '{skipped}…'")
    problems = sum(len(expected) for _, _, expected in cases)
    if result.stdout.splitlines()[-1] == f"{len(cases)} objects checked, {problems} problems":
        passed += 1
    else:
        failures.append(f"FAIL last line: {result.stdout.splitlines()[-1]!r}")

    with tempfile.TemporaryDirectory() as crds:
        with open(os.path.join(crds, "widgets.json"), "w") as f:
            json.dump(WIDGET_CRD, f)
        cases = widget_cases()
        result = run(["--crds", crds], [obj for _, obj, _ in cases])
        if result.returncode not in (0, 1):
            failures.append("FAIL the Widget run: " + result.stdout + result.stderr)
        else:
            passed += check_cases(cases, result, failures)
            notes = [line for line in result.stdout.splitlines() if line.startswith("note: Widget/team/w-ok: ")]
            for wanted in ("CEL rule not checked, it uses sets, which this checker does not implement",
                           "CEL rule not checked, cel-python cannot parse it",
                           "CEL rule skipped, a transition rule (it references oldSelf)"):
                if any(wanted in note for note in notes):
                    passed += 1
                else:
                    failures.append(f"FAIL a note for Widget/team/w-ok containing {wanted!r}; notes: {notes}")

    for failure in failures:
        print(failure)
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
