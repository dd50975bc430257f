import Testing

@testable import Controller

/// A boxed value behaves as the value would: copies are independent, members read and write through.
@Suite("Boxed values")
struct BoxedTests {
    struct Record: Equatable {
        var name: String
        var counts: [Int]
        var total: Int { counts.reduce(0, +) }
    }

    @Test("a copy changed through a member leaves the original as it was, and the other way round")
    func valueSemantics() {
        var original = Boxed(Record(name: "a", counts: [1]))
        var copy = original
        copy.counts.append(2)
        copy.name = "b"
        #expect(original.value == Record(name: "a", counts: [1]))
        #expect(copy.value == Record(name: "b", counts: [1, 2]))
        original.value.counts = []
        #expect(copy.total == 3, "a computed member reads through")
        #expect(original.total == 0)
    }

    @Test("members change in place inside a dictionary, through optional chaining")
    func inDictionary() {
        var table = ["x": Boxed(Record(name: "x", counts: []))]
        let before = table
        for value in 1...3 { table["x"]?.counts.append(value) }
        table["y"]?.counts.append(9)
        #expect(table["x"]?.counts == [1, 2, 3])
        #expect(table["y"] == nil)
        #expect(before["x"]?.counts == [], "the dictionary copied before shares nothing changed after")
    }
}
