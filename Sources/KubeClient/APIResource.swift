public import MoorCore

/// One resource type the API server serves: how a kind maps to a URL path.
public struct APIResource: Sendable, Hashable, CustomStringConvertible {
    /// API group; empty for the core group.
    public var group: String
    /// API version.
    public var version: String
    /// Kind, e.g. `Deployment`.
    public var kind: String
    /// Plural resource name used in paths, e.g. `deployments`.
    public var name: String
    /// Whether objects live in a namespace.
    public var namespaced: Bool
    /// Supported verbs, e.g. `get`, `list`, `watch`, `patch`.
    public var verbs: [String]

    /// Creates a resource description.
    public init(group: String, version: String, kind: String, name: String, namespaced: Bool, verbs: [String]) {
        self.group = group
        self.version = version
        self.kind = kind
        self.name = name
        self.namespaced = namespaced
        self.verbs = verbs
    }

    /// `group/version` or `version` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `group/kind`, the same for every API version of the type (as ``ObjectRef/groupKind``).
    public var groupKind: String { "\(group)/\(kind)" }

    /// `deployments.apps`, or `configmaps` for the core group.
    public var description: String { group.isEmpty ? name : "\(name).\(group)" }

    /// The collection path, in `namespace` when the resource is namespaced and one is given.
    public func collectionPath(namespace: String?) -> String {
        let base = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace, !namespace.isEmpty {
            return "\(base)/namespaces/\(PathSegment.escape(namespace))/\(name)"
        }
        return "\(base)/\(name)"
    }

    /// The path of one object.
    public func objectPath(namespace: String?, name objectName: String) -> String {
        "\(collectionPath(namespace: namespace))/\(PathSegment.escape(objectName))"
    }
}

/// Percent-encoding of one URL path segment or query value.
enum PathSegment {
    private static let unreserved: Set<UInt8> = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// Escapes everything but RFC 3986 unreserved characters.
    static func escape(_ text: String) -> String {
        if text.utf8.allSatisfy({ unreserved.contains($0) }) { return text }
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Options of a list or watch request.
public struct ListOptions: Sendable, Hashable {
    /// A label selector, e.g. `app.kubernetes.io/managed-by=moor`.
    public var labelSelector: String?
    /// A field selector, e.g. `metadata.name=web`.
    public var fieldSelector: String?
    /// Page size; `nil` asks for everything at once.
    public var limit: Int?
    /// The continue token of the previous page.
    public var continueToken: String?
    /// Resource version to list or watch from.
    public var resourceVersion: String?

    /// Creates options.
    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let labelSelector { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let continueToken { items.append(("continue", continueToken)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        return items
    }
}

/// One page of a list: the objects (with `apiVersion` and `kind` filled in), the collection's
/// resourceVersion (to watch from) and the token of the next page.
public struct ObjectList: Sendable, Hashable {
    /// The objects.
    public var items: [JSONValue]
    /// The list's resourceVersion.
    public var resourceVersion: String
    /// Token for the next page; `nil` on the last page.
    public var continueToken: String?

    /// A list of `items` at `resourceVersion`, with the token for the next page if there is one.
    public init(items: [JSONValue], resourceVersion: String, continueToken: String?) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
    }
}
