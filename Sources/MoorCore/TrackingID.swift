/// The annotation value that ties a live object to the application that applied it:
/// `<app>:<group>/<kind>:<namespace>/<name>`.
///
/// An object is pruned only if its tracking id names the application being synced, so copies
/// of an object made by other tools (which carry no id, or another one) are never pruned.
public struct TrackingID: Sendable, Hashable, CustomStringConvertible {
    /// The annotation that holds the id.
    public static let annotation = "moor.dev/tracking-id"
    /// The label every applied object carries.
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    /// The value of ``managedByLabel``.
    public static let managedByValue = "moor"
    /// Label selector matching every object Moor manages.
    public static let managedBySelector = "\(managedByLabel)=\(managedByValue)"

    /// The application's name.
    public var application: String
    /// The object's group (empty for the core group).
    public var group: String
    /// The object's kind.
    public var kind: String
    /// The object's namespace (empty for cluster-scoped objects).
    public var namespace: String
    /// The object's name.
    public var name: String

    /// The id of `ref` in `application`.
    public init(application: String, ref: ObjectRef) {
        self.application = application
        group = ref.group
        kind = ref.kind
        namespace = ref.namespace
        name = ref.name
    }

    /// Parses an annotation value; `nil` when it is not of the form above.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty else { return nil }
        let groupKind = parts[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let namespaceName = parts[2].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard groupKind.count == 2, namespaceName.count == 2, !groupKind[1].isEmpty, !namespaceName[1].isEmpty
        else { return nil }
        application = String(parts[0])
        group = String(groupKind[0])
        kind = String(groupKind[1])
        namespace = String(namespaceName[0])
        name = String(namespaceName[1])
    }

    /// The id of a live object, read from its annotation.
    public init?(object: JSONValue) {
        guard let text = object[path: "metadata", "annotations", Self.annotation]?.stringValue else { return nil }
        self.init(text)
    }

    public var description: String { "\(application):\(group)/\(kind):\(namespace)/\(name)" }

    /// Whether this id describes `object` itself (an id copied onto another object does not).
    public func matches(_ object: JSONValue) -> Bool {
        guard let ref = ObjectRef(object: object) else { return false }
        return ref.group == group && ref.kind == kind && ref.namespace == namespace && ref.name == name
    }

    /// The application a live object belongs to: the one its tracking id names, when the id
    /// describes the object itself (an id copied onto another object belongs to no application).
    public static func application(of object: JSONValue) -> String? {
        guard let id = TrackingID(object: object), id.matches(object) else { return nil }
        return id.application
    }

    /// `object` with the managed-by label and this tracking annotation set.
    public func stamp(_ object: JSONValue) -> JSONValue {
        var copy = object
        copy[path: "metadata", "labels", Self.managedByLabel] = .string(Self.managedByValue)
        copy[path: "metadata", "annotations", Self.annotation] = .string(description)
        return copy
    }
}
