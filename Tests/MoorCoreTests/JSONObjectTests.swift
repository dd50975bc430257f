import MoorCore
import Testing

@Suite("JSON object")
struct JSONObjectTests {
    @Test("keeps insertion order; replacing keeps the position, removing and re-adding moves to the end")
    func order() {
        var o = JSONObject()
        o["b"] = 1
        o["a"] = 2
        o["c"] = 3
        #expect(o.keys == ["b", "a", "c"])
        o["a"] = 20
        #expect(o.keys == ["b", "a", "c"] && o["a"] == 20)
        o["b"] = nil
        o["b"] = 10
        #expect(o.keys == ["a", "c", "b"])
        #expect(o.values == [20, 3, 10])
        #expect(o.count == 3 && !o.isEmpty)
        #expect(Array(o.map(\.key)) == ["a", "c", "b"])
    }

    @Test("update and remove report the previous value")
    func updateAndRemove() {
        var o = JSONObject([("x", 1)])
        #expect(o.updateValue(2, forKey: "x") == 1)
        #expect(o.updateValue(3, forKey: "y") == nil)
        #expect(o.removeValue(forKey: "x") == 2)
        #expect(o.removeValue(forKey: "x") == nil)
        #expect(o.keys == ["y"])
        o["y"] = nil
        #expect(o.isEmpty && o == JSONObject())
    }

    @Test("a repeated key in the initializer keeps its first position and its last value")
    func initializerDuplicates() {
        let o = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(o.keys == ["a", "b"])
        #expect(o["a"] == 3)
    }

    @Test("large objects stay consistent through inserts, updates and removals", arguments: [5, 13, 100, 1000])
    func largeObjects(size: Int) {
        var o = JSONObject()
        for i in 0..<size { o["k\(i)"] = .int(i) }
        for i in stride(from: 0, to: size, by: 2) { o["k\(i)"] = nil }
        for i in stride(from: 1, to: size, by: 4) { o["k\(i)"] = .int(-i) }
        o["new"] = "last"
        var expectedKeys = stride(from: 1, to: size, by: 2).map { "k\($0)" }
        expectedKeys.append("new")
        #expect(o.keys == expectedKeys)
        for i in 0..<size {
            let expected: JSONValue? = i % 2 == 0 ? nil : .int(i % 4 == 1 ? -i : i)
            #expect(o["k\(i)"] == expected)
        }
        #expect(o["new"] == "last")
        #expect(o.count == expectedKeys.count)
        let shuffled = JSONObject(o.reversed().map { ($0.key, $0.value) })
        #expect(shuffled == o && shuffled.hashValue == o.hashValue)
    }

    @Test("sortedByKey orders the members and keeps them equal")
    func sorted() {
        let o = JSONObject((0..<20).reversed().map { (padded($0), JSONValue.int($0)) })
        let sorted = o.sortedByKey()
        #expect(sorted.keys == o.keys.sorted())
        #expect(sorted == o)
        #expect(sorted["07"] == 7)
    }

    private func padded(_ i: Int) -> String { i < 10 ? "0\(i)" : "\(i)" }
}
