internal import KubeClient
internal import MoorCore

/// The informers of a ``LiveObjectCache``, one per resource type, and where each stands. Pure:
/// the cache's actor drives it and owns the tasks. The resources and the errors are kept as they
/// change, so reading them costs nothing per type (every reconcile reads them).
struct InformerTable: Sendable {
    /// Where one informer stands.
    enum State: Sendable, Hashable {
        /// Started; its first list has not come in yet.
        case listing
        /// Its list came in; watch events keep its objects current.
        case synced
        /// Its list or watch failed with an error retrying cannot fix; its objects are stale.
        case failed(KubeAPIError)
    }

    private struct Entry: Sendable {
        var resource: APIResource
        var state: State
        var hasListed = false
    }

    private var entries: [GroupKind: Entry] = [:]

    /// The resource each informer watches, in the API version it was started with, sorted by name.
    private(set) var resources: [APIResource] = []

    /// The errors that ended failed informers.
    private(set) var errors: [APIResource: KubeAPIError] = [:]

    /// Registers `resource`; whether an informer must be started for it: true when its type is
    /// new or its last informer failed, false while one is running (in any API version).
    mutating func start(_ resource: APIResource) -> Bool {
        let type = GroupKind(resource)
        guard let entry = entries[type] else {
            entries[type] = Entry(resource: resource, state: .listing)
            let name = resource.description
            resources.insert(resource, at: resources.firstIndex { $0.description > name } ?? resources.endIndex)
            return true
        }
        guard case .failed = entry.state else { return false }
        entries[type]?.state = .listing
        errors[entry.resource] = nil
        return true
    }

    /// Records a complete list of `type`; whether it was a relist (the type was listed before).
    mutating func listed(_ type: GroupKind) -> Bool {
        guard let entry = entries[type] else { return false }
        entries[type]?.state = .synced
        entries[type]?.hasListed = true
        return entry.hasListed
    }

    /// Records that the informer of `type` ended with `error`.
    mutating func failed(_ type: GroupKind, error: KubeAPIError) {
        guard let resource = entries[type]?.resource else { return }
        entries[type]?.state = .failed(error)
        errors[resource] = error
    }

    /// Where the informer of `resource`'s type stands; `nil` when it was never started.
    func state(of resource: APIResource) -> State? {
        entries[GroupKind(resource)]?.state
    }

    /// Where the informer of the type of the object `ref` names stands; `nil` when it was never started.
    func state(ofTypeOf ref: ObjectRef) -> State? {
        entries[GroupKind(ref)]?.state
    }

    /// What a wait for `resources` comes to: success when all are synced, the first failure when
    /// one was never started or has failed, `nil` while some are still listing.
    func outcome(waitingFor resources: [APIResource]) -> Result<Void, CacheSyncError>? {
        var listing = false
        for resource in resources {
            switch entries[GroupKind(resource)]?.state {
            case nil: return .failure(CacheSyncError(code: .notWatched, resource: resource))
            case .failed(let error)?:
                return .failure(CacheSyncError(code: .watchFailed, resource: resource, cause: error))
            case .listing?: listing = true
            case .synced?: break
            }
        }
        return listing ? nil : .success(())
    }
}
