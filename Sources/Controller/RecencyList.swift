/// Keys in the order they were last used, for evicting the least recently used: ``use(_:)``,
/// ``remove(_:)`` and ``oldest`` each cost O(1). A doubly linked list kept in one array, nodes
/// linked by index.
struct RecencyList<Key: Hashable & Sendable>: Sendable {
    /// One key and its neighbours in the order of use.
    private struct Node: Sendable {
        var key: Key
        var older: Int?
        var newer: Int?
    }

    /// The nodes, in no particular order: removing one moves the last into its place.
    private var nodes: [Node] = []
    private var slots: [Key: Int] = [:]
    private var oldestSlot: Int?
    private var newestSlot: Int?

    /// Creates an empty list.
    init() {}

    /// How many keys the list holds.
    var count: Int { nodes.count }

    /// The key used least recently; `nil` when the list is empty.
    var oldest: Key? { oldestSlot.map { nodes[$0].key } }

    /// Makes `key` the most recently used, adding it when it is new.
    mutating func use(_ key: Key) {
        let slot: Int
        if let known = slots[key] {
            guard known != newestSlot else { return }
            unlink(known)
            slot = known
        } else {
            slot = nodes.count
            nodes.append(Node(key: key))
            slots[key] = slot
        }
        nodes[slot].older = newestSlot
        if let newest = newestSlot { nodes[newest].newer = slot } else { oldestSlot = slot }
        newestSlot = slot
    }

    /// Removes `key`; nothing when the list does not hold it.
    mutating func remove(_ key: Key) {
        guard let slot = slots.removeValue(forKey: key) else { return }
        unlink(slot)
        let last = nodes.count - 1
        if slot != last {
            nodes[slot] = nodes[last]
            slots[nodes[slot].key] = slot
            if let older = nodes[slot].older { nodes[older].newer = slot } else { oldestSlot = slot }
            if let newer = nodes[slot].newer { nodes[newer].older = slot } else { newestSlot = slot }
        }
        nodes.removeLast()
    }

    /// Takes the node at `slot` out of the order, joining its neighbours.
    private mutating func unlink(_ slot: Int) {
        let node = nodes[slot]
        if let older = node.older { nodes[older].newer = node.newer } else { oldestSlot = node.newer }
        if let newer = node.newer { nodes[newer].older = node.older } else { newestSlot = node.older }
        nodes[slot].older = nil
        nodes[slot].newer = nil
    }
}
