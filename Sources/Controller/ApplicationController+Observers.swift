extension ApplicationController {
    /// The open streams of ``statusChanges()``, by id.
    struct StatusObservers {
        private var continuations: [Int: AsyncStream<Snapshot>.Continuation] = [:]
        private var nextID = 0

        /// Keeps `continuation`; returns its id for ``remove(_:)``.
        mutating func add(_ continuation: AsyncStream<Snapshot>.Continuation) -> Int {
            nextID += 1
            continuations[nextID] = continuation
            return nextID
        }

        /// Forgets the stream `id` (its reader went away).
        mutating func remove(_ id: Int) {
            continuations[id] = nil
        }

        /// Hands `snapshot` to every stream.
        func yield(_ snapshot: Snapshot) {
            for continuation in continuations.values { continuation.yield(snapshot) }
        }

        /// Ends every stream.
        mutating func finishAll() {
            for continuation in continuations.values { continuation.finish() }
            continuations = [:]
        }
    }

    /// A stream of every application's status each time it says something new (the new snapshot),
    /// from now on, until the controller stops or the reader stops reading. A slow reader gets the
    /// newest 1,000 changes and loses older ones.
    public func statusChanges() -> AsyncStream<Snapshot> {
        let (stream, continuation) = AsyncStream.makeStream(of: Snapshot.self, bufferingPolicy: .bufferingNewest(1000))
        guard accepting else {
            continuation.finish()
            return stream
        }
        let id = statusObservers.add(continuation)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeObserver(id) }
        }
        return stream
    }

    /// Hands a status that changed to the readers of ``statusChanges()``.
    func publish(_ snapshot: Snapshot) {
        statusObservers.yield(snapshot)
    }

    private func removeObserver(_ id: Int) {
        statusObservers.remove(id)
    }
}
