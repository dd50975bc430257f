import Testing

@testable import Controller

/// The recency list's contract: the oldest key is the one used least recently, whatever was removed.
@Suite("Recency list")
struct RecencyListTests {
    /// The keys of `list` from least to most recently used (emptying it).
    static func drain(_ list: inout RecencyList<String>) -> [String] {
        var keys: [String] = []
        while let oldest = list.oldest {
            keys.append(oldest)
            list.remove(oldest)
        }
        return keys
    }

    @Test("an empty list has no oldest key; removing an unknown key changes nothing")
    func empty() {
        var list = RecencyList<String>()
        list.remove("a")
        #expect(list.oldest == nil)
        #expect(list.count == 0)
    }

    @Test("keys come out in the order of their last use")
    func orderOfUse() {
        var list = RecencyList<String>()
        for key in ["a", "b", "c", "d"] { list.use(key) }
        list.use("b")
        list.use("a")
        list.use("a")
        #expect(list.count == 4)
        #expect(Self.drain(&list) == ["c", "d", "b", "a"])
    }

    @Test(
        "removing the oldest, the newest or one between keeps the others in order",
        arguments: [
            (removed: "a", expected: ["b", "c", "d", "e"]),
            (removed: "c", expected: ["a", "b", "d", "e"]),
            (removed: "e", expected: ["a", "b", "c", "d"]),
        ])
    func removal(removed: String, expected: [String]) {
        var list = RecencyList<String>()
        for key in ["a", "b", "c", "d", "e"] { list.use(key) }
        list.remove(removed)
        #expect(list.count == 4)
        #expect(Self.drain(&list) == expected)
    }

    @Test("a removed key used again is the newest")
    func reuse() {
        var list = RecencyList<String>()
        for key in ["a", "b", "c"] { list.use(key) }
        list.remove("a")
        list.use("d")
        list.use("a")
        list.use("c")
        #expect(Self.drain(&list) == ["b", "d", "a", "c"])
    }
}
