/// A binary min-heap: ``insert(_:)`` and ``popMin()`` in O(log n), ``min`` in O(1). Equal elements
/// come out in no particular order.
struct BinaryHeap<Element: Comparable>: Sendable where Element: Sendable {
    /// The elements in heap order: each is no greater than its children at `2i + 1` and `2i + 2`.
    private var storage: [Element] = []

    /// Creates an empty heap.
    init() {}

    /// How many elements the heap holds.
    var count: Int { storage.count }

    /// Whether the heap holds no element.
    var isEmpty: Bool { storage.isEmpty }

    /// The least element; `nil` when the heap is empty.
    var min: Element? { storage.first }

    /// Adds `element`.
    mutating func insert(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the least element; `nil` when the heap is empty.
    @discardableResult
    mutating func popMin() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let least = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < storage.count else { break }
            let right = left + 1
            let child = right < storage.count && storage[right] < storage[left] ? right : left
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            parent = child
        }
        return least
    }

    /// The least element for which `isIncluded` holds; `nil` when none does. Below an included
    /// element nothing is visited (nothing there is less), so this costs O(1) when the least element
    /// is included, and grows with the number of excluded elements less than the answer (O(n) at worst).
    func min(where isIncluded: (Element) -> Bool) -> Element? {
        var best: Element?
        var pending = storage.isEmpty ? [] : [0]
        while let index = pending.popLast() {
            let element = storage[index]
            if let best, !(element < best) { continue }
            if isIncluded(element) {
                best = element
                continue
            }
            let left = 2 * index + 1
            if left < storage.count { pending.append(left) }
            if left + 1 < storage.count { pending.append(left + 1) }
        }
        return best
    }
}
