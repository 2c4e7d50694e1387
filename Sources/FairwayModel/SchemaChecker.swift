import FairwayCore
import FairwayYAML

/// Checks a YAML tree against an `ObjectSchema`, collecting every problem: unknown fields (with a
/// "did you mean" hint), missing required fields, wrong types, values outside a range, enum or
/// format. It never stops at the first problem and never crashes on odd input.
struct SchemaChecker {
    let path: String
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String) { self.path = path }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(path: path, line: node.mark.line, column: node.mark.column)
    }

    /// `key` is the mapping key that holds `node`, where a missing field is reported.
    mutating func check(_ node: YAMLNode, against schema: ObjectSchema, at fieldPath: String, key: YAMLNode? = nil) {
        guard let pairs = node.pairs else {
            diagnostics.append(.error("wrong-type", "`\(fieldPath)` must be a mapping, not \(node.kindDescription)",
                                      at: location(node)))
            return
        }
        var seen: [String: YAMLNode] = [:]
        for pair in pairs {
            guard let key = pair.key.scalar else {
                diagnostics.append(.error("wrong-type", "keys in `\(fieldPath)` must be strings", at: location(pair.key)))
                continue
            }
            guard let field = schema.field(named: key) else {
                var hint: String?
                if let near = Suggest.nearest(to: UnicodeNames.stripped(key), in: schema.fields.map(\.name)) {
                    hint = "did you mean `\(near)`?"
                } else {
                    hint = "allowed fields: \(schema.fields.map(\.name).joined(separator: ", "))"
                }
                diagnostics.append(.error("unknown-field", "unknown field \(Self.quoted(key)) in `\(fieldPath)`",
                                          at: location(pair.key), hint: hint))
                continue
            }
            seen[key] = pair.key
            check(pair.value, against: field.type, at: "\(fieldPath).\(key)", key: pair.key)
        }
        for field in schema.fields where field.required && seen[field.name] == nil {
            diagnostics.append(.error("missing-field", "`\(fieldPath)` is missing required field `\(field.name)`",
                                      at: location(key ?? node)))
        }
        for group in schema.exclusive {
            let present = group.filter { seen[$0] != nil }
            if present.count > 1, let second = seen[present[1]] {
                diagnostics.append(.error("conflicting-fields",
                                          "`\(fieldPath)` sets both `\(present[0])` and `\(present[1])`; set one",
                                          at: location(second)))
            }
        }
    }

    mutating func check(_ node: YAMLNode, against type: FieldType, at fieldPath: String, key: YAMLNode? = nil) {
        // An explicitly tagged value is refused as `yaml-tag` where it is; what it would mean is unknown.
        guard node.tag == nil else { return }
        switch type {
        case .any:
            return
        case let .object(schema):
            check(node, against: schema, at: fieldPath, key: key)
        case let .list(itemType, minItems):
            guard let items = node.items else {
                return mismatch(node, "a list", fieldPath)
            }
            if items.count < minItems {
                diagnostics.append(.error("invalid-value", "`\(fieldPath)` needs at least \(minItems) item(s)",
                                          at: location(node)))
            }
            for (index, item) in items.enumerated() {
                check(item, against: itemType, at: "\(fieldPath)[\(index)]")
            }
        case let .map(valueType, keyFormat):
            guard let pairs = node.pairs else { return mismatch(node, "a mapping", fieldPath) }
            for pair in pairs {
                guard let key = pair.key.scalar else {
                    diagnostics.append(.error("wrong-type", "keys in `\(fieldPath)` must be strings",
                                              at: location(pair.key)))
                    continue
                }
                if let problem = FormatCheck.problem(key, format: keyFormat) {
                    diagnostics.append(.error("invalid-value", "key `\(key)` in `\(fieldPath)` \(problem)",
                                              at: location(pair.key)))
                }
                check(pair.value, against: valueType, at: "\(fieldPath).\(key)")
            }
        case let .string(format):
            guard let text = node.scalar, !node.isNull else { return mismatch(node, "a string", fieldPath) }
            if let problem = FormatCheck.problem(text, format: format) {
                diagnostics.append(.error("invalid-value", "`\(fieldPath)`: '\(text)' \(problem)", at: location(node),
                                          hint: FormatCheck.hint(for: format)))
            }
        case let .integer(min, max):
            guard node.isPlainScalar, let text = node.scalar, let value = YAMLCoreSchema.int(text) else {
                if node.isPlainScalar, let text = node.scalar, IntegerRange.looksIntegral(text) {
                    // Digits that do not fit in 64 bits: out of range, not the wrong type.
                    diagnostics.append(.error("invalid-value",
                                              "`\(fieldPath)` is \(text), outside the allowed range \(IntegerRange.text(min, max))",
                                              at: location(node)))
                    return
                }
                return mismatch(node, "an integer", fieldPath)
            }
            if (min.map { value < $0 } ?? false) || (max.map { value > $0 } ?? false) {
                diagnostics.append(.error("invalid-value",
                                          "`\(fieldPath)` is \(value), outside the allowed range \(IntegerRange.text(min, max))",
                                          at: location(node), hint: IntegerRange.hint(max)))
            }
        case .boolean:
            guard node.isPlainScalar, let text = node.scalar, YAMLCoreSchema.bool(text) != nil else {
                let hint = node.scalar.map(YAMLCoreSchema.isYAML11Bool) == true ? "write `true` or `false`" : nil
                diagnostics.append(.error("wrong-type", "`\(fieldPath)` must be true or false, not \(node.kindDescription)",
                                          at: location(node), hint: hint))
                return
            }
        case .quantity:
            guard let text = node.scalar, !node.isNull, let quantity = Quantity(text) else {
                if node.scalar == nil || node.isNull { return mismatch(node, "a quantity", fieldPath) }
                diagnostics.append(.error("invalid-value", "`\(fieldPath)`: '\(node.scalar ?? "")' is not a quantity",
                                          at: location(node), hint: "write quantities as Kubernetes does: 8, 500m, 64Gi"))
                return
            }
            // Every quantity Fairway writes (container requests and limits, ResourceQuota hard limits,
            // volume sizes) must be non-negative: Kubernetes' ValidateNonnegativeQuantity and
            // ValidateResourceQuantityValue refuse the object otherwise.
            if quantity.nanos < 0 {
                diagnostics.append(.error("invalid-value", "`\(fieldPath)` is \(text); it must not be negative",
                                          at: location(node), hint: "Kubernetes refuses negative resource quantities"))
            }
        case .duration, .positiveDuration:
            guard let text = node.scalar, !node.isNull, let duration = GoDuration(text) else {
                if node.scalar == nil || node.isNull { return mismatch(node, "a duration", fieldPath) }
                diagnostics.append(.error("invalid-value", "`\(fieldPath)`: '\(node.scalar ?? "")' is not a duration",
                                          at: location(node), hint: "write durations as Go does: 90s, 15m, 1h30m"))
                return
            }
            if case .positiveDuration = type, duration.nanoseconds <= 0 {
                diagnostics.append(.error("invalid-value", "`\(fieldPath)` is \(text); it must be longer than zero", at: location(node),
                                          hint: "write durations as Go does: 90s, 15m, 1h30m"))
            }
        case let .enumeration(values):
            guard let text = node.scalar, !node.isNull else { return mismatch(node, "a string", fieldPath) }
            if !values.contains(text) {
                let hint = Suggest.nearest(to: text, in: values).map { "did you mean `\($0)`?" }
                    ?? "allowed: \(values.joined(separator: ", "))"
                diagnostics.append(.error("invalid-value", "`\(fieldPath)`: '\(text)' is not one of \(values.joined(separator: ", "))",
                                          at: location(node), hint: hint))
            }
        }
    }

    /// A name in backquotes, with invisible characters written out and named: a key holding a
    /// zero-width space must not read exactly like the field it was meant to be.
    static func quoted(_ name: String) -> String {
        let invisibles = UnicodeNames.invisibles(in: name)
        guard !invisibles.isEmpty else { return "`\(name)`" }
        return "`\(UnicodeNames.revealed(name))` (it contains the invisible character\(invisibles.count > 1 ? "s" : "") \(invisibles.joined(separator: ", ")))"
    }

    private mutating func mismatch(_ node: YAMLNode, _ expected: String, _ fieldPath: String) {
        diagnostics.append(.error("wrong-type", "`\(fieldPath)` must be \(expected), not \(node.kindDescription)",
                                  at: location(node)))
    }
}

