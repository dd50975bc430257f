public import Diff
public import Foundation
public import Health
public import MoorCore

/// What the controller last found out about one application, as written to the `status` of its
/// Application resource (field names as in Argo CD).
///
/// Two statuses are equal when they say the same thing; ``reconciledAt`` is when that last
/// changed, not when the application was last looked at, so an unchanged application needs no write.
public struct ApplicationStatus: Sendable, Hashable {
    /// Whether the objects match Git, and the commit compared (empty for a local directory).
    public var sync = SyncSummary()
    /// The worst health of the application's objects.
    public var health = HealthSummary()
    /// Every object of the application: desired ones, then extraneous ones.
    public var resources: [ResourceStatus] = []
    /// The last sync the controller ran, if any.
    public var operationState: OperationState?
    /// What is wrong, e.g. a `ComparisonError` for a render that failed; empty when all is well.
    public var conditions: [ApplicationCondition] = []
    /// The last syncs the controller ran, newest first, at most ``historyLimit``.
    public var history: [HistoryEntry] = []
    /// Set by a rollback, which turned automated sync off; `nil` again once it is turned back on.
    public var rollback: RollbackState?
    /// When the rest of the status last changed.
    public var reconciledAt: Date?

    /// How many history entries are kept.
    public static let historyLimit = 10

    /// Creates an empty (`Unknown`) status.
    public init() {}

    /// Sync status and revision, and where the application's objects are.
    public struct SyncSummary: Sendable, Hashable {
        /// Whether the objects match Git.
        public var status = SyncStatus.unknown
        /// The commit compared (for several sources, the first's).
        public var revision = ""
        /// Each source's commit or chart version, for an application of several sources (`spec.sources`).
        public var revisions: [String] = []
        /// The destination compared (`comparedTo.destination`, as in Argo CD).
        public var destination: ApplicationDestination?
        /// A destination the application moved away from where objects it synced are left (without
        /// `prune`), until none is. Kept in the status so a restarted controller still reports them.
        public var previousDestination: ApplicationDestination?
    }

    /// Health status and message.
    public struct HealthSummary: Sendable, Hashable {
        /// The worst health of the application's objects.
        public var status = HealthStatus.unknown
        /// Why, when not healthy.
        public var message = ""
    }

    /// One object of the application.
    public struct ResourceStatus: Sendable, Hashable {
        /// The object.
        public var ref: ObjectRef
        /// How it compares with Git.
        public var status: ObjectDiff.State
        /// Its health; `nil` for kinds without one.
        public var health: HealthStatus?
        /// Which rule or script decided ``health``; `nil` when none did.
        public var healthDecidedBy: HealthSource?
    }

    /// One sync the controller ran.
    public struct OperationState: Sendable, Hashable {
        /// Running, or how it ended.
        public var phase: OperationPhase
        /// A summary, or the first failure.
        public var message: String
        /// When it started.
        public var startedAt: Date
        /// When it ended; `nil` while running.
        public var finishedAt: Date?
    }

    /// One sync the controller ran: what it rendered and how it ended.
    public struct HistoryEntry: Sendable, Hashable {
        /// Increases by one per sync of the application; a rollback names an entry by it.
        public var id: Int
        /// The commit synced (empty for a local directory).
        public var revision: String
        /// The commit's author, `Name <email>` (empty for a local directory).
        public var author: String
        /// The first line of the commit message (empty for a local directory).
        public var subject: String
        /// When the sync finished.
        public var deployedAt: Date
        /// How it ended: ``OperationPhase/succeeded`` or ``OperationPhase/failed``.
        public var result: OperationPhase
        /// The source rendered (its `targetRevision` as the spec named it; ``revision`` is the commit).
        public var source: ApplicationSource
        /// For an application of several sources, all of them (``source`` is the first).
        public var sources: [ApplicationSource] = []
        /// For several sources, each one's commit or chart version, in order.
        public var revisions: [String] = []
    }

    /// What a rollback did to the application's policy.
    public struct RollbackState: Sendable, Hashable {
        /// The history entry rolled back to.
        public var historyID: Int
        /// Its commit.
        public var revision: String
        /// Why automated sync is off, and how to turn it on again.
        public var message: String
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
    /// The condition type for an Application resource the controller does not manage: its spec does
    /// not parse, its name is taken, or its project refuses it (``ProjectRefusal``).
    public static let invalidSpecError = "InvalidSpecError"
    /// The condition type saying a sync window of the application's project holds its automated syncs (the
    /// message names the window and until when).
    public static let syncWindowBlocked = "SyncWindowBlocked"
    /// The condition type for a sync that was refused or failed.
    public static let syncError = "SyncError"

