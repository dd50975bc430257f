import Controller
import Health
import MoorCore
import Sync

/// The JSON shapes of the API (documented in docs/openapi.yaml). Status fields come from
/// ``ApplicationStatus/json``, so the API and the Application resource's status say the same.
enum APIRepresentation {
    /// `AppSummary`: the application's spec essentials and status.
    static func summary(_ snapshot: ApplicationController.Snapshot) -> JSONValue {
        let spec = snapshot.application.spec
        let status = snapshot.status.json
        var destination: JSONValue = ["namespace": .string(spec.destination.namespace)]
        if !spec.destination.server.isEmpty { destination["server"] = .string(spec.destination.server) }
        if !spec.destination.name.isEmpty { destination["name"] = .string(spec.destination.name) }
        let automated = spec.syncPolicy.automated
        return [
            "name": .string(snapshot.application.name), "namespace": .string(snapshot.application.namespace),
            "project": .string(spec.project), "source": source(spec.source),
            "sources": spec.sources.isEmpty ? .null : .array(spec.sources.map(source)),
            "destination": destination,
            "automated": .bool(automated != nil), "prune": .bool(automated?.prune ?? false),
            "selfHeal": .bool(automated?.selfHeal ?? false),
            "sync": status["sync"] ?? .null, "health": status["health"] ?? .null,
            "operation": status["operationState"] ?? .null, "conditions": status["conditions"] ?? [],
            "reconciledAt": status["reconciledAt"] ?? .null,
        ]
    }

    /// `Source`: `repoURL`, `targetRevision`, `path`, and `chart` and `ref` when set.
    private static func source(_ source: ApplicationSource) -> JSONValue {
        var json: JSONValue = [
            "repoURL": .string(source.repoURL), "targetRevision": .string(source.targetRevision),
            "path": .string(source.path),
        ]
        if let chart = source.chart, !chart.isEmpty { json["chart"] = .string(chart) }
        if !source.ref.isEmpty { json["ref"] = .string(source.ref) }
        return json
    }

    /// The summary plus `resources`, `history` and `rollback`.
    static func detail(_ snapshot: ApplicationController.Snapshot) -> JSONValue {
        var detail = summary(snapshot)
        let status = snapshot.status.json
        for key in ["resources", "history", "rollback"] { detail[key] = status[key] ?? .null }
        return detail
    }

    /// An operation (`phase`, `message`, `startedAt`, `finishedAt`).
    static func operation(_ operation: ApplicationStatus.OperationState) -> JSONValue {
        var status = ApplicationStatus()
        status.operationState = operation
        return status.json["operationState"] ?? .null
    }

    /// One history entry (`id`, `revision`, `author`, `subject`, `deployedAt`, `result`, `source`).
    static func historyEntry(_ entry: ApplicationStatus.HistoryEntry) -> JSONValue {
        var status = ApplicationStatus()
        status.history = [entry]
        return status.json["history"]?[0] ?? .null
    }

    /// An object's identity fields (`group`, `version`, `kind`, `namespace`, `name`).
    static func object(_ ref: ObjectRef) -> JSONValue {
        [
            "group": .string(ref.group), "version": .string(ref.version), "kind": .string(ref.kind),
            "namespace": .string(ref.namespace), "name": .string(ref.name),
        ]
    }

    /// A health (`status`, `message`, `decidedBy`: which rule or script decided, ``HealthSource``'s JSON or
    /// `null`), or `null`.
    static func health(_ health: ObjectHealth?) -> JSONValue {
        health.map {
            [
                "status": .string($0.status.rawValue), "message": .string($0.message),
                "decidedBy": $0.decidedBy?.json ?? .null,
            ]
        } ?? .null
    }

    /// The answer to a sync: the operation, whether it was a dry run, and each object's result.
    static func sync(_ outcome: ApplicationController.SyncOutcome) -> JSONValue {
        let results = (outcome.result?.objects ?? []).map { result in
            var json = object(result.ref)
            json["action"] = .string(result.action.rawValue)
            json["message"] = .string(result.message)
            return json
        }
        return ["operation": operation(outcome.operation), "dryRun": .bool(outcome.dryRun), "results": .array(results)]
    }

    /// The answer to a diff: the sync status and each object that differs, with its diff.
    static func diff(sync: SyncStatus, objects: [ApplicationController.ObjectDifference]) -> JSONValue {
        [
            "sync": .string(sync.rawValue),
            "objects": .array(objects.map(\.json)),
        ]
    }

    /// The answer to a tree request.
    static func tree(_ nodes: [ApplicationController.TreeNode]) -> JSONValue {
        [
            "nodes": .array(
                nodes.map { node in
                    var json = object(node.ref)
                    json["uid"] = .string(node.uid)
                    json["health"] = health(node.health)
                    json["sync"] = node.sync.map { .string($0.rawValue) } ?? .null
                    json["parents"] = .array(node.parents.map(JSONValue.string))
                    return json
                })
        ]
    }

    /// The answer to `/api/v1/session`.
    static func session(_ caller: APIToken) -> JSONValue {
        var can = JSONObject()
        for action in AccessAction.allCases where action != .read {
            can[action.rawValue] = .bool(caller.role.permits(action))
        }
        return [
            "name": .string(caller.name), "role": .string(caller.role.rawValue),
            "applications": caller.applications.map { .array($0.map(JSONValue.string)) } ?? .null,
            "projects": caller.projects.map { .array($0.map(JSONValue.string)) } ?? .null,
            "can": .object(can),
        ]
    }
}
