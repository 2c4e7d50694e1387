import FairwayCore

/// Field-level differences between a live object and its desired state.
///
/// Fields the desired state sets are compared exactly, but for equal quantities (`1000m` and `1`,
/// `2` and `"2"`). Fields only the live object has count only when Fairway owns them (see
/// `ManagedFieldSet`): defaults and other managers' fields are not drift. Lists of named items
/// (containers, ports, volumes) are matched by name, so a defaulted field inside an item or an item
/// another manager added does not make the whole list differ.
///
/// Paths are built only for fields that differ: the walk keeps a stack of path components, so
/// comparing tens of thousands of equal objects allocates no strings.
enum FieldDiff {
    /// Keys whose values are maps of Kubernetes quantities (`spec.hard["requests.cpu"]`, `limits.cpu`).
    static let quantityParents: Set<String> = ["hard", "limits", "requests", "default", "defaultRequest", "max", "min",
                                               "capacity", "allocatable", "maxLimitRequestRatio"]
    /// Keys whose own value is a quantity (Kueue's flavor quotas).
    static let quantityKeys: Set<String> = ["nominalQuota", "borrowingLimit", "lendingLimit"]

    /// Which live fields are Fairway's.
    enum Owned {
        /// No record of managers (the local state): every live field is Fairway's.
        case everything
        case fields(ManagedFieldSet)
        /// Below a field owned as a whole (an atomic list or map, such as KubeRay's worker groups):
        /// what Git sets is compared, but a field only the live object has may be a default the server
        /// filled in inside the owned value, so it is not drift. Applying replaces the whole value, so
        /// such a field goes with the next change to it.
        case atomic
        case nothing

        func member(_ key: String) -> Owned {
            guard case let .fields(set) = self else { return self }
            if set.node.isEmpty { return .atomic }
            return set.member(key).map(Owned.fields) ?? .nothing
        }

        func item(_ item: JSONValue, at index: Int) -> Owned {
            guard case let .fields(set) = self else { return self }
            if set.node.isEmpty { return .atomic }
            return set.item(item, at: index).map(Owned.fields) ?? .nothing
        }

        var isOwned: Bool {
            switch self {
            case .everything, .fields: true
            case .atomic, .nothing: false
            }
        }
    }

    private enum Component {
        case key(String)
        case index(Int)
        case named(String, String)
    }

    static func changes(from live: JSONValue, to desired: JSONValue, owned: Owned = .everything) -> [FieldChange] {
        if live == desired { return [] }
        var out: [FieldChange] = []
        var path: [Component] = []
        walk(live, desired, owned: owned, path: &path, into: &out)
        return out
    }

    private static func walk(_ live: JSONValue, _ desired: JSONValue, owned: Owned, path: inout [Component],
                             into out: inout [FieldChange]) {
        if case let .object(l) = live, case let .object(d) = desired {
            for member in d.members {
                path.append(.key(member.key))
                if let lv = l[member.key] {
                    walk(lv, member.value, owned: owned.member(member.key), path: &path, into: &out)
                } else {
                    out.append(FieldChange(path: render(path), before: nil, after: member.value))
                }
                path.removeLast()
            }
            for member in l.members where d[member.key] == nil && owned.member(member.key).isOwned {
                path.append(.key(member.key))
                out.append(FieldChange(path: render(path), before: member.value, after: nil))
                path.removeLast()
            }
            return
        }
        if case let .array(l) = live, case let .array(d) = desired {
            if l == d { return }
            if let (key, liveNames, desiredNames) = names(l, d) {
                walkNamed(l, d, key: key, liveNames: liveNames, desiredNames: desiredNames, owned: owned, path: &path, into: &out)
                return
            }
            if l.count == d.count {
                for index in l.indices {
                    path.append(.index(index))
                    walk(l[index], d[index], owned: owned.item(l[index], at: index), path: &path, into: &out)
                    path.removeLast()
                }
                return
            }
        }
        if live == desired || equalQuantities(live, desired, path: path) { return }
        out.append(FieldChange(path: path.isEmpty ? "." : render(path), before: live, after: desired))
    }

    /// Items matched by their `name` (or `slug`): changed, added and (when owned) removed items.
    private static func walkNamed(_ l: [JSONValue], _ d: [JSONValue], key: String, liveNames: [String], desiredNames: [String],
                                  owned: Owned, path: inout [Component], into out: inout [FieldChange]) {
        var liveIndex: [String: Int] = [:]
        for (index, name) in liveNames.enumerated() { liveIndex[name] = index }
        let wanted = Set(desiredNames)
        for (item, name) in zip(d, desiredNames) {
            path.append(.named(key, name))
            if let index = liveIndex[name] {
                walk(l[index], item, owned: owned.item(l[index], at: index), path: &path, into: &out)
            } else {
                out.append(FieldChange(path: render(path), before: nil, after: item))
            }
            path.removeLast()
        }
        for (index, name) in liveNames.enumerated() where !wanted.contains(name) && owned.item(l[index], at: index).isOwned {
            path.append(.named(key, name))
            out.append(FieldChange(path: render(path), before: l[index], after: nil))
            path.removeLast()
        }
    }

    /// The key (`name`, or `slug` as in JupyterHub's profile lists) and the names of every item when
    /// both lists are lists of objects uniquely named by it.
    private static func names(_ l: [JSONValue], _ d: [JSONValue]) -> (String, [String], [String])? {
        func names(_ items: [JSONValue], _ key: String) -> [String]? {
            var out: [String] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard let name = item[key]?.stringValue else { return nil }
                out.append(name)
            }
            return Set(out).count == out.count ? out : nil
        }
        guard !l.isEmpty, !d.isEmpty else { return nil }
        for key in ["name", "slug"] {
            if let a = names(l, key), let b = names(d, key) { return (key, a, b) }
        }
        return nil
    }

    /// True for two spellings of one quantity where the path holds a quantity.
    private static func equalQuantities(_ live: JSONValue, _ desired: JSONValue, path: [Component]) -> Bool {
        guard holdsQuantity(path), let a = quantity(live), let b = quantity(desired) else { return false }
        return a == b
    }

    /// A number or a quantity string as a quantity.
    static func quantity(_ value: JSONValue) -> Quantity? {
        switch value {
        case let .string(text): return Quantity(text)
        case let .int(number): return Quantity(String(number))
        case let .double(number): return Quantity(String(number))
        default: return nil
        }
    }

    /// True when the value's parent key holds quantities (`spec.hard["cpu"]`, `...limits.cpu`) or its
    /// own key is a quantity (`nominalQuota`).
    private static func holdsQuantity(_ path: [Component]) -> Bool {
        if case let .key(own)? = path.last, quantityKeys.contains(own) { return true }
        guard path.count >= 2, case let .key(parent) = path[path.count - 2] else { return false }
        return quantityParents.contains(parent)
    }

    private static func render(_ path: [Component]) -> String {
        var text = ""
        for component in path {
            switch component {
            case let .key(key): text = join(text, key)
            case let .index(index): text += "[\(index)]"
            case let .named(key, name): text += "[\(key)=\(name)]"
            }
        }
        return text
    }

    static func join(_ path: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy {
            ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45
        }
        if plain { return path.isEmpty ? key : "\(path).\(key)" }
        return "\(path)[\"\(key)\"]"
    }
}
