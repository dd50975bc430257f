public import MoorCore

/// What a sync needs from a cluster: discovery, reads and writes of single objects, paged lists, and
/// the count of requests sent. ``KubeClient`` is the real one; tests of sync orchestration may use an
/// in-memory one (`MoorTestSupport`'s `InMemoryCluster`), while integration tests keep proving the
/// real thing.
///
/// The semantics are the API server's: `apply` is a server-side apply (`force` takes fields over from
/// other managers, `dryRun` persists nothing), `create` honours `metadata.generateName`, `delete` of an
/// absent object throws ``KubeAPIError/Code/notFound``, and a kind discovery does not know throws
/// ``KubeAPIError/Code/unknownKind``.
public protocol KubernetesAPI: Sendable {
    /// The resource serving objects like `ref` (its `apiVersion` and `kind`).
    func resource(for ref: ObjectRef) async throws(KubeAPIError) -> APIResource
    /// Every resource the cluster serves.
    func resources() async throws(KubeAPIError) -> [APIResource]
    /// Every resource that can be listed and watched.
    func listableResources() async throws(KubeAPIError) -> [APIResource]
    /// Forgets what discovery knew, so kinds added since (a CRD just applied) are found.
    func refreshDiscovery() async throws(KubeAPIError)
    /// The object `ref`.
    func get(_ ref: ObjectRef) async throws(KubeAPIError) -> JSONValue
    /// Every object of `resource` in `namespace` (`nil`: all namespaces) matching `options`, read in
    /// pages of `pageSize`.
    func listAll(_ resource: APIResource, namespace: String?, options: ListOptions, pageSize: Int)
        async throws(KubeAPIError) -> ObjectList
    /// Server-side applies `object` as `fieldManager`; returns the object as stored (or as it would be).
    func apply(_ object: JSONValue, fieldManager: String, force: Bool, dryRun: Bool)
        async throws(KubeAPIError) -> JSONValue
    /// Creates `object`; returns it as stored.
    func create(_ object: JSONValue, fieldManager: String?, dryRun: Bool) async throws(KubeAPIError) -> JSONValue
    /// Replaces the object named like `object` with it; returns it as stored.
    func replace(_ object: JSONValue, fieldManager: String?, dryRun: Bool) async throws(KubeAPIError) -> JSONValue
    /// Deletes `ref` with `propagation`, only at `resourceVersion` when given.
    func delete(_ ref: ObjectRef, propagation: KubeClient.PropagationPolicy, dryRun: Bool, resourceVersion: String?)
        async throws(KubeAPIError)
    /// Requests sent so far, by verb (`get`, `list`, `apply`, `create`, `update`, `patch`, `delete`, …).
    func requestCounts() -> [String: Int]
}

extension KubernetesAPI {
    /// Every object of `resource` in `namespace` (`nil`: all namespaces), in pages of 500.
    public func listAll(_ resource: APIResource, namespace: String?, options: ListOptions = .init())
        async throws(KubeAPIError) -> ObjectList
    {
        try await listAll(resource, namespace: namespace, options: options, pageSize: 500)
    }

    /// Server-side applies `object` as `fieldManager` for real.
    public func apply(_ object: JSONValue, fieldManager: String, force: Bool = false)
        async throws(KubeAPIError) -> JSONValue
    {
        try await apply(object, fieldManager: fieldManager, force: force, dryRun: false)
    }

    /// Creates `object` for real.
    public func create(_ object: JSONValue, fieldManager: String?) async throws(KubeAPIError) -> JSONValue {
        try await create(object, fieldManager: fieldManager, dryRun: false)
    }

    /// Replaces the object named like `object` with it, for real.
    public func replace(_ object: JSONValue, fieldManager: String?) async throws(KubeAPIError) -> JSONValue {
        try await replace(object, fieldManager: fieldManager, dryRun: false)
    }

    /// Deletes `ref` for real, whatever its resourceVersion.
    public func delete(_ ref: ObjectRef, propagation: KubeClient.PropagationPolicy) async throws(KubeAPIError) {
        try await delete(ref, propagation: propagation, dryRun: false, resourceVersion: nil)
    }
}

extension KubeClient: KubernetesAPI {}
