internal import AsyncHTTPClient
public import MoorCore
internal import NIOCore

/// One change reported by a watch.
public struct WatchEvent: Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable {
        /// An object was created (or first seen).
        case added = "ADDED"
        /// An object changed.
        case modified = "MODIFIED"
        /// An object was deleted; `object` is its last state.
        case deleted = "DELETED"
        /// A progress marker: only `metadata.resourceVersion` is meaningful.
        case bookmark = "BOOKMARK"
    }

    /// What happened.
    public var kind: Kind
    /// The object (with `apiVersion` and `kind`).
    public var object: JSONValue

    /// Creates an event.
    public init(kind: Kind, object: JSONValue) {
        self.kind = kind
        self.object = object
    }

    /// The object's resourceVersion.
    public var resourceVersion: String? { object[path: "metadata", "resourceVersion"]?.stringValue }
}

/// The events of one watch request, read as they arrive (pulling from the connection, so a slow
/// consumer slows the stream instead of buffering it). Ends when the server closes the watch;
/// throws ``KubeAPIError`` with code `gone` when the resourceVersion is too old.
public struct WatchEventStream: AsyncSequence, Sendable {
    public typealias Element = WatchEvent
    let transport: KubeTransport
    let request: KubeRequest
    let deadline: TimeAmount

    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: self)
    }

    /// Reads events from the response body.
    public struct Iterator: AsyncIteratorProtocol {
        private let stream: WatchEventStream
        private var body: HTTPClientResponse.Body.AsyncIterator?
        private var splitter = LineSplitter()
        private var pending: [[UInt8]] = []
        private var pendingIndex = 0
        private var finished = false

        init(stream: WatchEventStream) {
            self.stream = stream
        }

        public mutating func next() async throws(KubeAPIError) -> WatchEvent? {
            while !finished {
                if pendingIndex < pending.count {
                    let line = pending[pendingIndex]
                    pendingIndex += 1
                    return try decode(line)
                }
                if body == nil {
                    body = try await stream.transport.stream(stream.request, deadline: stream.deadline).body
                        .makeAsyncIterator()
                }
                let chunk: ByteBuffer?
                do {
                    chunk = try await body!.next()
                } catch {
                    finished = true
                    if error is CancellationError { return nil }
                    throw KubeTransport.transportError(
                        error, request: stream.request, server: stream.transport.connection.server)
                }
                guard let chunk else {
                    finished = true
                    return nil
                }
                guard let lines = splitter.append(chunk.readableBytesView) else {
                    finished = true
                    throw KubeAPIError(code: .invalidResponse, status: 200, message: "watch event too large")
                }
                pending = lines
                pendingIndex = 0
            }
            return nil
        }

        private func decode(_ line: [UInt8]) throws(KubeAPIError) -> WatchEvent {
            guard let value = try? JSONValue(parsing: line), let type = value["type"]?.stringValue,
                let object = value["object"]
            else {
                throw KubeAPIError(code: .invalidResponse, status: 200, message: "malformed watch event")
            }
            if type == "ERROR" {
                let status = object["code"]?.intValue ?? 500
                throw KubeAPIError.from(status: status, body: object.jsonBytes(), object: nil, retryAfter: nil)
            }
            guard let kind = WatchEvent.Kind(rawValue: type) else {
                throw KubeAPIError(code: .invalidResponse, status: 200, message: "unknown watch event type \(type)")
            }
            return WatchEvent(kind: kind, object: object)
        }
    }
}

extension KubeClient {
    /// Watches a resource from `options.resourceVersion` (bookmarks on), for at most `timeoutSeconds`
    /// before the server ends the stream. The request starts on the first `next()`.
    public func watch(
        _ resource: APIResource, namespace: String?, options: ListOptions = .init(), timeoutSeconds: Int = 300
    ) -> WatchEventStream {
        var query = options.queryItems.filter { $0.0 != "limit" && $0.0 != "continue" }
        query.append(("watch", "1"))
        query.append(("allowWatchBookmarks", "true"))
        query.append(("timeoutSeconds", String(timeoutSeconds)))
        let request = KubeRequest(
            method: .GET, path: resource.collectionPath(namespace: namespace), query: query, verb: "watch",
            impersonation: impersonation)
        return WatchEventStream(transport: transport, request: request, deadline: .seconds(Int64(timeoutSeconds + 30)))
    }
}
