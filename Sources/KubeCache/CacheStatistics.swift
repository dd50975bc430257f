/// What a ``LiveObjectCache`` holds, and has received since it was created, for benchmarks and
/// metrics.
public struct CacheStatistics: Sendable, Hashable {
    /// Objects held now.
    public var objects = 0
    /// Watch events received (bookmarks excluded), whether or not they changed the cache.
    public var events = 0
    /// Completed lists, first lists included.
    public var lists = 0
    /// Lists of a resource type after its first: relists after 410 Gone and after a failed
    /// informer was restarted. A steady state adds none.
    public var relists = 0
    /// Changes to the cached objects (each published to every ``LiveObjectCache/changes()`` stream).
    public var changes = 0

    /// All zero.
    public init() {}
}
