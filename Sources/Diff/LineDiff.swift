/// A shortest edit script between two sequences (the lines of two YAML documents).
///
/// Myers' O((N+M)·D) algorithm in its linear-space form: find the middle of an optimal path by searching
/// from both ends, then solve the two halves. Elements that occur only on one side cannot be part of a
/// match and are set aside first, which keeps D small when one side is rewritten wholesale.
enum LineDiff {
    /// One step of an edit script.
    enum Edit: Hashable {
        /// `a[first]` and `b[second]` are the same line, kept.
        case equal(Int, Int)
        /// `a[index]` is removed.
        case delete(Int)
        /// `b[index]` is inserted.
        case insert(Int)
    }

    /// The steps that turn `a` into `b`, in order, with as few deletions and insertions as possible.
    /// Within a run of changes, deletions come before insertions.
    static func edits<Element: Hashable>(from a: [Element], to b: [Element]) -> [Edit] {
        var ids: [Element: Int] = [:]
        func id(_ element: Element) -> Int {
            if let id = ids[element] { return id }
            ids[element] = ids.count
            return ids.count - 1
        }
        let aIDs = a.map(id)
        let bIDs = b.map(id)
        // Only elements found on both sides can match.
        let inB = Set(bIDs)
        let inA = Set(aIDs)
        let aKept = aIDs.indices.filter { inB.contains(aIDs[$0]) }
        let bKept = bIDs.indices.filter { inA.contains(bIDs[$0]) }
        var matcher = Matcher(a: aKept.map { aIDs[$0] }, b: bKept.map { bIDs[$0] })
        matcher.match(0, aKept.count, 0, bKept.count)

        var edits: [Edit] = []
        edits.reserveCapacity(a.count + b.count)
        var x = 0
        var y = 0
        for (i, j) in matcher.matches.map({ (aKept[$0.0], bKept[$0.1]) }) + [(a.count, b.count)] {
            edits += (x..<i).map(Edit.delete)
            edits += (y..<j).map(Edit.insert)
            if i < a.count { edits.append(.equal(i, j)) }
            x = i + 1
            y = j + 1
        }
        return edits
    }

    /// The linear-space search over two sequences of ids.
    private struct Matcher {
        let a: [Int]
        let b: [Int]
        /// Pairs of matched indices, in increasing order.
        var matches: [(Int, Int)] = []
        /// Furthest x reached on each diagonal (x − y) from the top-left and from the bottom-right.
        private var forward: [Int]
        private var backward: [Int]
        /// Index of diagonal 0 in `forward` and `backward`.
        private let offset: Int

        init(a: [Int], b: [Int]) {
            self.a = a
            self.b = b
            offset = b.count + 1
            forward = Array(repeating: 0, count: a.count + b.count + 3)
            backward = forward
        }

        /// Records the matches of an optimal alignment of `a[aLow..<aHigh]` and `b[bLow..<bHigh]`.
        mutating func match(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) {
            var aLow = aLow
            var bLow = bLow
            var aHigh = aHigh
            var bHigh = bHigh
            while aLow < aHigh, bLow < bHigh, a[aLow] == b[bLow] {
                matches.append((aLow, bLow))
                aLow += 1
                bLow += 1
            }
            let suffixEnd = (aHigh, bHigh)
            while aHigh > aLow, bHigh > bLow, a[aHigh - 1] == b[bHigh - 1] {
                aHigh -= 1
                bHigh -= 1
            }
            if aLow < aHigh, bLow < bHigh {
                let (x, y) = middle(aLow, aHigh, bLow, bHigh)
                match(aLow, x, bLow, y)
                match(x, aHigh, y, bHigh)
            }
            for k in 0..<(suffixEnd.0 - aHigh) { matches.append((aHigh + k, bHigh + k)) }
        }

        /// A point on an optimal path through the box, with at least one edit on each side of it. The box
        /// must not start or end with matching elements.
        private mutating func middle(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) -> (Int, Int) {
            let lowest = aLow - bHigh
            let highest = aHigh - bLow
            let forwardMid = aLow - bLow
            let backwardMid = aHigh - bHigh
            var (forwardMin, forwardMax) = (forwardMid, forwardMid)
            var (backwardMin, backwardMax) = (backwardMid, backwardMid)
            let odd = (forwardMid - backwardMid) & 1 != 0
            forward[offset + forwardMid] = aLow
            backward[offset + backwardMid] = aHigh
            while true {
                // One more edit from the top-left, on every diagonal inside the box.
                if forwardMin > lowest {
                    forwardMin -= 1
                    forward[offset + forwardMin - 1] = -1
                } else {
                    forwardMin += 1
                }
                if forwardMax < highest {
                    forwardMax += 1
                    forward[offset + forwardMax + 1] = -1
                } else {
                    forwardMax -= 1
                }
                for d in stride(from: forwardMax, through: forwardMin, by: -2) {
                    let left = forward[offset + d - 1]
                    let above = forward[offset + d + 1]
                    var x = left < above ? above : left + 1
                    var y = x - d
                    while x < aHigh, y < bHigh, a[x] == b[y] {
                        x += 1
                        y += 1
                    }
                    forward[offset + d] = x
                    if odd, backwardMin <= d, d <= backwardMax, backward[offset + d] <= x { return (x, y) }
                }
                // One more edit from the bottom-right.
                if backwardMin > lowest {
                    backwardMin -= 1
                    backward[offset + backwardMin - 1] = .max
                } else {
                    backwardMin += 1
                }
                if backwardMax < highest {
                    backwardMax += 1
                    backward[offset + backwardMax + 1] = .max
                } else {
                    backwardMax -= 1
                }
                for d in stride(from: backwardMax, through: backwardMin, by: -2) {
                    let right = backward[offset + d - 1]
                    let below = backward[offset + d + 1]
                    var x = right < below ? right : below - 1
                    var y = x - d
                    while x > aLow, y > bLow, a[x - 1] == b[y - 1] {
                        x -= 1
                        y -= 1
                    }
                    backward[offset + d] = x
                    if !odd, forwardMin <= d, d <= forwardMax, x <= forward[offset + d] { return (x, y) }
                }
            }
        }
    }
}
