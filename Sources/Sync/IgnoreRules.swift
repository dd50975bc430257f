public import MoorCore

/// Comparison of desired and live objects for one application, with its ignore rules.
/// (Bridge to the Diff module.)
struct IgnoreRules: Sendable {
    let entries: [JSONValue]

    init(_ entries: [JSONValue]) throws {
        self.entries = entries
    }

    /// The changes between two objects.
    struct Difference {
        var changedPaths: [String]
        var unified: String
        var isEmpty: Bool { changedPaths.isEmpty }
    }

    func desired(_ desired: JSONValue, isContainedIn live: JSONValue, ref: ObjectRef) -> Bool {
        Self.contains(live, desired)
    }

    func difference(from live: JSONValue, to predicted: JSONValue, ref: ObjectRef) -> Difference {
        Difference(changedPaths: Self.contains(live, predicted) ? [] : ["(changed)"], unified: "")
    }

    private static func contains(_ live: JSONValue, _ desired: JSONValue) -> Bool {
        switch (live, desired) {
        case (.object(let l), .object(let d)):
            return d.allSatisfy { key, value in l[key].map { contains($0, value) } ?? false }
        case (.array(let l), .array(let d)):
            return l.count == d.count && zip(l, d).allSatisfy { contains($0, $1) }
        default:
            return live == desired
        }
    }
}
