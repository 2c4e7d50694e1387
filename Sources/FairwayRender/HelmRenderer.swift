import FairwayCore
import FairwayModel

/// Renders the add-ons pinned in cluster.yaml as Helm releases: the values Fairway computes from the
/// rest of the repository, with the add-on's own `values` merged over them. Releases name the
/// releases they depend on (`dependsOn`), which apply installs first; an add-on that cluster.yaml does not pin is not rendered.
struct HelmRenderer {
    let platform: Platform

    /// Where the KubeRay operator runs (tenant network policies let it reach Ray heads).
    static let kubeRayNamespace = "kuberay-system"

    func render() -> [HelmRelease] {
        guard let cluster = platform.cluster, let addons = cluster.spec.addons else { return [] }
        let path = cluster.path
        var releases: [HelmRelease] = []
        if let kueue = addons.kueue {
            // Kueue's RayJob and RayCluster integrations need the Ray CRDs the operator's chart brings.
            releases.append(HelmRelease(
                name: "kueue", namespace: "kueue-system", chart: "kueue", repository: "oci://registry.k8s.io/kueue/charts",
                version: kueue.version, values: KueueValues(platform: platform).values.merging(kueue.values ?? [:]),
                sourcePath: path, dependsOn: addons.kuberayOperator == nil ? [] : HelmRelease.chartDependencies["kueue"] ?? [],
                sensitiveValues: kueue.sensitiveValues ?? []))
        }
        if let kuberay = addons.kuberayOperator {
            releases.append(HelmRelease(
                name: "kuberay-operator", namespace: Self.kubeRayNamespace, chart: "kuberay-operator",
                repository: "https://ray-project.github.io/kuberay-helm/", version: kuberay.version,
                values: kubeRayValues.merging(kuberay.values ?? [:]), sourcePath: path,
                sensitiveValues: kuberay.sensitiveValues ?? []))
        }
        if let stack = addons.gpuStack {
            let values = GPUStackValues(platform: platform, type: stack.type)
            releases.append(HelmRelease(
                name: values.releaseName, namespace: values.releaseName, chart: values.releaseName,
                repository: values.repository, version: stack.version, values: values.values.merging(stack.values ?? [:]),
                sourcePath: path, sensitiveValues: stack.sensitiveValues ?? []))
        }
        if let hub = addons.jupyterhub {
            releases.append(HelmRelease(
                name: "jupyterhub", namespace: hub.namespace ?? "jupyterhub", chart: "jupyterhub",
                repository: "https://hub.jupyter.org/helm-chart/", version: hub.version,
                values: JupyterHubValues(platform: platform, hub: hub).values.merging(hub.values ?? [:]),
                sourcePath: path, sensitiveValues: hub.sensitiveValues ?? []))
        }
        return releases
    }

    /// KubeRay's operator needs about 500Mi of memory per 500 Ray pods (its own sizing guidance):
    /// the limit follows the largest number of Ray pods the repository's workloads can reach.
    private var kubeRayValues: JSONValue {
        let pods = platform.rayWorkloads.reduce(0) { $0.saturatingAdding(1).saturatingAdding($1.spec.groups.map(\.effectiveMax).saturatingSum()) }
        let memoryMi = max(512, pods.saturatingAdding(499) / 500 * 512)
        return [
            "resources": [
                "requests": ["cpu": "100m", "memory": .string("\(memoryMi)Mi")],
                "limits": ["memory": .string("\(memoryMi)Mi")],
            ],
        ]
    }
}
