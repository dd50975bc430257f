import Testing

@testable import Controller

/// The binary heap's contract: least first, whatever the order of insertion.
@Suite("Binary heap")
struct BinaryHeapTests {
    /// Every element of `heap`, least first.
    static func drain(_ heap: inout BinaryHeap<Int>) -> [Int] {
        var elements: [Int] = []
        while let element = heap.popMin() { elements.append(element) }
        return elements
    }

    @Test("an empty heap has no least element")
    func empty() {
        var heap = BinaryHeap<Int>()
        #expect(heap.isEmpty)
        #expect(heap.min == nil)
        #expect(heap.popMin() == nil)
        #expect(heap.min(where: { _ in true }) == nil)
    }

    @Test(
        "elements come out least first, duplicates included",
        arguments: [
            [5, 3, 8, 1, 9, 2, 7],
            [1, 2, 3, 4, 5],
            [5, 4, 3, 2, 1],
            [4, 4, 1, 4, 1],
            Array((0..<200).map { ($0 * 7919) % 211 }),
        ])
    func sorts(elements: [Int]) {
        var heap = BinaryHeap<Int>()
        for element in elements { heap.insert(element) }
        #expect(heap.count == elements.count)
        #expect(heap.min == elements.min())
        #expect(Self.drain(&heap) == elements.sorted())
        #expect(heap.isEmpty)
    }

    @Test("insertions between removals keep the order")
    func interleaved() {
        var heap = BinaryHeap<Int>()
        for element in [10, 4, 7] { heap.insert(element) }
        #expect(heap.popMin() == 4)
        heap.insert(1)
        heap.insert(8)
        #expect(heap.popMin() == 1)
        #expect(Self.drain(&heap) == [7, 8, 10])
    }

    @Test(
        "the least element that satisfies a condition",
        arguments: [
            (condition: "odd", expected: Optional(3)),
            (condition: "above 6", expected: Optional(7)),
            (condition: "above 9", expected: nil),
        ])
    func leastWhere(condition: String, expected: Int?) {
        var heap = BinaryHeap<Int>()
        for element in [8, 2, 6, 3, 7, 4, 9, 5] { heap.insert(element) }
        let isIncluded: (Int) -> Bool =
            switch condition {
            case "odd": { $0 % 2 == 1 }
            case "above 6": { $0 > 6 }
            default: { $0 > 9 }
            }
        #expect(heap.min(where: isIncluded) == expected)
        #expect(heap.count == 8, "looking removes nothing")
    }
}
