public import MoorCore

/// One `ignoreDifferences` entry: fields of matching objects that are left out of every comparison, as
/// in Argo CD.
///
/// A rule matches an object by `group` and `kind` (and, when set, `name` and `namespace`); each may use the
/// wildcards `*` (any run of characters) and `?` (one character). The ignored fields are the union of
/// those named by ``jsonPointers``, ``jqPaths`` and ``managedFieldsManagers`` (fields the live object's
/// `metadata.managedFields` says those managers own). They are removed from both the desired and the
/// live object before comparing, so a rule never makes an object look out of sync.
public struct IgnoreRule: Sendable, Hashable {
    /// API group pattern; empty for the core group.
    public var group: String
    /// Kind pattern, e.g. `Deployment` or `*`.
    public var kind: String
    /// Name pattern; empty for any name.
    public var name: String
    /// Namespace pattern; empty for any namespace.
    public var namespace: String
    /// Fields named by RFC 6901 pointers.
    public var jsonPointers: [JSONPointer]
    /// Fields selected by JQ path expressions.
    public var jqPaths: [JQPath]
    /// Field managers whose fields in the live object are ignored.
    public var managedFieldsManagers: [String]

    /// The fields `ignoreDifferences` entries may have.
    static let fields: Set<String> = [
        "group", "kind", "name", "namespace", "jsonPointers", "jqPathExpressions", "managedFieldsManagers",
    ]

    /// Creates a rule from its parts.
    public init(
        group: String = "", kind: String, name: String = "", namespace: String = "", jsonPointers: [JSONPointer] = [],
        jqPaths: [JQPath] = [], managedFieldsManagers: [String] = []
    ) {
        self.group = group
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.jsonPointers = jsonPointers
        self.jqPaths = jqPaths
        self.managedFieldsManagers = managedFieldsManagers
    }

    /// Reads one `ignoreDifferences` entry with Argo CD's field names (`group`, `kind`, `name`, `namespace`,
    /// `jsonPointers`, `jqPathExpressions`, `managedFieldsManagers`).
    ///
    /// Throws ``DiffError`` when `kind` is missing, a field is unknown or has the wrong type, or a pointer or
    /// JQ path does not parse; the message names the field (and the element index) at fault.
    public init(json: JSONValue) throws(DiffError) {
        guard let members = json.objectValue else {
            throw DiffError(.invalidIgnoreRule, "an ignoreDifferences entry must be an object")
        }
        if let unknown = members.keys.first(where: { !Self.fields.contains($0) }) {
            throw DiffError(
                .invalidIgnoreRule,
                "unknown field \(DiffError.quote(unknown)); use \(Self.fields.sorted().joined(separator: ", "))")
        }
        func string(_ field: String) throws(DiffError) -> String {
            guard let value = members[field], !value.isNull else { return "" }
            guard let text = value.stringValue else {
                throw DiffError(.invalidIgnoreRule, "\(field) must be a string")
            }
            return text
        }
        func strings(_ field: String) throws(DiffError) -> [String] {
            guard let value = members[field], !value.isNull else { return [] }
            guard let elements = value.arrayValue else {
                throw DiffError(.invalidIgnoreRule, "\(field) must be a list of strings")
            }
            var texts: [String] = []
            for (index, element) in elements.enumerated() {
                guard let text = element.stringValue else {
                    throw DiffError(.invalidIgnoreRule, "\(field)[\(index)] must be a string")
                }
                texts.append(text)
            }
            return texts
        }
        let kind = try string("kind")
        guard !kind.isEmpty else {
            throw DiffError(.invalidIgnoreRule, "kind is required (use \"*\" for every kind)")
        }
        var pointers: [JSONPointer] = []
        for (index, text) in try strings("jsonPointers").enumerated() {
            do { pointers.append(try JSONPointer(text)) } catch { throw error.located("jsonPointers[\(index)]") }
        }
        var jqPaths: [JQPath] = []
        for (index, text) in try strings("jqPathExpressions").enumerated() {
            do { jqPaths.append(try JQPath(text)) } catch { throw error.located("jqPathExpressions[\(index)]") }
        }
        self.init(
            group: try string("group"), kind: kind, name: try string("name"), namespace: try string("namespace"),
            jsonPointers: pointers, jqPaths: jqPaths, managedFieldsManagers: try strings("managedFieldsManagers"))
    }

    /// Reads an application's `ignoreDifferences` list; errors are prefixed with the entry's index, e.g.
    /// `ignoreDifferences[1]: jqPathExpressions[0]: …`.
    public static func rules(from ignoreDifferences: [JSONValue]) throws(DiffError) -> [IgnoreRule] {
        var rules: [IgnoreRule] = []
        for (index, entry) in ignoreDifferences.enumerated() {
            do {
                rules.append(try IgnoreRule(json: entry))
            } catch {
                throw error.located("ignoreDifferences[\(index)]")
            }
        }
        return rules
    }

    /// Whether the rule applies to the object `ref` names.
    public func matches(_ ref: ObjectRef) -> Bool {
        Self.glob(group, matches: ref.group) && Self.glob(kind, matches: ref.kind)
            && (name.isEmpty || Self.glob(name, matches: ref.name))
            && (namespace.isEmpty || Self.glob(namespace, matches: ref.namespace))
    }

    /// The paths the rule ignores in `document`; managed fields are read from `live`.
    func paths(in document: JSONValue, live: JSONValue?) -> [[FieldPath.Component]] {
        var paths = jsonPointers.compactMap { $0.path(in: document) }
        for jqPath in jqPaths { paths += jqPath.paths(in: document) }
        if !managedFieldsManagers.isEmpty, let live {
            paths += ManagedFieldSet(live: live, managers: Set(managedFieldsManagers)).paths(in: document)
        }
        return paths
    }

    /// Whether `text` matches `pattern`, where `*` matches any run of characters and `?` one character.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let pattern = Array(pattern)
        let text = Array(text)
        // reachable[j]: the pattern prefix read so far matches text[..<j].
        var reachable = [true] + Array(repeating: false, count: text.count)
        for symbol in pattern {
            var next = Array(repeating: false, count: text.count + 1)
            for j in 0...text.count {
                if symbol == "*" {
                    next[j] = reachable[j] || (j > 0 && next[j - 1])
                } else if j > 0, reachable[j - 1], symbol == "?" || symbol == text[j - 1] {
                    next[j] = true
                }
            }
            reachable = next
        }
        return reachable[text.count]
    }
}
