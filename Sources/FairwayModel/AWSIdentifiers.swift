/// The shapes AWS gives its identifiers, checked before EKS or EC2 refuse them at apply time.
enum AWSIdentifiers {
    /// An EC2 subnet id: `subnet-` and 8 or 17 lowercase hex digits (EC2's resource id format; the
    /// EKS model, ../shared/reference/eks, types `subnets` only as strings, and EKS passes them to EC2,
    /// which answers `InvalidSubnetID.Malformed`).
    static func isSubnetID(_ text: String) -> Bool {
        guard text.hasPrefix("subnet-") else { return false }
        let hex = text.utf8.dropFirst("subnet-".count)
        return (hex.count == 8 || hex.count == 17) && hex.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    static let subnetPattern = "^subnet-([0-9a-f]{8}|[0-9a-f]{17})$"

    /// An IAM role ARN: `arn:<partition>:iam::<12-digit account>:role/<path/><name>`, the name 1-64
    /// characters of `[A-Za-z0-9+=,.@_-]` and the path printable ASCII (IAM's `roleNameType` and
    /// `pathType`). EKS `CreateNodegroup.nodeRole` and IRSA's `eks.amazonaws.com/role-arn` take this form.
    static func roleARNProblem(_ text: String) -> String? {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return "is not an ARN" }
        guard ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"].contains(String(parts[1])) else {
            return "has an unknown AWS partition '\(parts[1])'"
        }
        guard parts[2] == "iam" else { return "is not an IAM ARN (service '\(parts[2])')" }
        guard parts[3].isEmpty else { return "has a region; IAM ARNs have none (arn:aws:iam::<account>:role/<name>)" }
        guard parts[4].utf8.count == 12, parts[4].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return "does not have a 12-digit account id"
        }
        let resource = parts[5]
        guard resource.hasPrefix("role/") else { return "is not a role ARN (resource '\(resource)'); write ...:role/<name>" }
        let path = resource.dropFirst("role/".count)
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        let nameOK = (1...64).contains(name.utf8.count) && name.utf8.allSatisfy {
            KubernetesNames.alphanumeric($0) || "+=,.@_-".utf8.contains($0)
        }
        guard nameOK, path.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            return "has an invalid role name (1-64 of letters, digits and +=,.@_-)"
        }
        return nil
    }

    /// An IAM role name (IAM's `roleNameType`), as Karpenter's `EC2NodeClass.spec.role` takes it.
    static func isRoleName(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { KubernetesNames.alphanumeric($0) || "+=,.@_-".utf8.contains($0) }
    }

    static let roleNamePattern = "^[A-Za-z0-9+=,.@_-]{1,64}$"

    /// A tag value a selector matches (EC2's tag value rules, non-empty): Karpenter's subnet and
    /// security-group discovery selects by it.
    static func isTagValue(_ text: String) -> Bool {
        (1...256).contains(text.count) && text.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.properties.numericType != nil || " _.:/=+-@".unicodeScalars.contains($0)
        }
    }

    /// Looser than the check (JSON Schema patterns have no Unicode classes in every validator).
    static let tagValuePattern = "^.{1,256}$"

    static let roleARNPattern = "^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::[0-9]{12}:role/([!-~]*/)?[A-Za-z0-9+=,.@_-]{1,64}$"

    /// An AWS region name: a partition-area prefix, a direction and a number (`us-west-2`,
    /// `eu-central-1`, `us-gov-west-1`, `cn-north-1`, `us-iso-east-1`).
    static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (3...4).contains(parts.count), let number = parts.last, (1...2).contains(number.count),
              number.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 97 && $0 <= 122 } } && parts[0].count == 2
    }

    static let regionPattern = "^[a-z]{2}(-[a-z]+){1,2}-[0-9]{1,2}$"

    /// True when `zone` is an availability zone, Local Zone or Wavelength Zone of `region`: the region
    /// and a letter (`us-west-2a`), or the region, a dash and a zone group (`us-west-2-lax-1a`).
    static func zone(_ zone: String, isIn region: String) -> Bool {
        guard zone.hasPrefix(region) else { return false }
        let rest = zone.utf8.dropFirst(region.utf8.count)
        guard let last = rest.last, last >= 97 && last <= 122 else { return false }
        if rest.count == 1 { return true }
        return rest.first == UInt8(ascii: "-")
            && rest.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }
}
