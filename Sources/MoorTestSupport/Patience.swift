/// How long integration tests wait for something to happen. The whole suite runs its tests in
/// parallel on a 2-core machine, against one API server, so a step that takes a second alone can
/// take a minute when everything else is busy (and CI machines can be slower still). Waits end as soon as their condition holds, so a
/// generous limit costs nothing unless a test is failing anyway.
package enum Patience {
    /// The default limit of ``waitUntil(timeout:every:_:)``.
    package static let timeout: Duration = .seconds(300)

    /// Checks `condition` every `interval` until it holds (`true`) or `timeout` has passed (`false`).
    /// Rethrows what `condition` throws, and `CancellationError` when the task is cancelled.
    package static func waitUntil(
        timeout: Duration = Patience.timeout, every interval: Duration = .milliseconds(100),
        _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if try await condition() { return true }
            if clock.now >= deadline { return false }
            try await Task.sleep(for: interval)
        }
    }
}
