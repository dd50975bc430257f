internal import MoorCore

extension ValueEquivalence {
    /// `live` and `target` rewritten so that wherever they are equivalent they also print the same, and a
    /// line diff of the two shows only real differences: an empty or `null` member the other side lacks is
    /// dropped, a quantity the other side spells differently takes the live spelling, and members and
    /// elements of keyed lists are put in the live order.
    func aligned(
        live: JSONValue, target: JSONValue, path: [FieldPath.Component] = []
    ) -> (live: JSONValue, target: JSONValue) {
        switch (live, target) {
        case (.object(let actual), .object(let wanted)):
            var newLive = JSONObject()
            var newTarget = JSONObject()
            for (key, value) in actual {
                if let other = wanted[key] {
                    let pair = aligned(live: value, target: other, path: path + [.key(key)])
                    newLive[key] = pair.live
                    newTarget[key] = pair.target
                } else if !isEmpty(value) {
                    newLive[key] = value
                }
            }
            for (key, value) in wanted where actual[key] == nil && !isEmpty(value) {
                newTarget[key] = value
            }
            return (.object(newLive), .object(newTarget))
        case (.array(let actual), .array(let wanted)):
            var newLive = actual
            var newTarget: [JSONValue] = []
            for pair in ListMatching.pairs(wanted, actual, field: path.lastKey) {
                guard let first = pair.first else { continue }
                if let second = pair.second {
                    let elements = aligned(live: actual[second], target: wanted[first], path: path + [pair.component])
                    newLive[second] = elements.live
                    newTarget.append(elements.target)
                } else {
                    newTarget.append(wanted[first])
                }
            }
            return (.array(newLive), .array(newTarget))
        default:
            return scalarsEqual(target, live, at: path) ? (live, live) : (live, target)
        }
    }
}
