public import MoorCore
public import Render

/// Rendered objects by repository, commit and render options, so that reconciling an application again
/// at the same commit (a resync, a drift reconcile) neither exports nor renders anything.
///
/// A commit SHA names its tree for good, so an entry can never be stale with respect to Git; what a render
/// reads from outside the commit (say a Kustomize remote base at a moving ref) is read again once the entry
/// is older than ``maxAge``. The cache holds at most ``capacity`` objects in all (an empty render counts as
/// one) and drops the least recently used entries beyond that; one render larger than the capacity is not kept.
/// A lookup or a store costs O(1) in the number of entries, evictions included.
public actor RenderCache {
    /// What one render is cached under.
    public struct Key: Sendable, Hashable {
        /// The normalised repository URL.
        public var repository: String
        /// The full commit SHA.
        public var commit: String
        /// The render options, the application's path included.
        public var options: RenderOptions

        /// Creates a key.
        public init(repository: String, commit: String, options: RenderOptions) {
            self.repository = repository
            self.commit = commit
            self.options = options
        }
    }

    private struct Entry {
        var objects: [ManifestObject]
        var storedAt: ContinuousClock.Instant
    }

    /// The most objects the cache holds, summed over its entries.
    public let capacity: Int
    /// How long an entry serves before it is rendered again.
    public let maxAge: Duration
    private var entries: [Key: Entry] = [:]
    private var recency = RecencyList<Key>()
    private var objectCount = 0
    private var counters = Statistics()

    /// Hits and misses so far.
    public struct Statistics: Sendable, Hashable {
        /// Lookups that found a current entry.
        public var hits = 0
        /// Lookups that found none (or only an entry past ``RenderCache/maxAge``).
        public var misses = 0
    }

    /// Creates an empty cache of at most `capacity` objects whose entries serve for `maxAge`.
    public init(capacity: Int = 5_000, maxAge: Duration = .seconds(600)) {
        self.capacity = max(0, capacity)
        self.maxAge = maxAge
    }

    /// The objects rendered under `key`, unless none are cached or they are older than ``maxAge``.
    public func objects(_ key: Key, now: ContinuousClock.Instant = .now) -> [ManifestObject]? {
        guard let entry = entries[key], entry.storedAt.duration(to: now) < maxAge else {
            counters.misses += 1
            return nil
        }
        counters.hits += 1
        recency.use(key)
        return entry.objects
    }

    /// Caches `objects` as rendered under `key` at `now`, then drops least recently used entries until the
    /// cache holds at most ``capacity`` objects.
    public func store(_ objects: [ManifestObject], for key: Key, now: ContinuousClock.Instant = .now) {
        remove(key)
        guard Self.size(objects) <= capacity else { return }
        entries[key] = Entry(objects: objects, storedAt: now)
        recency.use(key)
        objectCount += Self.size(objects)
        while objectCount > capacity, let oldest = recency.oldest {
            remove(oldest)
        }
    }

    /// How many objects the cache holds (an empty render counting as one).
    public var count: Int { objectCount }

    /// Hits and misses so far.
    public var statistics: Statistics { counters }

    private func remove(_ key: Key) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        recency.remove(key)
        objectCount -= Self.size(entry.objects)
    }

    /// What a render counts towards the capacity: its objects, at least one.
    private static func size(_ objects: [ManifestObject]) -> Int {
        max(1, objects.count)
    }
}
