public import MoorCore

/// A change seen by a ``ResourceWatcher``.
public enum ResourceChange: Sendable, Hashable {
    /// A full list: the complete current set of objects (first, and again after a 410 relist).
    case listed([JSONValue])
    /// One object was added, modified or deleted.
    case event(WatchEvent)
}

/// Keeps up with every object of one resource: lists, then watches from the list's
/// resourceVersion with bookmarks, resumes after a watch ends, relists on 410 Gone, and backs
/// off on transient errors. Never ends on its own; cancel the consuming task to stop it.
/// Non-transient errors (e.g. Forbidden) are thrown.
public struct ResourceWatcher: AsyncSequence, Sendable {
    public typealias Element = ResourceChange
    let client: KubeClient
    let resource: APIResource
    let namespace: String?
    let options: ListOptions
    let retry: RetryPolicy
    let timeoutSeconds: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(watcher: self)
    }

    /// Drives the ``ListWatchStateMachine``.
    public struct Iterator: AsyncIteratorProtocol {
        private let watcher: ResourceWatcher
        private var machine = ListWatchStateMachine()
        private var current: WatchEventStream.Iterator?

        init(watcher: ResourceWatcher) {
            self.watcher = watcher
        }

        public mutating func next() async throws(KubeAPIError) -> ResourceChange? {
            while !Task.isCancelled {
                do {
                    if let change = try await step() { return change }
                } catch  where error.code == .gone {
                    current = nil
                    machine.gone()
                } catch  where error.isTransient {
                    current = nil
                    let attempt = machine.failed()
                    let delay = watcher.retry.delay(afterAttempt: attempt, retryAfterSeconds: error.retryAfterSeconds)
                    do { try await Task.sleep(for: delay) } catch { return nil }
                }
            }
            return nil
        }

        private mutating func step() async throws(KubeAPIError) -> ResourceChange? {
            if current == nil {
                switch machine.nextAction {
                case .list:
                    var options = watcher.options
                    options.resourceVersion = nil
                    let list = try await watcher.client.listAll(
                        watcher.resource, namespace: watcher.namespace, options: options)
                    machine.listed(resourceVersion: list.resourceVersion)
                    return .listed(list.items)
                case .watch(let resourceVersion):
                    var options = watcher.options
                    options.resourceVersion = resourceVersion
                    current = watcher.client.watch(
                        watcher.resource, namespace: watcher.namespace, options: options,
                        timeoutSeconds: watcher.timeoutSeconds
                    ).makeAsyncIterator()
                }
            }
            guard let event = try await current!.next() else {
                current = nil
                return nil
            }
            machine.observed(resourceVersion: event.resourceVersion)
            if event.kind == .bookmark { return nil }
            var object = event.object
            if object["apiVersion"] == nil { object["apiVersion"] = .string(watcher.resource.apiVersion) }
            if object["kind"] == nil { object["kind"] = .string(watcher.resource.kind) }
            return .event(WatchEvent(kind: event.kind, object: object))
        }
    }
}

extension KubeClient {
    /// A never-ending list+watch of `resource` (see ``ResourceWatcher``).
    public func watchAll(
        _ resource: APIResource, namespace: String?, options: ListOptions = .init(),
        retry: RetryPolicy = RetryPolicy(maxAttempts: .max, initialDelay: .milliseconds(200), maxDelay: .seconds(30)),
        timeoutSeconds: Int = 300
    ) -> ResourceWatcher {
        ResourceWatcher(
            client: self, resource: resource, namespace: namespace, options: options, retry: retry,
            timeoutSeconds: timeoutSeconds)
    }
}
