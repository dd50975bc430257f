internal import MoorCore

/// The fields some field managers own in a live object, read from its `metadata.managedFields`.
///
/// Each entry's `fieldsV1` is a tree whose keys say how to step into the object: `f:name` a member,
/// `k:{"name":"web"}` the list element with that key, `v:"value"` the set element with that value,
/// `i:3` the element at an index, and `.` the node itself. A leaf (`{}`) is an owned field. A list element
/// whose node holds `.` is owned as a whole (a sidecar a webhook injected, say) and is ignored entirely;
/// for a member, `.` only marks the map itself, so just the owned members inside it are ignored.
struct ManagedFieldSet {
    /// The merged `fieldsV1` trees of the chosen managers.
    private let tree: JSONObject

    /// The fields `managers` own in `live`, over all operations and subresources.
    init(live: JSONValue, managers: Set<String>) {
        var tree = JSONObject()
        for entry in live[path: "metadata", "managedFields"]?.arrayValue ?? [] {
            guard let manager = entry["manager"]?.stringValue, managers.contains(manager),
                let fields = entry["fieldsV1"]?.objectValue
            else { continue }
            tree = Self.merge(tree, fields)
        }
        self.tree = tree
    }

    /// The paths of the owned fields that exist in `document` (the live object or the desired one).
    func paths(in document: JSONValue) -> [[FieldPath.Component]] {
        var paths: [[FieldPath.Component]] = []
        Self.collect(tree, in: document, path: [], into: &paths)
        return paths
    }

    /// The union of two trees; a leaf (the whole field) absorbs any children the other tree lists.
    private static func merge(_ a: JSONObject, _ b: JSONObject) -> JSONObject {
        var result = a
        for (key, value) in b {
            let other = value.objectValue ?? JSONObject()
            if let mine = result[key]?.objectValue {
                result[key] = mine.isEmpty || other.isEmpty ? .emptyObject : .object(merge(mine, other))
            } else {
                result[key] = .object(other)
            }
        }
        return result
    }

    private static func collect(
        _ tree: JSONObject, in value: JSONValue, path: [FieldPath.Component], into paths: inout [[FieldPath.Component]]
    ) {
        for (key, node) in tree where key != "." {
            let children = node.objectValue ?? JSONObject()
            let payload = String(key.dropFirst(2))
            switch key.prefix(2) {
            case "f:":
                guard let child = value[payload] else { continue }
                if children.allSatisfy({ $0.key == "." }) {
                    paths.append(path + [.key(payload)])
                } else {
                    collect(children, in: child, path: path + [.key(payload)], into: &paths)
                }
            case "k:", "v:", "i:":
                guard let elements = value.arrayValue, let index = elementIndex(key, in: elements) else { continue }
                if children.isEmpty || children["."] != nil {
                    paths.append(path + [.index(index)])
                } else {
                    collect(children, in: elements[index], path: path + [.index(index)], into: &paths)
                }
            default:
                continue
            }
        }
    }

    /// The index of the element a `k:`, `v:` or `i:` key names.
    static func elementIndex(_ key: String, in elements: [JSONValue]) -> Int? {
        let payload = String(key.dropFirst(2))
        switch key.prefix(2) {
        case "i:":
            return Int(payload).flatMap { elements.indices.contains($0) ? $0 : nil }
        case "k:":
            guard let fields = (try? JSONValue(parsing: payload))?.objectValue else { return nil }
            return elements.firstIndex { ListMatching.element($0, hasKey: fields) }
        default:
            guard let wanted = try? JSONValue(parsing: payload) else { return nil }
            return elements.firstIndex(of: wanted)
        }
    }
}
