/// FairwayModel turns platform files into typed documents. It owns the schema of every kind
/// (one description drives strict checking, typed decoding and the published JSON Schemas), the
/// diagnostics for bad input, and the checks across documents. It reads bytes from FairwaySource
/// and YAML trees from FairwayYAML; it knows nothing of Kubernetes objects or solvers.

/// The shape a field's value must have.
public indirect enum FieldType: Sendable {
    case string(StringFormat)
    case integer(min: Int64?, max: Int64?)
    case boolean
    case quantity
    case duration
    /// A duration above zero (an interval or timeout that zero would turn into a busy loop or an
    /// immediate failure).
    case positiveDuration
    case enumeration([String])
    case list(FieldType, minItems: Int)
    /// A mapping from free string keys to values of one type.
    case map(FieldType, keyFormat: StringFormat)
    case object(ObjectSchema)
    /// Anything JSON can hold (Helm values, Ray runtime environments).
    case any

    public static let text = FieldType.string(.any)
    public static let dnsLabel = FieldType.string(.dnsLabel)
    public static func list(_ item: FieldType) -> FieldType { .list(item, minItems: 0) }
    public static func map(_ value: FieldType) -> FieldType { .map(value, keyFormat: .any) }
    /// A count that lands in a Kubernetes int32 field (replicas, seconds, limits): 0 to 2^31-1.
    public static let count = FieldType.integer(min: 0, max: Int64(Int32.max))
    /// Nodes of a pool: 0 to 100,000 (EKS's limit of nodes per cluster), so capacities cannot overflow.
    public static let nodeCount = FieldType.integer(min: 0, max: 100_000)
    /// GPUs (or time slices) one pod takes: at most one node's worth (16 GPUs x 64 time slices).
    public static let gpusPerPod = FieldType.integer(min: 0, max: 1024)
}

/// A named rule for string values.
public enum StringFormat: String, Sendable {
    case any
    /// RFC 1123 label: lowercase alphanumerics and '-', at most 63 characters.
    case dnsLabel
    /// A Kubernetes label or annotation key (optional DNS prefix, then a name).
    case labelKey
    /// A 12-digit AWS account id.
    case awsAccountId
    /// An Amazon Resource Name.
    case arn
    /// A container image reference with a pinned tag or digest (see `ImageReference`).
    case imageRef
    /// A Kubernetes label value: empty, or up to 63 of `[-A-Za-z0-9_.]`, alphanumeric at both ends.
    case labelValue
    /// A Karpenter duration (`30m`, `1h30m`, `Never`; see `KarpenterDuration`).
    case karpenterDuration
    /// An EC2 subnet id (`subnet-` and 8 or 17 hex digits).
    case subnetId
    /// An IAM role ARN (`arn:aws:iam::<account>:role/<name>`).
    case iamRoleArn
    /// An AWS region (`us-west-2`).
    case awsRegion
    /// An EKS Kubernetes version: major.minor (`1.33`).
    case kubernetesVersion
    /// A pinned Helm chart version: SemVer 2 (`1.7.0`, `v26.7.0`), no ranges or `latest`.
    case chartVersion
    /// An IAM role name: 1-64 of letters, digits and `+=,.@_-`.
    case iamRoleName
    /// An AWS tag value used as a selector: 1-256 of letters, digits, spaces and `_.:/=+-@`.
    case awsTagValue
    /// A DNS-1123 subdomain (lowercase labels joined by dots, at most 253): host names, IngressClass names.
    case dnsSubdomain
    /// An Ingress host: a DNS-1123 subdomain, optionally `*.` first.
    case ingressHost
    /// A Cognito user pool id (`us-west-2_AbCdEf123`).
    case cognitoUserPoolId
    /// Any text but the empty string.
    case nonEmpty

    /// The regular expression published in the JSON Schema for this format.
    public var pattern: String? {
        switch self {
        case .any, .imageRef: return nil
        case .dnsLabel: return "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
        case .labelKey: return "^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
        case .awsAccountId: return "^[0-9]{12}$"
        case .arn: return "^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$"
        case .labelValue: return "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$"
        case .karpenterDuration: return KarpenterDuration.pattern
        case .subnetId: return AWSIdentifiers.subnetPattern
        case .iamRoleArn: return AWSIdentifiers.roleARNPattern
        case .awsRegion: return AWSIdentifiers.regionPattern
        case .kubernetesVersion: return VersionFormats.kubernetesPattern
        case .chartVersion: return VersionFormats.chartPattern
        case .iamRoleName: return AWSIdentifiers.roleNamePattern
        case .awsTagValue: return AWSIdentifiers.tagValuePattern
        case .dnsSubdomain: return "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
        case .ingressHost: return "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
        case .cognitoUserPoolId: return "^[a-z]{2}(-[a-z]+){1,2}-[0-9]{1,2}_[0-9A-Za-z]+$"
        case .nonEmpty: return "."
        }
    }
}

/// One field of an object: its name, type, whether it must be present, and what it means.
public struct Field: Sendable {
    public var name: String
    public var type: FieldType
    public var required: Bool
    public var doc: String

    public init(_ name: String, _ type: FieldType, required: Bool = false, _ doc: String) {
        self.name = name
        self.type = type
        self.required = required
        self.doc = doc
    }
}

/// The fields an object may have; any other key is an error.
public struct ObjectSchema: Sendable {
    public var doc: String
    public var fields: [Field]
    /// Groups of fields of which at most one may be set (for example `gpu` or `mig`).
    public var exclusive: [[String]]

    public init(_ doc: String, exclusive: [[String]] = [], _ fields: [Field]) {
        self.doc = doc
        self.fields = fields
        self.exclusive = exclusive
    }

    public func field(named name: String) -> Field? { fields.first { $0.name == name } }
}
