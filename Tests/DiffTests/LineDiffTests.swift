import MoorTestSupport
import Testing

@testable import Diff

@Suite("Line diff")
struct LineDiffTests {
    /// `b` rebuilt by applying `edits` to `a`, after checking that the script visits every line of `a` and
    /// of `b` once, in order.
    private func apply<T: Equatable>(_ edits: [LineDiff.Edit], to a: [T], expecting b: [T]) -> [T] {
        var result: [T] = []
        var nextA = 0
        var nextB = 0
        for edit in edits {
            switch edit {
            case .equal(let i, let j):
                #expect(i == nextA && j == nextB && a[i] == b[j])
                result.append(a[i])
                nextA += 1
                nextB += 1
            case .delete(let i):
                #expect(i == nextA)
                nextA += 1
            case .insert(let j):
                #expect(j == nextB)
                result.append(b[j])
                nextB += 1
            }
        }
        #expect(nextA == a.count && nextB == b.count)
        return result
    }

    /// The length of a longest common subsequence, by dynamic programming.
    private func lcsLength<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        var previous = Array(repeating: 0, count: b.count + 1)
        for x in a {
            var current = [0]
            for (j, y) in b.enumerated() {
                current.append(x == y ? previous[j] + 1 : max(previous[j + 1], current[j]))
            }
            previous = current
        }
        return previous[b.count]
    }

    private func equalCount(_ edits: [LineDiff.Edit]) -> Int {
        edits.filter { if case .equal = $0 { true } else { false } }.count
    }

    @Test(
        "known cases",
        arguments: [
            ("", "", 0), ("abc", "abc", 0), ("", "abc", 3), ("abc", "", 3), ("abcabba", "cbabac", 5),
            ("xaxbx", "ab", 3), ("ab", "ba", 2),
        ])
    func known(a: String, b: String, editCount: Int) {
        let (a, b) = (Array(a), Array(b))
        let edits = LineDiff.edits(from: a, to: b)
        #expect(apply(edits, to: a, expecting: b) == b)
        #expect(edits.count - equalCount(edits) == editCount)
    }

    @Test("random inputs: the script turns A into B with as few edits as possible", arguments: [1, 2, 3, 42, 2025])
    func random(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let alphabet = [3, 5, 20].randomElement(using: &generator)!
            let a = (0..<Int.random(in: 0...40, using: &generator)).map { _ in
                Int.random(in: 0..<alphabet, using: &generator)
            }
            var b = a
            for _ in 0..<Int.random(in: 0...10, using: &generator) {
                let position = Int.random(in: 0...b.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: b.insert(Int.random(in: 0..<alphabet, using: &generator), at: position)
                case 1 where position < b.count: b.remove(at: position)
                default: if position < b.count { b[position] = Int.random(in: 0..<alphabet, using: &generator) }
                }
            }
            let edits = LineDiff.edits(from: a, to: b)
            #expect(apply(edits, to: a, expecting: b) == b)
            #expect(equalCount(edits) == lcsLength(a, b), "a: \(a) b: \(b)")
        }
    }

    @Test("within a run of changes, deletions come before insertions")
    func deletionsFirst() {
        let edits = LineDiff.edits(from: ["a", "x", "y", "b"], to: ["a", "p", "q", "b"])
        #expect(edits == [.equal(0, 0), .delete(1), .delete(2), .insert(1), .insert(2), .equal(3, 3)])
    }

    @Test("5,000-line objects: scattered edits, repetitive lines and a full rewrite", .timeLimit(.minutes(10)))
    func large() {
        var generator = SeededGenerator(seed: 7)
        // YAML-like: many identical lines, as in lists of containers and ports.
        let a = (0..<5000).map { i in
            i % 7 == 0 ? "    protocol: TCP" : "line \(Int.random(in: 0..<400, using: &generator))"
        }
        var b = a
        for i in stride(from: 100, to: 5000, by: 250) { b[i] = "changed \(i)" }
        b.insert(contentsOf: ["inserted 1", "inserted 2"], at: 2500)
        let rewritten = a.map { "new " + $0 }
        for target in [b, rewritten, a.shuffled(using: &generator)] {
            let edits = LineDiff.edits(from: a, to: target)
            #expect(apply(edits, to: a, expecting: target) == target)
        }
    }
}
