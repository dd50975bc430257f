public import MoorCore

/// The location of a field inside an object, as shown in diffs: `spec.replicas`,
/// `spec.template.spec.containers[name=web].image`, `metadata.labels["app.kubernetes.io/name"]`, `args[2]`.
public struct FieldPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        /// An object member.
        case key(String)
        /// An array element by position (0-based).
        case index(Int)
        /// An array element identified by its merge key, e.g. `name: web` or `containerPort: 80, protocol: TCP`.
        case element(JSONObject)
    }

    /// The steps from the object's root.
    public var components: [Component]

    /// Creates a path from its steps.
    public init(_ components: [Component]) {
        self.components = components
    }

    /// The path in the notation above; member names that are not plain identifiers are written as
    /// `["…"]`, so the text reads back unambiguously.
    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key) where Self.isPlain(key):
                if !text.isEmpty { text += "." }
                text += key
            case .key(let key):
                text += "[\(JSONValue.string(key).jsonString())]"
            case .index(let index):
                text += "[\(index)]"
            case .element(let fields):
                text += "[" + fields.map { "\($0.key)=\(Self.keyValue($0.value))" }.joined(separator: ",") + "]"
            }
        }
        return text
    }

    /// Orders paths by their text, so change lists print in a stable order.
    public static func < (lhs: FieldPath, rhs: FieldPath) -> Bool {
        lhs.description < rhs.description
    }

    /// Characters a member name may hold and still be written after a `.`.
    private static let plainCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

    private static func isPlain(_ key: String) -> Bool {
        !key.isEmpty && key.allSatisfy(plainCharacters.contains)
    }

    private static func keyValue(_ value: JSONValue) -> String {
        guard case .string(let text) = value else { return value.jsonString() }
        let needsQuotes = text.isEmpty || text.contains { "[]=,\" ".contains($0) }
        return needsQuotes ? value.jsonString() : text
    }
}

/// One field that differs between the desired state and the live object. Values are deliberately not
/// carried, so a change list is safe to log even for Secrets.
public struct FieldChange: Sendable, Hashable, CustomStringConvertible {
    /// What happened to the field, seen as what a sync would do to the live object.
    public enum Kind: String, Sendable, Hashable {
        /// Set in the desired state, absent in the live object.
        case added
        /// Present in the live object, absent in the desired state.
        case removed
        /// Present in both with different values.
        case changed
    }

    /// Where the field is.
    public var path: FieldPath
    /// What differs.
    public var kind: Kind

    /// Creates a change.
    public init(path: FieldPath, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// `spec.replicas (changed)`.
    public var description: String { "\(path) (\(kind.rawValue))" }
}