/// How integer bounds read in messages.
enum IntegerRange {
    /// `0 to 2147483647`, `at least 1`, `at most 100`.
    static func text(_ min: Int64?, _ max: Int64?) -> String {
        switch (min, max) {
        case let (min?, max?): return "\(min) to \(max)"
        case let (min?, nil): return "\(min) to \(Int64.max)"
        case let (nil, max?): return "\(Int64.min) to \(max)"
        case (nil, nil): return "\(Int64.min) to \(Int64.max)"
        }
    }

    /// Where the bound comes from, when it is Kubernetes' int32.
    static func hint(_ max: Int64?) -> String? {
        max == Int64(Int32.max) ? "the value lands in a Kubernetes int32 field" : nil
    }

    /// An optional sign and decimal digits only: an integer, however large.
    static func looksIntegral(_ text: String) -> Bool {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

/// Checks string formats; returns what is wrong, or nil.
enum FormatCheck {
    static func problem(_ text: String, format: StringFormat) -> String? {
        switch format {
        case .any: return nil
        case .dnsLabel:
            return isDNSLabel(text) ? nil : "is not a DNS-1123 label (lowercase letters, digits and '-', at most 63)"
        case .labelKey:
            return isLabelKey(text) ? nil : "is not a valid label key"
        case .awsAccountId:
            return text.count == 12 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
                ? nil : "is not a 12-digit AWS account id"
        case .arn:
            let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            return parts.count == 6 && parts[0] == "arn" && parts[1].hasPrefix("aws") ? nil : "is not an ARN"
        case .imageRef:
            return ImageReference.problem(text)
        case .labelValue:
            return KubernetesNames.isLabelValue(text)
                ? nil : "is not a valid label value (at most 63 of letters, digits, '-', '_', '.', alphanumeric at both ends)"
        case .karpenterDuration:
            return KarpenterDuration.isValid(text) ? nil : "is not a Karpenter duration"
        case .subnetId:
            return AWSIdentifiers.isSubnetID(text) ? nil : "is not a subnet id (subnet- and 8 or 17 lowercase hex digits)"
        case .iamRoleArn:
            return AWSIdentifiers.roleARNProblem(text)
        case .awsRegion:
            return AWSIdentifiers.isRegion(text) ? nil : "is not an AWS region (such as us-west-2)"
        case .kubernetesVersion:
            return VersionFormats.isKubernetesVersion(text) ? nil : "is not a Kubernetes minor version (such as \"1.33\")"
        case .chartVersion:
            return VersionFormats.isChartVersion(text) ? nil : "is not a pinned chart version (SemVer, such as 1.7.0)"
        case .iamRoleName:
            return AWSIdentifiers.isRoleName(text) ? nil : "is not an IAM role name (1-64 of letters, digits and +=,.@_-)"
        case .awsTagValue:
            return AWSIdentifiers.isTagValue(text) ? nil : "is not an AWS tag value (1-256 of letters, digits, spaces and _.:/=+-@)"
        case .dnsSubdomain:
            return isDNSSubdomain(text) ? nil : "is not a DNS-1123 subdomain (lowercase DNS labels joined by dots, at most 253 characters)"
        case .ingressHost:
            return isDNSSubdomain(text.hasPrefix("*.") ? String(text.dropFirst(2)) : text)
                ? nil : "is not a host name (lowercase DNS labels joined by dots, optionally *. first)"
        case .cognitoUserPoolId:
            let parts = text.split(separator: "_", omittingEmptySubsequences: false)
            return parts.count == 2 && AWSIdentifiers.isRegion(String(parts[0])) && !parts[1].isEmpty && text.utf8.count <= 55
                && parts[1].utf8.allSatisfy(KubernetesNames.alphanumeric) ? nil : "is not a Cognito user pool id (<region>_<letters and digits>)"
        case .nonEmpty:
            return text.isEmpty ? "must not be empty" : nil
        }
    }

    static func hint(for format: StringFormat) -> String? {
        switch format {
        case .imageRef: return "write a pinned tag such as `repo/image:1.2.3` or a digest"
        case .dnsLabel: return "use lowercase letters, digits and '-'"
        case .karpenterDuration:
            return "Karpenter takes whole numbers of s, m and h (90s, 15m, 1h30m) or Never; no fractions such as 1.5h"
        case .kubernetesVersion: return "EKS takes the major and minor version, quoted, such as \"1.33\""
        case .chartVersion: return "pin one version from the chart repository's index (a range or `latest` would change under you)"
        default: return nil
        }
    }

    static func isDNSSubdomain(_ s: String) -> Bool {
        s.utf8.count <= 253 && !s.isEmpty && s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }

    static func isDNSLabel(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 45 }
    }

    static func isLabelKey(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.last, !name.isEmpty, name.count <= 63 else { return false }
        if parts.count == 2 {
            let prefix = parts[0]
            guard !prefix.isEmpty, prefix.count <= 253,
                  prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isDNSLabel(String($0)) })
            else { return false }
        }
        let bytes = Array(name.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }
        guard alnum(bytes.first!), alnum(bytes.last!) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }
}
