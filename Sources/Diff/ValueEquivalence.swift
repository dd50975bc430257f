internal import MoorCore

/// Which different-looking values Moor treats as the same, because the API server does.
///
/// - A member set to `null` is the same as an absent member (server-side apply reads `null` as "unset").
/// - An empty object `{}` or array `[]`, and an object whose members are all such "empty" values, is the
///   same as an absent member: Go's `omitempty` drops them when the server writes the object back.
/// - For built-in API groups (the core group, groups without a dot, and `*.k8s.io`), `false`, `0` and `""`
///   are also the same as an absent member, for the same reason. Custom resources keep what was sent, so
///   there an explicit `false` differs from an absent field.
/// - Under quantity maps (`resources.limits`, `resources.requests`, ResourceQuota `hard`, LimitRange
///   `max`/`min`/`default`/`defaultRequest`/`maxLimitRequestRatio`, `capacity`, `allocatable`, `overhead`)
///   and `sizeLimit`, quantities compare by value: `1` equals `"1"`, `0.5` equals `"500m"`, `1024Mi` equals
///   `"1Gi"`. Elsewhere `1` and `"1"` differ (for int-or-string fields such as `targetPort` they mean
///   different things).
/// - Numbers compare by value (`1` equals `1.0`), and object members in any order, as ``JSONValue`` does.
struct ValueEquivalence {
    /// Whether the object's kind is served by Kubernetes itself, whose Go types drop zero values.
    let omitsZeroValues: Bool

    /// Maps whose members are all quantities.
    static let quantityMaps: Set<String> = [
        "limits", "requests", "hard", "used", "capacity", "allocatable", "overhead", "max", "min", "default",
        "defaultRequest", "maxLimitRequestRatio",
    ]
    /// Fields that are quantities themselves.
    static let quantityFields: Set<String> = ["sizeLimit"]

    /// The rules for `object`, chosen by its `apiVersion`.
    init(object: JSONValue?) {
        let group = ObjectRef.split(apiVersion: object?["apiVersion"]?.stringValue ?? "").group
        omitsZeroValues = !group.contains(".") || group.hasSuffix(".k8s.io")
    }

    /// Whether `value` counts as absent when the other side lacks the member.
    func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .array(let elements): elements.isEmpty
        case .object(let members): members.allSatisfy { isEmpty($0.value) }
        case .bool(let b): omitsZeroValues && !b
        case .int(let i): omitsZeroValues && i == 0
        case .double(let d): omitsZeroValues && d == 0
        case .string(let s): omitsZeroValues && s.isEmpty
        }
    }

    /// Whether two non-container values at `path` are the same.
    func scalarsEqual(_ a: JSONValue, _ b: JSONValue, at path: [FieldPath.Component]) -> Bool {
        if a == b { return true }
        guard Self.isQuantity(at: path), let qa = Quantity(a), let qb = Quantity(b) else { return false }
        return qa == qb
    }

    private static func isQuantity(at path: [FieldPath.Component]) -> Bool {
        guard case .key(let field)? = path.last else { return false }
        if quantityFields.contains(field) { return true }
        guard path.count >= 2, case .key(let map) = path[path.count - 2] else { return false }
        return quantityMaps.contains(map)
    }
}
