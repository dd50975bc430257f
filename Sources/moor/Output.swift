import Foundation
import GitSource
import Health
import MoorCore
import Sync

extension ObjectRef {
    /// `Kind`, `namespace`, `name` cells for tables.
    var cells: [String] { [kind, namespace.isEmpty ? "-" : namespace, name] }

    var json: JSONValue {
        [
            "group": .string(group), "version": .string(version), "kind": .string(kind),
            "namespace": .string(namespace),
            "name": .string(name),
        ]
    }
}

extension GitCommit {
    var json: JSONValue {
        [
            "sha": .string(sha), "author": .string(authorName), "subject": .string(subject),
            "date": .string(ISO8601DateFormatter().string(from: date)),
        ]
    }
}

extension SyncResult {
    /// Object, action, health, message.
    func table() -> String {
        var table = TextTable("KIND", "NAMESPACE", "NAME", "ACTION", "HEALTH", "MESSAGE")
        for object in objects {
            table.add(object.ref.cells + [object.action.rawValue, object.health?.rawValue ?? "-", object.message])
        }
        return table.render()
    }

    func json(commit: GitCommit?) -> JSONValue {
        [
            "application": .string(application), "succeeded": .bool(succeeded), "message": .string(message),
            "dryRun": .bool(dryRun), "writes": .int(writes), "health": health.map { .string($0.rawValue) } ?? .null,
            "revision": commit?.json ?? .null,
            "objects": .array(
                objects.map { object in
                    [
                        "ref": object.ref.json, "action": .string(object.action.rawValue),
                        "health": object.health.map { .string($0.rawValue) } ?? .null,
                        "message": .string(object.message),
                        "source": object.source.map { .string($0.description) } ?? .null,
                        "wave": object.wave.map(JSONValue.int) ?? .null,
                    ]
                }),
        ]
    }
}

extension ApplicationComparison {
    /// Object, state, changed paths.
    func table() -> String {
        var table = TextTable("KIND", "NAMESPACE", "NAME", "STATE", "CHANGED")
        for object in objects {
            let changed = object.message.isEmpty ? object.changedPaths.joined(separator: ", ") : object.message
            table.add(object.ref.cells + [object.state.rawValue, changed])
        }
        return table.render()
    }

    /// Who drifted which fields, one object after the other (``ObjectComparison/attributions``); empty
    /// when no drifted field names another manager.
    func driftText() -> String {
        objects.filter { !$0.attributions.isEmpty }.map { object in
            "\nChanged in the cluster: \(object.ref)\n" + object.attributions.map { "  \($0)\n" }.joined()
        }.joined()
    }

    func json(commit: GitCommit?) -> JSONValue {
        [
            "syncStatus": .string(syncStatus.rawValue), "revision": commit?.json ?? .null,
            "objects": .array(
                objects.map { object in
                    [
                        "ref": object.ref.json, "state": .string(object.state.rawValue),
                        "changedPaths": .array(object.changedPaths.map(JSONValue.string)), "diff": .string(object.diff),
                        "attributions": .array(object.attributions.map(\.json)), "message": .string(object.message),
                        "source": object.source.map { .string($0.description) } ?? .null,
                    ]
                }),
        ]
    }
}

/// What `moor status` shows: sync status, health, revision, and each object's state and health.
struct ApplicationStatusReport {
    let application: Application
    let commit: GitCommit?
    let comparison: ApplicationComparison
    /// How the objects' health is judged.
    let health: HealthAssessor

    private var rows: [(ObjectComparison, ObjectHealth?)] {
        comparison.objects.map { ($0, $0.live.flatMap(health.assess)) }
    }

    private var applicationHealth: HealthStatus {
        HealthStatus.aggregate(rows.map { row in row.0.live == nil ? ObjectHealth(status: .missing) : row.1 })
    }

    func text() -> String {
        var out = "Application: \(application.name)\n"
        if application.spec.sources.isEmpty {
            out += "Source:      \(application.spec.source.summary)\n"
            if let commit { out += "Revision:    \(commit.sha.prefix(12)) \(commit.subject)\n" }
        } else {
            for (index, source) in application.spec.sources.enumerated() {
                out += "Source \(index + 1):\(index < 9 ? "    " : "   ")\(source.summary)\n"
            }
        }
        out += "Sync status: \(comparison.syncStatus)\n"
        out += "Health:      \(applicationHealth.rawValue)\n\n"
        var table = TextTable("KIND", "NAMESPACE", "NAME", "SYNC", "HEALTH", "DECIDED BY", "MESSAGE")
        for (object, assessed) in rows {
            let healthCell = object.live == nil ? HealthStatus.missing.rawValue : assessed?.status.rawValue ?? "-"
            table.add(
                object.ref.cells + [
                    object.state.rawValue, healthCell, assessed?.decidedBy?.description ?? "-",
                    assessed?.message ?? object.message,
                ])
        }
        return out + table.render() + comparison.driftText()
    }

    func json() -> JSONValue {
        [
            "application": .string(application.name), "syncStatus": .string(comparison.syncStatus.rawValue),
            "health": .string(applicationHealth.rawValue), "revision": commit?.json ?? .null,
            "objects": .array(
                rows.map { object, assessed in
                    [
                        "ref": object.ref.json, "sync": .string(object.state.rawValue),
                        "health": object.live == nil
                            ? .string(HealthStatus.missing.rawValue)
                            : assessed.map { .string($0.status.rawValue) } ?? .null,
                        "message": .string(assessed?.message ?? object.message),
                        "decidedBy": assessed?.decidedBy?.json ?? .null,
                        "attributions": .array(object.attributions.map(\.json)),
                    ]
                }),
        ]
    }
}

/// ANSI colours for unified diffs on a terminal.
enum DiffColor {
    static func apply(_ diff: String) -> String {
        diff.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            if line.hasPrefix("+++") || line.hasPrefix("---") { return "\u{1B}[1m\(line)\u{1B}[0m" }
            if line.hasPrefix("+") { return "\u{1B}[32m\(line)\u{1B}[0m" }
            if line.hasPrefix("-") { return "\u{1B}[31m\(line)\u{1B}[0m" }
            if line.hasPrefix("@@") { return "\u{1B}[36m\(line)\u{1B}[0m" }
            return String(line)
        }.joined(separator: "\n")
    }
}
