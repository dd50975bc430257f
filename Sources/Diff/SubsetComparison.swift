internal import MoorCore

/// Compares a desired (or predicted) object with a live one field by field and lists what differs.
///
/// In ``Mode-swift.enum/subset`` mode only the fields the desired object sets count: since the API server
/// only adds defaults to what it is given, "every desired field is in the live object with an equal value"
/// means an apply would change nothing. Lists are the exception: they must have the same elements, so an
/// extra live element counts as a change. In ``Mode-swift.enum/exact`` mode fields only the live object has
/// count too. Values are compared under ``ValueEquivalence``, list elements paired by ``ListMatching``.
struct FieldComparison {
    /// Which fields count.
    enum Mode {
        /// Only fields the desired object sets (and whole list elements).
        case subset
        /// Every field of either object.
        case exact
    }

    /// Which fields count.
    let mode: Mode
    /// Which values are the same.
    let equivalence: ValueEquivalence

    /// The fields that differ, at most `limit` of them, in the order met.
    func changes(desired: JSONValue, live: JSONValue, limit: Int = .max) -> [FieldChange] {
        var path: [FieldPath.Component] = []
        var changes: [FieldChange] = []
        compare(desired, live, path: &path, into: &changes, limit: limit)
        return changes
    }

    private func compare(
        _ desired: JSONValue?, _ live: JSONValue?, path: inout [FieldPath.Component], into changes: inout [FieldChange],
        limit: Int
    ) {
        guard changes.count < limit else { return }
        func record(_ kind: FieldChange.Kind) {
            changes.append(FieldChange(path: FieldPath(path), kind: kind))
        }
        guard let desired, !desired.isNull else {
            if mode == .exact, let live, !equivalence.isEmpty(live) { record(.removed) }
            return
        }
        guard let live, !live.isNull else {
            if !equivalence.isEmpty(desired) { record(.added) }
            return
        }
        switch (desired, live) {
        case (.object(let wanted), .object(let actual)):
            for (key, value) in wanted {
                path.append(.key(key))
                compare(value, actual[key], path: &path, into: &changes, limit: limit)
                path.removeLast()
            }
            guard mode == .exact else { return }
            for (key, value) in actual where wanted[key] == nil {
                path.append(.key(key))
                compare(nil, value, path: &path, into: &changes, limit: limit)
                path.removeLast()
            }
        case (.array(let wanted), .array(let actual)):
            for pair in ListMatching.pairs(wanted, actual, field: path.lastKey) where changes.count < limit {
                path.append(pair.component)
                switch (pair.first, pair.second) {
                case (let first?, let second?):
                    compare(wanted[first], actual[second], path: &path, into: &changes, limit: limit)
                case (_?, nil): record(.added)
                default: record(.removed)
                }
                path.removeLast()
            }
        case (.object, _), (.array, _), (_, .object), (_, .array):
            record(.changed)
        default:
            if !equivalence.scalarsEqual(desired, live, at: path) { record(.changed) }
        }
    }
}

extension Array where Element == FieldPath.Component {
    /// The name of the member this path ends in, if it ends in a member.
    var lastKey: String? {
        if case .key(let key)? = last { return key }
        return nil
    }
}
