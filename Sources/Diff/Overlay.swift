internal import MoorCore

extension ValueEquivalence {
    /// An estimate of the object an apply of `desired` would leave, made from `live` without asking the
    /// API server: every field `desired` sets replaces the live one, fields only the live object has stay
    /// (they may be defaults or belong to another field manager).
    ///
    /// Elements of keyed lists (``ListMatching``) merge by key and live-only elements stay, as with
    /// server-side apply; other lists merge element by element when their lengths agree and are replaced
    /// otherwise. Unlike a server-side dry run this cannot see fields Moor set before and no longer sets,
    /// so it never predicts a removal.
    func overlay(_ desired: JSONValue, onto live: JSONValue, path: [FieldPath.Component] = []) -> JSONValue {
        if desired.isNull { return live }
        if live.isNull { return desired }
        switch (desired, live) {
        case (.object(let wanted), .object(let actual)):
            var result = actual
            for (key, value) in wanted {
                result[key] = actual[key].map { overlay(value, onto: $0, path: path + [.key(key)]) } ?? value
            }
            return .object(result)
        case (.array(let wanted), .array(let actual)):
            let pairs = ListMatching.pairs(wanted, actual, field: path.lastKey)
            guard pairs.contains(where: \.isKeyed) || wanted.count == actual.count else { return desired }
            return .array(
                pairs.map { pair in
                    switch (pair.first, pair.second) {
                    case (let first?, let second?):
                        overlay(wanted[first], onto: actual[second], path: path + [pair.component])
                    case (let first?, nil): wanted[first]
                    case (nil, let second?): actual[second]
                    case (nil, nil): .null
                    }
                })
        default:
            return scalarsEqual(desired, live, at: path) ? live : desired
        }
    }
}
