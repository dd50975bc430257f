public import Foundation
public import MoorCore

/// What the controller last found out about one application, as written to the `status` of its
/// Application resource (field names as in Argo CD).
///
/// Two statuses are equal when they say the same thing; ``reconciledAt`` is when that last
/// changed, not when the application was last looked at, so an unchanged application needs no write.
public struct ApplicationStatus: Sendable, Hashable {
    /// `Synced`, `OutOfSync` or `Unknown`, and the commit compared (empty for a local directory).
    public var sync = SyncSummary()
    /// The worst health of the application's objects.
    public var health = HealthSummary()
    /// Every object of the application: desired ones, then extraneous ones.
    public var resources: [ResourceStatus] = []
    /// The last sync the controller ran, if any.
    public var operationState: OperationState?
    /// What is wrong, e.g. a `ComparisonError` for a render that failed; empty when all is well.
    public var conditions: [ApplicationCondition] = []
    /// When the rest of the status last changed.
    public var reconciledAt: Date?

    /// Creates an empty (`Unknown`) status.
    public init() {}

    /// Sync status and revision.
    public struct SyncSummary: Sendable, Hashable {
        /// `Synced`, `OutOfSync` or `Unknown`.
        public var status = "Unknown"
        /// The commit compared.
        public var revision = ""
    }

    /// Health status and message.
    public struct HealthSummary: Sendable, Hashable {
        /// `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`.
        public var status = "Unknown"
        /// Why, when not healthy.
        public var message = ""
    }

    /// One object of the application.
    public struct ResourceStatus: Sendable, Hashable {
        /// The object.
        public var ref: ObjectRef
        /// `Synced`, `OutOfSync`, `Missing` or `Extraneous`.
        public var status: String
        /// Its health, empty for kinds without one.
        public var health: String
    }

    /// One sync the controller ran.
    public struct OperationState: Sendable, Hashable {
        /// `Running`, `Succeeded` or `Failed`.
        public var phase: String
        /// A summary, or the first failure.
        public var message: String
        /// When it started.
        public var startedAt: Date
        /// When it ended; `nil` while running.
        public var finishedAt: Date?
    }

    /// Something wrong with the application.
    public struct ApplicationCondition: Sendable, Hashable {
        /// `ComparisonError` (the source or the cluster could not be read, or the render failed)
        /// or `SyncError` (the sync was refused or failed).
        public var type: String
        /// What is wrong.
        public var message: String
        /// When the condition appeared.
        public var lastTransitionTime: Date
    }

    /// The condition type for a source, render or cluster read that failed.
    public static let comparisonError = "ComparisonError"
    /// The condition type for a sync that was refused or failed.
    public static let syncError = "SyncError"

    /// The status as JSON for a merge patch of the `status` subresource. Every field is present
    /// (`null` for no operation), so the patch also clears what is no longer true.
    public var json: JSONValue {
        var object = JSONObject()
        object["sync"] = ["status": .string(sync.status), "revision": .string(sync.revision)]
        object["health"] = ["status": .string(health.status), "message": .string(health.message)]
        object["resources"] = .array(
            resources.map { resource in
                [
                    "group": .string(resource.ref.group), "version": .string(resource.ref.version),
                    "kind": .string(resource.ref.kind), "namespace": .string(resource.ref.namespace),
                    "name": .string(resource.ref.name), "status": .string(resource.status),
                    "health": .string(resource.health),
                ]
            })
        object["operationState"] =
            operationState.map { operation in
                [
                    "phase": .string(operation.phase), "message": .string(operation.message),
                    "startedAt": .string(Self.timestamp(operation.startedAt)),
                    "finishedAt": operation.finishedAt.map { .string(Self.timestamp($0)) } ?? .null,
                ]
            } ?? .null
        object["conditions"] = .array(
            conditions.map { condition in
                [
                    "type": .string(condition.type), "message": .string(condition.message),
                    "lastTransitionTime": .string(Self.timestamp(condition.lastTransitionTime)),
                ]
            })
        object["reconciledAt"] = reconciledAt.map { .string(Self.timestamp($0)) } ?? .null
        return .object(object)
    }

    /// Sets the conditions to `current` (type and message), keeping the transition time of each
    /// one that was already there.
    mutating func setConditions(_ current: [(type: String, message: String)], now: Date) {
        conditions = current.map { type, message in
            conditions.first { $0.type == type && $0.message == message }
                ?? ApplicationCondition(type: type, message: message, lastTransitionTime: now)
        }
    }

    /// Whether `other` says something different, ignoring ``reconciledAt``.
    func differs(from other: ApplicationStatus?) -> Bool {
        guard var other else { return true }
        other.reconciledAt = reconciledAt
        return other != self
    }

    /// RFC 3339 in UTC with whole seconds, as Kubernetes writes times.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
