public import MoorCore

/// Who set a drifted field of a live object, and how and when, from its `metadata.managedFields`:
/// `spec.replicas: kubectl-scale, Update, 2026-12-02T10:31:00Z`.
///
/// Each field of a live object belongs to the managers whose `fieldsV1` tree holds it (or holds the
/// whole of a field it is inside). When a manager's update or apply changes a field's value, the field
/// moves to that manager, so the drifted field's owners other than the application's own field manager
/// are who drifted it; the most recent entry of them is named. A changed field that only the application's
/// own manager still holds was either changed in Git since Moor applied it (a new commit, a pull request's
/// preview) or written without a record (through a subresource such as `scale`, which API servers before
/// 1.21 did not record); `managedFields` cannot tell these apart: it is attributed to nobody, and says so. A field Git sets that the
/// live object lacks was removed and belongs to nobody any more: it gets no attribution.
public struct FieldAttribution: Sendable, Hashable, CustomStringConvertible {
    /// How a manager wrote its fields, as `managedFields` records it.
    public enum Operation: String, Sendable, Hashable {
        /// A server-side apply.
        case apply = "Apply"
        /// Any other write: create, update, patch (`kubectl edit`, `patch`, `scale`, controllers).
        case update = "Update"
    }

    /// The drifted field.
    public var path: FieldPath
    /// The field manager that set it (`kubectl-edit`, `kubectl-client-side-apply`, a controller's name);
    /// `nil` when the change was not recorded in `managedFields`.
    public var manager: String?
    /// How it was set; `nil` when not recorded.
    public var operation: Operation?
    /// When the manager's entry was last written (RFC 3339, as the API server records it), if recorded.
    public var time: String?
    /// The subresource written (`scale`, `status`), if it was not the object itself.
    public var subresource: String?

    /// Creates an attribution.
    public init(path: FieldPath, manager: String?, operation: Operation?, time: String?, subresource: String? = nil) {
        self.path = path
        self.manager = manager
        self.operation = operation
        self.time = time
        self.subresource = subresource
    }

    /// `spec.replicas: kubectl-scale, Update, 2026-12-02T10:31:00Z` (`Update scale` for a subresource).
    public var description: String {
        guard let manager else { return "\(path): \(Self.unrecorded)" }
        let how = [operation?.rawValue, subresource].compactMap { $0 }.joined(separator: " ")
        return "\(path): " + [manager, how, time].compactMap { $0 }.joined(separator: ", ")
    }

    /// What a changed field only the application's own applies hold says.
    public static let unrecorded =
        "held only by Moor's apply: changed in Git, or in the cluster without a managedFields record "
        + "(e.g. through the scale subresource)"

    /// The attributions of the changed and removed fields among `changes` in `live`, in the order of
    /// `changes`, naming for each the most recent manager entry that holds it other than the applies of
    /// `ownManager` (the application's own field manager; an update under the same name, as a client that
    /// names no manager gets from its user agent, counts as another's).
    public static func attributions(of changes: [FieldChange], in live: JSONValue, except ownManager: String)
        -> [FieldAttribution]
    {
        let entries = (live[path: "metadata", "managedFields"]?.arrayValue ?? []).compactMap(Entry.init)
        guard !entries.isEmpty else { return [] }
        return changes.compactMap { change in
            guard change.kind != .added else { return nil }
            let holders = entries.filter { holds($0.fields, path: change.path.components[...], in: live) }
            let others = holders.filter { $0.manager != ownManager || $0.operation != .apply }
            guard let latest = others.max(by: { ($0.time ?? "") < ($1.time ?? "") }) else {
                return change.kind == .changed && !holders.isEmpty
                    ? FieldAttribution(path: change.path, manager: nil, operation: nil, time: nil) : nil
            }
            return FieldAttribution(
                path: change.path, manager: latest.manager, operation: latest.operation, time: latest.time,
                subresource: latest.subresource)
        }
    }

    /// One `managedFields` entry.
    private struct Entry {
        var manager: String
        var operation: Operation
        var time: String?
        var subresource: String?
        var fields: JSONObject

        init?(_ entry: JSONValue) {
            guard let manager = entry["manager"]?.stringValue,
                let operation = entry["operation"]?.stringValue.flatMap(Operation.init(rawValue:)),
                let fields = entry["fieldsV1"]?.objectValue
            else { return nil }
            self.manager = manager
            self.operation = operation
            time = entry["time"]?.stringValue
            subresource = entry["subresource"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            self.fields = fields
        }
    }

    /// Whether the `fieldsV1` node `tree` (of `value`) holds the field at `path` inside `value`: it has
    /// the field's node, or a field on the way there owned whole (a leaf, or a list element holding `.`;
    /// for a member, `.` only marks the map itself, as in ``ManagedFieldSet``).
    private static func holds(_ tree: JSONObject, path: ArraySlice<FieldPath.Component>, in value: JSONValue) -> Bool {
        guard let step = path.first else { return true }
        let key: String
        let child: JSONValue
        switch step {
        case .key(let name):
            guard let member = value[name] else { return false }
            (key, child) = ("f:\(name)", member)
        case .index(let index):
            guard let elements = value.arrayValue, elements.indices.contains(index),
                let found = elementKey(of: index, in: elements, tree: tree)
            else { return false }
            (key, child) = (found, elements[index])
        case .element(let fields):
            guard let elements = value.arrayValue,
                let index = elements.firstIndex(where: { ListMatching.element($0, hasKey: fields) }),
                let found = elementKey(of: index, in: elements, tree: tree)
            else { return false }
            (key, child) = (found, elements[index])
        }
        guard let node = tree[key] else { return false }
        let children = node.objectValue ?? JSONObject()
        if children.isEmpty || (!key.hasPrefix("f:") && children["."] != nil) { return true }
        return holds(children, path: path.dropFirst(), in: child)
    }

    /// The key of `tree` (`k:`, `v:` or `i:`) naming the element at `index` of `elements`.
    private static func elementKey(of index: Int, in elements: [JSONValue], tree: JSONObject) -> String? {
        tree.keys.first { !$0.hasPrefix("f:") && $0 != "." && ManagedFieldSet.elementIndex($0, in: elements) == index }
    }
}

extension FieldAttribution {
    /// `{path, manager, operation, time, subresource}` (`null` when not recorded; `manager` `null` for a
    /// change not recorded at all),
    /// as the CLI's JSON output and the API give it.
    public var json: JSONValue {
        [
            "path": .string(path.description), "manager": manager.map(JSONValue.string) ?? .null,
            "operation": operation.map { .string($0.rawValue) } ?? .null,
            "time": time.map(JSONValue.string) ?? .null, "subresource": subresource.map(JSONValue.string) ?? .null,
        ]
    }
}
