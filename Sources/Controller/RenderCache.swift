public import MoorCore
public import Render

/// Rendered objects by repository, commit and render options, so that reconciling an application again
/// at the same commit (a resync, a drift reconcile) neither exports nor renders anything.
///
/// One entry per source as written (repository, revision as the source names it, options): a render at a
/// new commit replaces that source's render at the older one, which no reconcile asks for any more, so the
/// cache holds at most one render per source its applications name. A commit SHA names its tree for good,
/// so an entry can never be stale with respect to Git; what a render reads from outside the commit (say a
/// Kustomize remote base at a moving ref) is read again once the entry is older than ``maxAge``. The cache
/// holds at most ``capacity`` bytes of rendered objects in all, as ``estimatedBytes(of:)`` counts them, and
/// drops the least recently used entries beyond that; one render larger than the capacity is not kept. A
/// budget in bytes rather than in objects or entries keeps the memory bounded whatever the size of an
/// application's objects; the default holds the latest render of 5,000 applications of four small objects
/// each. A lookup or a store costs O(1) in the number of entries, evictions included (a store also walks the
/// objects it stores once, to weigh them).
public actor RenderCache {
    /// What one render is cached under.
    public struct Key: Sendable, Hashable {
        /// The normalised repository URL.
        public var repository: String
        /// The revision as the source names it (branch, tag, constraint, SHA; a chart's version).
        public var revision: String
        /// The full commit SHA (for a chart, its digest).
        public var commit: String
        /// The render options, the application's path included.
        public var options: RenderOptions

        /// Creates a key.
        public init(repository: String, revision: String = "", commit: String, options: RenderOptions) {
            self.repository = repository
            self.revision = revision
            self.commit = commit
            self.options = options
        }

        /// The source the key names, whatever its commit: what one entry is held under.
        var source: Source { Source(repository: repository, revision: revision, options: options) }
    }

    /// A source as written: a ``Key`` without its commit. An immutable class, so that the entry table
    /// and both tables of the recency order hold a pointer to it each rather than three copies of its
    /// render options (a few hundred bytes, in tables sized to a power of two: at 5,000 entries the
    /// copies took about 5 MB).
    final class Source: Hashable, Sendable {
        let repository: String
        let revision: String
        let options: RenderOptions

        init(repository: String, revision: String, options: RenderOptions) {
            self.repository = repository
            self.revision = revision
            self.options = options
        }

        static func == (left: Source, right: Source) -> Bool {
            left === right
                || (left.repository == right.repository && left.revision == right.revision
                    && left.options == right.options)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(repository)
            hasher.combine(revision)
            hasher.combine(options)
        }
    }

    private struct Entry {
        var commit: String
        var objects: [ManifestObject]
        var bytes: Int
        var storedAt: ContinuousClock.Instant
    }

    /// The most bytes of rendered objects the cache holds, summed over its entries (``estimatedBytes(of:)``).
    public let capacity: Int
    /// How long an entry serves before it is rendered again.
    public let maxAge: Duration
    private var entries: [Source: Entry] = [:]
    private var recency = RecencyList<Source>()
    private var heldBytes = 0
    private var counters = Statistics()

    /// Hits and misses so far.
    public struct Statistics: Sendable, Hashable {
        /// Lookups that found a current entry.
        public var hits = 0
        /// Lookups that found none (or only an entry past ``RenderCache/maxAge``).
        public var misses = 0
    }

    /// Creates an empty cache of at most `capacity` bytes (16 MiB unless given) whose entries serve for `maxAge`.
    public init(capacity: Int = 16 << 20, maxAge: Duration = .seconds(600)) {
        self.capacity = max(0, capacity)
        self.maxAge = maxAge
    }

    /// The objects rendered under `key`, unless none are cached at its commit or they are older than ``maxAge``.
    public func objects(_ key: Key, now: ContinuousClock.Instant = .now) -> [ManifestObject]? {
        let source = key.source
        guard let entry = entries[source], entry.commit == key.commit, entry.storedAt.duration(to: now) < maxAge
        else {
            counters.misses += 1
            return nil
        }
        counters.hits += 1
        recency.use(source)
        return entry.objects
    }

    /// Caches `objects` as rendered under `key` at `now`, in place of the render of the same source at any
    /// commit, then drops least recently used entries until the cache holds at most ``capacity`` bytes.
    public func store(_ objects: [ManifestObject], for key: Key, now: ContinuousClock.Instant = .now) {
        let source = key.source
        remove(source)
        let bytes = Self.estimatedBytes(of: objects)
        guard bytes <= capacity else { return }
        entries[source] = Entry(commit: key.commit, objects: objects, bytes: bytes, storedAt: now)
        recency.use(source)
        heldBytes += bytes
        while heldBytes > capacity, let oldest = recency.oldest {
            remove(oldest)
        }
    }

    /// How many bytes of rendered objects the cache holds (``estimatedBytes(of:)``).
    public var bytes: Int { heldBytes }

    /// How many renders the cache holds.
    public var count: Int { entries.count }

    /// Hits and misses so far.
    public var statistics: Statistics { counters }

    private func remove(_ source: Source) {
        guard let entry = entries.removeValue(forKey: source) else { return }
        recency.remove(source)
        heldBytes -= entry.bytes
    }

    /// What a render weighs against the capacity: about the bytes its objects take in memory (each JSON value
    /// and object member, and each string too long to be stored inline, with its source file's name), and
    /// never less than ``entryBytes`` for the entry itself, so empty renders count too.
    static func estimatedBytes(of objects: [ManifestObject]) -> Int {
        objects.reduce(entryBytes) { sum, object in
            sum + estimatedBytes(of: object.object) + stringBytes(object.source.file)
        }
    }

    /// What an entry costs beside its objects (key, recency, bookkeeping).
    static let entryBytes = 256

    private static func estimatedBytes(of value: JSONValue) -> Int {
        switch value {
        case .string(let text): valueBytes + stringBytes(text)
        case .array(let elements): valueBytes + elements.reduce(containerBytes) { $0 + estimatedBytes(of: $1) }
        case .object(let object):
            valueBytes
                + object.reduce(containerBytes) {
                    $0 + memberBytes + stringBytes($1.key) + estimatedBytes(of: $1.value)
                }
        case .null, .bool, .int, .double: valueBytes
        }
    }

    /// One JSON value in its container.
    private static let valueBytes = 24
    /// One array's or object's allocation.
    private static let containerBytes = 48
    /// One object member beside its value.
    private static let memberBytes = 16

    /// The heap bytes of a string: none when it is stored inline (at most 15 UTF-8 bytes), else its bytes and
    /// the allocation's header.
    private static func stringBytes(_ text: String) -> Int {
        text.utf8.count <= 15 ? 0 : text.utf8.count + 32
    }
}
