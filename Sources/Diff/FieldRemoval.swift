internal import MoorCore

extension JSONValue {
    /// The value with the fields at `paths` removed; paths use only `.key` and `.index` steps, and paths
    /// that do not exist are skipped. Array elements are removed from the highest index down, so removing
    /// several elements of one array removes the intended ones.
    func removing(_ paths: [[FieldPath.Component]]) -> JSONValue {
        var result = self
        for path in paths.sorted(by: Self.removedEarlier) {
            result.remove(at: path[...])
        }
        return result
    }

    private mutating func remove(at path: ArraySlice<FieldPath.Component>) {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        switch (first, self) {
        case (.key(let key), .object):
            if rest.isEmpty { self[key] = nil } else { self[key]?.remove(at: rest) }
        case (.index(let index), .array(var elements)) where elements.indices.contains(index):
            self = .null  // leaves `elements` uniquely referenced while it changes
            if rest.isEmpty { elements.remove(at: index) } else { elements[index].remove(at: rest) }
            self = .array(elements)
        default:
            return
        }
    }

    /// An order in which removing one path never shifts an array element another path names: higher
    /// indices first, and a path before any path it is a prefix of.
    private static func removedEarlier(_ lhs: [FieldPath.Component], _ rhs: [FieldPath.Component]) -> Bool {
        for (a, b) in zip(lhs, rhs) where a != b {
            switch (a, b) {
            case (.index(let x), .index(let y)): return x > y
            case (.key(let x), .key(let y)): return x < y
            case (.key, _): return true
            default: return false
            }
        }
        return lhs.count > rhs.count
    }
}
