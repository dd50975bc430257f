public import KubeClient

/// Why ``LiveObjectCache/waitUntilSynced(_:)`` gave up. The description is safe to log.
public struct CacheSyncError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The resource type was never passed to ``LiveObjectCache/watch(_:)``.
        public static let notWatched = Code("NotWatched")
        /// The resource type's list or watch failed for good (e.g. Forbidden); see ``cause``.
        public static let watchFailed = Code("WatchFailed")
        /// The cache was stopped.
        public static let stopped = Code("Stopped")
        /// The waiting task was cancelled.
        public static let cancelled = Code("Cancelled")
    }

    /// The kind of failure.
    public var code: Code
    /// The resource type concerned, for ``Code-swift.struct/notWatched`` and ``Code-swift.struct/watchFailed``.
    public var resource: APIResource?
    /// The API error that ended the informer, for ``Code-swift.struct/watchFailed``.
    public var cause: KubeAPIError?

    /// Creates an error.
    public init(code: Code, resource: APIResource? = nil, cause: KubeAPIError? = nil) {
        self.code = code
        self.resource = resource
        self.cause = cause
    }

    public var description: String {
        let name = resource.map(\.description) ?? "the cache"
        switch code {
        case .notWatched: return "\(name) is not watched; call watch(_:) for it before waiting"
        case .watchFailed:
            return "watching \(name) failed: \(cause.map(\.description) ?? "unknown error"); call watch(_:) to retry"
        case .stopped: return "the live-object cache was stopped"
        default: return "waiting for the live-object cache was cancelled"
        }
    }
}