    /// The status as JSON for a merge patch of the `status` subresource. Every field is present
    /// (`null` for no operation), so the patch also clears what is no longer true.
    public var json: JSONValue {
        var object = JSONObject()
        object["sync"] = [
            "status": .string(sync.status.rawValue), "revision": .string(sync.revision),
            "revisions": sync.revisions.isEmpty ? .null : .array(sync.revisions.map(JSONValue.string)),
            "comparedTo": sync.destination.map { ["destination": $0.json] } ?? .null,
            "previousDestination": sync.previousDestination?.json ?? .null,
        ]
        object["health"] = ["status": .string(health.status.rawValue), "message": .string(health.message)]
        object["resources"] = .array(
            resources.map { resource in
                [
                    "group": .string(resource.ref.group), "version": .string(resource.ref.version),
                    "kind": .string(resource.ref.kind), "namespace": .string(resource.ref.namespace),
                    "name": .string(resource.ref.name), "status": .string(resource.status.rawValue),
                    "health": .string(resource.health?.rawValue ?? ""),
                    "healthDecidedBy": resource.healthDecidedBy.map(\.json) ?? .null,
                ]
            })
        object["operationState"] =
            operationState.map { operation in
                [
                    "phase": .string(operation.phase.rawValue), "message": .string(operation.message),
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
        object["history"] = .array(
            history.map { entry in
                [
                    "id": .int(entry.id), "revision": .string(entry.revision),
                    "author": .string(entry.author), "subject": .string(entry.subject),
                    "deployedAt": .string(Self.timestamp(entry.deployedAt)), "result": .string(entry.result.rawValue),
                    "source": entry.source.json,
                    "sources": entry.sources.isEmpty ? .null : .array(entry.sources.map(\.json)),
                    "revisions": entry.revisions.isEmpty ? .null : .array(entry.revisions.map(JSONValue.string)),
                ]
            })
        object["rollback"] =
            rollback.map { rollback in
                [
                    "historyID": .int(rollback.historyID), "revision": .string(rollback.revision),
                    "message": .string(rollback.message),
                ]
            } ?? .null
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

    /// The history entries in `json` (a `status.history` as ``json`` writes it), skipping any that
    /// do not parse, so a restarted controller continues an Application resource's history.
    public static func history(from json: JSONValue?) -> [HistoryEntry] {
        (json?.arrayValue ?? []).compactMap { entry in
            guard let id = entry["id"]?.intValue, let revision = entry["revision"]?.stringValue,
                let deployedAt = entry["deployedAt"]?.stringValue.flatMap({ try? Date($0, strategy: .iso8601) }),
                let repoURL = entry[path: "source", "repoURL"]?.stringValue,
                let result = entry["result"]?.stringValue.flatMap(OperationPhase.init(rawValue:))
            else { return nil }
            return HistoryEntry(
                id: id, revision: revision, author: entry["author"]?.stringValue ?? "",
                subject: entry["subject"]?.stringValue ?? "", deployedAt: deployedAt,
                result: result, source: Self.source(entry["source"] ?? .emptyObject, repoURL: repoURL),
                sources: (entry["sources"]?.arrayValue ?? []).compactMap { source in
                    source["repoURL"]?.stringValue.map { Self.source(source, repoURL: $0) }
                },
                revisions: (entry["revisions"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }

    /// A source as a history entry records it.
    private static func source(_ json: JSONValue, repoURL: String) -> ApplicationSource {
        ApplicationSource(
            repoURL: repoURL, targetRevision: json["targetRevision"]?.stringValue ?? "HEAD",
            path: json["path"]?.stringValue ?? ".", options: json)
    }

    /// The operation in `json` (a `status.operationState` as ``json`` writes it); `nil` when absent or malformed.
    public static func operationState(from json: JSONValue?) -> OperationState? {
        guard let json, let phase = json["phase"]?.stringValue.flatMap(OperationPhase.init(rawValue:)),
            let startedAt = json["startedAt"]?.stringValue.flatMap({ try? Date($0, strategy: .iso8601) })
        else { return nil }
        return OperationState(
            phase: phase, message: json["message"]?.stringValue ?? "", startedAt: startedAt,
            finishedAt: json["finishedAt"]?.stringValue.flatMap { try? Date($0, strategy: .iso8601) })
    }

    /// The rollback note in `json` (a `status.rollback` as ``json`` writes it); `nil` when absent or malformed.
    public static func rollback(from json: JSONValue?) -> RollbackState? {
        guard let json, let id = json["historyID"]?.intValue, let revision = json["revision"]?.stringValue,
            let message = json["message"]?.stringValue
        else { return nil }
        return RollbackState(historyID: id, revision: revision, message: message)
    }

    /// Where `json` (a `status` as ``json`` writes it) says the application's objects may still be: its
    /// `sync.previousDestination`, else its `sync.comparedTo.destination`; `nil` when it names neither.
    public static func syncedDestination(from json: JSONValue?) -> ApplicationDestination? {
        let sync = json?["sync"]
        return [sync?["previousDestination"], sync?[path: "comparedTo", "destination"]]
            .first { $0?.objectValue != nil }?.map(ApplicationDestination.init(json:))
    }

    /// Adds `entry` as the newest history entry with the next id, dropping the oldest beyond ``historyLimit``.
    mutating func addHistory(_ entry: HistoryEntry) {
        var entry = entry
        entry.id = (history.first?.id ?? 0) + 1
        history.insert(entry, at: 0)
        history.removeLast(max(0, history.count - Self.historyLimit))
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

extension ApplicationSource {
    /// The source as in an Application's `spec.source`: its render options with `repoURL`,
    /// `targetRevision` and `path` set.
    var json: JSONValue {
        var json = options.objectValue == nil ? .emptyObject : options
        json["repoURL"] = .string(repoURL)
        json["targetRevision"] = .string(targetRevision)
        json["path"] = .string(path)
        return json
    }
}
