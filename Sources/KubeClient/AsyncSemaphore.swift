/// Limits how many operations run at once; waiters resume in arrival order.
actor AsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a semaphore admitting `limit` holders at once.
    init(limit: Int) {
        precondition(limit > 0, "a semaphore needs a positive limit")
        available = limit
    }

    /// Waits for a slot.
    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a slot, handing it to the oldest waiter if there is one.
    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
