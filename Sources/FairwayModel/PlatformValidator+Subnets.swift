import FairwayCore

/// Which subnet is in which zone (`cluster.yaml` `spec.eks.subnets`): EKS places a managed node group
/// in every subnet it is given, so a pool's `instances.zones` holds only when Fairway knows the
/// subnets of those zones. The map's zones are the cluster region's, and its subnets are among
/// `subnetIds`.
extension PlatformValidator {
    mutating func checkSubnetMap() {
        guard let cluster = platform.cluster, let subnets = cluster.spec.eks.subnets else { return }
        let region = cluster.spec.aws.region
        let listed = Set(cluster.spec.eks.subnetIds)
        // Malformed ids are reported where they are; comparing them would only repeat that.
        let comparable = cluster.spec.eks.subnetIds.allSatisfy(AWSIdentifiers.isSubnetID)
        for (zone, subnet) in subnets.sorted(by: { $0.key < $1.key }) {
            checkZone(zone, region: region, at: cluster.keyLocation("spec", "eks", "subnets", .key(zone)))
            if comparable, AWSIdentifiers.isSubnetID(subnet), !listed.contains(subnet) {
                error("subnet-not-listed", "subnet \(subnet) of zone \(zone) is not in spec.eks.subnetIds",
                      cluster.location("spec", "eks", "subnets", .key(zone)),
                      hint: "spec.eks.subnets says where the subnets of subnetIds are; add \(subnet) to subnetIds or correct it")
            }
        }
    }

    /// A managed node group's zones each need a subnet in `spec.eks.subnets`.
    mutating func checkSubnets(of pool: Document<NodePoolSpec>) {
        guard pool.spec.provisioner == .managedNodeGroup, let zones = pool.spec.instances.zones, !zones.isEmpty,
              let cluster = platform.cluster else { return }
        guard let subnets = cluster.spec.eks.subnets else {
            error("zones-without-subnets",
                  "node pool '\(pool.name)' is a managed node group in zones \(zones.joined(separator: ", ")), but cluster.yaml does not say which subnet is in which zone; EKS would place it in every subnet",
                  pool.keyLocation("spec", "instances", .key("zones")),
                  hint: "add spec.eks.subnets to cluster.yaml, zone -> subnet id (us-west-2b: subnet-...)")
            return
        }
        for (index, zone) in zones.enumerated() where subnets[zone] == nil {
            let known = subnets.keys.sorted()
            error("zone-without-subnet", "zone '\(zone)' has no subnet in cluster.yaml spec.eks.subnets",
                  pool.location("spec", "instances", "zones", .index(index)),
                  hint: known.isEmpty ? "add \(zone): subnet-... to spec.eks.subnets" : "spec.eks.subnets has \(known.joined(separator: ", "))")
        }
    }
}
