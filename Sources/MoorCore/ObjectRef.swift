/// Identifies one Kubernetes object: group, version, kind, namespace and name.
///
/// Two refs that differ only in `version` name the same stored object; use ``identity`` to
/// compare objects across API versions.
public struct ObjectRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// API group; empty for the core group.
    public var group: String
    /// API version within the group, e.g. `v1`.
    public var version: String
    /// Kind, e.g. `Deployment`.
    public var kind: String
    /// Namespace; empty for cluster-scoped objects (or namespaced ones not yet defaulted).
    public var namespace: String
    /// Object name.
    public var name: String

    /// Creates a ref from its parts.
    public init(group: String, version: String, kind: String, namespace: String = "", name: String) {
        self.group = group
        self.version = version
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// Creates a ref from an `apiVersion` string such as `apps/v1` or `v1`.
    public init(apiVersion: String, kind: String, namespace: String = "", name: String) {
        let (group, version) = Self.split(apiVersion: apiVersion)
        self.init(group: group, version: version, kind: kind, namespace: namespace, name: name)
    }

    /// Reads the ref of an object from its `apiVersion`, `kind`, `metadata.namespace` and `metadata.name`;
    /// `nil` when any of `apiVersion`, `kind` or `metadata.name` is missing.
    public init?(object: JSONValue) {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue,
            let name = object[path: "metadata", "name"]?.stringValue
        else { return nil }
        let namespace = object[path: "metadata", "namespace"]?.stringValue ?? ""
        self.init(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }

    /// Splits `apps/v1` into (`apps`, `v1`) and `v1` into (``, `v1`).
    public static func split(apiVersion: String) -> (group: String, version: String) {
        if let slash = apiVersion.firstIndex(of: "/") {
            return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
        }
        return ("", apiVersion)
    }

    /// `group/version`, or just `version` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The group and kind, e.g. `apps/Deployment` (`/Service` for the core group).
    public var groupKind: String { "\(group)/\(kind)" }

    /// The ref without its version: equal for the same stored object read through any API version.
    public var identity: ObjectRef {
        ObjectRef(group: group, version: "", kind: kind, namespace: namespace, name: name)
    }

    /// `Kind/name` or `Kind namespace/name`, as people read it.
    public var description: String {
        namespace.isEmpty ? "\(kind)/\(name)" : "\(kind) \(namespace)/\(name)"
    }

    public static func < (lhs: ObjectRef, rhs: ObjectRef) -> Bool {
        (lhs.group, lhs.kind, lhs.namespace, lhs.name, lhs.version)
            < (rhs.group, rhs.kind, rhs.namespace, rhs.name, rhs.version)
    }
}
