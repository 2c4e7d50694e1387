/// Kubernetes' own rules for names and values Fairway passes through to the API server, each
/// following the validation code it mirrors, so that `validate` refuses what the API server would.
enum KubernetesNames {
    /// A label value (apimachinery `validation.IsValidLabelValue`): empty, or at most 63 characters of
    /// `[-A-Za-z0-9_.]` beginning and ending with an alphanumeric.
    static func isLabelValue(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        if bytes.isEmpty { return true }
        guard bytes.count <= 63, alphanumeric(bytes.first!), alphanumeric(bytes.last!) else { return false }
        return bytes.allSatisfy { alphanumeric($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    static func alphanumeric(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }

    /// The prefix (domain) of a label key, or nil for an unprefixed key.
    static func domain(ofLabelKey key: String) -> String? {
        guard let slash = key.firstIndex(of: "/") else { return nil }
        return String(key[..<slash])
    }

    /// True when `domain` is `root` or a subdomain of it.
    static func domain(_ domain: String, isWithin root: String) -> Bool {
        domain == root || domain.hasSuffix("." + root)
    }

    /// Why a node label of a pool would be refused, or nil.
    ///
    /// - `kubernetes.io` and `k8s.io` (and their subdomains) are Kubernetes' own: the kubelet refuses
    ///   `--node-labels` there (cmd/kubelet `validateNodeLabels` / `IsKubeletLabel`), which is how EKS
    ///   managed node groups apply labels, and Karpenter refuses them as restricted domains
    ///   (`RestrictedLabelDomains`, nodepool validation). Both allow `node.kubernetes.io`; the kubelet
    ///   also `kubelet.kubernetes.io`, Karpenter also `node-restriction.kubernetes.io`.
    /// - `karpenter.sh` and `karpenter.k8s.aws` belong to Karpenter (the NodePool CRD's CEL rules on
    ///   `spec.template.metadata.labels`, ../shared/reference/karpenter/karpenter.sh_nodepools.yaml).
    static func restrictedNodeLabel(_ key: String, karpenter: Bool) -> String? {
        guard let domain = domain(ofLabelKey: key) else { return nil }
        for owned in ["karpenter.sh", "karpenter.k8s.aws"] where Self.domain(domain, isWithin: owned) {
            return "label domain \(owned) belongs to Karpenter"
        }
        guard Self.domain(domain, isWithin: "kubernetes.io") || Self.domain(domain, isWithin: "k8s.io") else { return nil }
        var allowed = ["node.kubernetes.io"]
        allowed.append(karpenter ? "node-restriction.kubernetes.io" : "kubelet.kubernetes.io")
        if allowed.contains(where: { Self.domain(domain, isWithin: $0) }) { return nil }
        let who = karpenter ? "Karpenter refuses it as a restricted domain" : "the kubelet refuses it in --node-labels"
        return "label domain \(domain) is reserved for Kubernetes (\(who))"
    }

    /// Resource names a ResourceQuota may limit without a domain prefix: core/v1's
    /// `standardQuotaResources` (pkg/apis/core/helper `IsStandardQuotaResourceName`). Names with a
    /// `/` (`count/jobs.batch`, `<class>.storageclass.storage.k8s.io/requests.storage`, extended
    /// resources) are qualified names and need no entry here.
    static let standardQuotaResources = [
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
        "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
        "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps",
        "services.nodeports", "services.loadbalancers",
    ]

    /// `IsStandardQuotaResourceName`: a standard name, or huge pages (`hugepages-2Mi`,
    /// `requests.hugepages-1Gi`). The API server refuses any other unprefixed name
    /// (`validateResourceQuotaResourceName`: "must be a standard resource for quota").
    static func isQuotaResourceName(_ name: String) -> Bool {
        if name.contains("/") { return true }
        if standardQuotaResources.contains(name) { return true }
        for prefix in ["hugepages-", "requests.hugepages-"] where name.hasPrefix(prefix) && name.count > prefix.count {
            return true
        }
        return false
    }

    /// Quota resources counted in whole objects (`IsIntegerResourceName`): their limit must be whole.
    static func isIntegerQuotaResource(_ name: String) -> Bool {
        name.hasPrefix("count/") || ["pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
                                      "persistentvolumeclaims", "configmaps", "services.nodeports",
                                      "services.loadbalancers"].contains(name)
    }

    /// PriorityClass names beginning `system-` are reserved for the two built-in classes
    /// (pkg/apis/scheduling/validation `ValidatePriorityClass`: "priority class names with 'system-'
    /// prefix are reserved").
    static let reservedPriorityClassPrefix = "system-"
}

/// Karpenter's duration syntax: `disruption.consolidateAfter` and `template.spec.expireAfter` of
/// karpenter.sh/v1 NodePool match `^(([0-9]+(s|m|h))+|Never)$` (the CRD's OpenAPI pattern,
/// ../shared/reference/karpenter/karpenter.sh_nodepools.yaml). Unlike Go's `time.ParseDuration`,
/// it has no fractions (`1.5h`) and no units below seconds (`500ms`), and it takes `Never`.
enum KarpenterDuration {
    static let pattern = "^(([0-9]+(s|m|h))+|Never)$"

    static func isValid(_ text: String) -> Bool {
        if text == "Never" { return true }
        var sawDigit = false
        var sawUnit = false
        for byte in text.utf8 {
            if byte >= 48 && byte <= 57 {
                sawDigit = true
                sawUnit = false
            } else if byte == UInt8(ascii: "s") || byte == UInt8(ascii: "m") || byte == UInt8(ascii: "h") {
                guard sawDigit else { return false }
                sawDigit = false
                sawUnit = true
            } else {
                return false
            }
        }
        return sawUnit && !sawDigit
    }
}
