internal import MoorCore

/// Which element of one list corresponds to which element of another.
///
/// Lists that Kubernetes merges by key (`containers`, `env`, `volumes`, `ports`, …) pair elements by that
/// key, whatever their order; every other list pairs elements by position. A keyed list falls back to
/// positions when an element lacks its key or two elements share one, as the API server would reject
/// such a list for a built-in kind anyway.
enum ListMatching {
    /// Two corresponding elements, either of which may be missing.
    struct Pair {
        /// How the element appears in a ``FieldPath``: `[name=web]` or `[2]`.
        var component: FieldPath.Component
        /// The element's index in the first list.
        var first: Int?
        /// The element's index in the second list.
        var second: Int?

        /// Whether the elements were paired by key rather than by position.
        var isKeyed: Bool {
            if case .element = component { return true }
            return false
        }
    }

    /// Lists keyed by `name`.
    private static let keyedByName: Set<String> = [
        "containers", "initContainers", "ephemeralContainers", "volumes", "env", "imagePullSecrets",
        "resourceClaims", "schedulingGates",
    ]
    /// Lists keyed by another field.
    private static let keyedByField: [String: String] = [
        "volumeMounts": "mountPath", "volumeDevices": "devicePath", "hostAliases": "ip",
    ]
    /// The value the API server gives an absent key field.
    private static let keyDefaults: [String: JSONValue] = ["protocol": "TCP"]

    /// The elements of `first` and `second` paired up: in `second`'s order, then the unpaired elements
    /// of `first` in their order. `field` is the name of the member holding the lists.
    static func pairs(_ first: [JSONValue], _ second: [JSONValue], field: String?) -> [Pair] {
        if let fields = keyFields(field: field, elements: first + second),
            let firstKeys = uniqueKeys(first, fields: fields), let secondKeys = uniqueKeys(second, fields: fields)
        {
            var unpaired = Dictionary(uniqueKeysWithValues: firstKeys.enumerated().map { ($1, $0) })
            var result: [Pair] = []
            for (index, key) in secondKeys.enumerated() {
                result.append(Pair(component: .element(key), first: unpaired.removeValue(forKey: key), second: index))
            }
            for (index, key) in firstKeys.enumerated() where unpaired[key] != nil {
                result.append(Pair(component: .element(key), first: index, second: nil))
            }
            return result
        }
        return (0..<max(first.count, second.count)).map { index in
            Pair(
                component: .index(index), first: index < first.count ? index : nil,
                second: index < second.count ? index : nil)
        }
    }

    /// Whether `element` has the key `key` (a `k:{…}` entry of managed fields), absent key fields taking
    /// their defaults.
    static func element(_ element: JSONValue, hasKey key: JSONObject) -> Bool {
        self.key(of: element, fields: key.keys) == key
    }

    /// The key fields of the list held by `field`; `nil` for a list paired by position.
    private static func keyFields(field: String?, elements: [JSONValue]) -> [String]? {
        guard let field else { return nil }
        if keyedByName.contains(field) { return ["name"] }
        if let key = keyedByField[field] { return [key] }
        guard field == "ports" else { return nil }
        for portField in ["containerPort", "port"] where elements.allSatisfy({ $0[portField] != nil }) {
            return [portField, "protocol"]
        }
        return nil
    }

    /// The key of every element, or `nil` when one lacks a key or two share one.
    private static func uniqueKeys(_ elements: [JSONValue], fields: [String]) -> [JSONObject]? {
        var seen = Set<JSONObject>()
        var keys: [JSONObject] = []
        for element in elements {
            guard let key = key(of: element, fields: fields), seen.insert(key).inserted else { return nil }
            keys.append(key)
        }
        return keys
    }

    private static func key(of element: JSONValue, fields: [String]) -> JSONObject? {
        guard element.objectValue != nil else { return nil }
        var key = JSONObject()
        for field in fields {
            guard let value = element[field] ?? keyDefaults[field], !value.isNull else { return nil }
            key[field] = value
        }
        return key
    }
}
