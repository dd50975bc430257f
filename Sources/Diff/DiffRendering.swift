public import MoorCore
internal import MoorYAML

/// Renders ``ObjectDiff``s for people (unified diffs, a summary table) and for tools (JSON).
///
/// Everything rendered comes from the diffs' masked objects and value-free change lists, so no output
/// holds a Secret value.
public enum DiffRendering {
    /// The object as people read it, with its group: `apps/Deployment default/web`, `Service default/web`,
    /// `ClusterRole admin`.
    public static func displayName(_ ref: ObjectRef) -> String {
        let kind = ref.group.isEmpty ? ref.kind : "\(ref.group)/\(ref.kind)"
        return ref.namespace.isEmpty ? "\(kind) \(ref.name)" : "\(kind) \(ref.namespace)/\(ref.name)"
    }

    /// A unified diff of the live object (`---`) against the object a sync would leave (`+++`), as YAML,
    /// with `context` unchanged lines around each change. Headers name the object as
    /// `live/<group>/<Kind>/<namespace>/<name>` and `desired/…` (`/dev/null` for a missing side). With
    /// `colored`, ANSI codes make removed lines red, added lines green and `@@` lines cyan. Empty for a
    /// `Synced` object.
    public static func unified(_ diff: ObjectDiff, context: Int = 3, colored: Bool = false) -> String {
        guard diff.state != .synced else { return "" }
        let path = [diff.ref.group, diff.ref.kind, diff.ref.namespace, diff.ref.name].filter { !$0.isEmpty }
            .joined(separator: "/")
        func lines(_ object: JSONValue?) -> [Substring] {
            guard let object else { return [] }
            return YAMLWriter.document(object).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        }
        return UnifiedDiff.render(
            old: lines(diff.live), new: lines(diff.desired), oldName: diff.live == nil ? "/dev/null" : "live/\(path)",
            newName: diff.desired == nil ? "/dev/null" : "desired/\(path)", context: context, colored: colored)
    }

    /// The unified diffs of several objects, one after another (synced objects print nothing).
    public static func unified(_ diffs: [ObjectDiff], context: Int = 3, colored: Bool = false) -> String {
        diffs.map { unified($0, context: context, colored: colored) }.joined()
    }

    /// A table with one row per object: `OBJECT`, `STATE` and `CHANGES` (the first `pathsPerRow` changed
    /// paths, then `+N more`; `not in cluster` for a missing object, `not in Git` for an extraneous one).
    public static func table(_ diffs: [ObjectDiff], pathsPerRow: Int = 3) -> String {
        let rows =
            [["OBJECT", "STATE", "CHANGES"]]
            + diffs.map { [displayName($0.ref), $0.state.rawValue, changeSummary($0, pathsPerRow: pathsPerRow)] }
        let widths = (0..<2).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            let padded = (0..<2).map { row[$0] + String(repeating: " ", count: widths[$0] - row[$0].count) }
            return (padded + [row[2]]).joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }.joined()
    }

    /// One object for tools (`-o json`): `group`, `version`, `kind`, `namespace`, `name`, `state`,
    /// `changes` (`path` and `kind` each), `live` and `desired` (the shown objects, or `null`) and `diff`
    /// (the uncoloured unified diff).
    public static func json(_ diff: ObjectDiff) -> JSONValue {
        [
            "group": .string(diff.ref.group), "version": .string(diff.ref.version), "kind": .string(diff.ref.kind),
            "namespace": .string(diff.ref.namespace), "name": .string(diff.ref.name),
            "state": .string(diff.state.rawValue),
            "changes": .array(
                diff.changes.map { ["path": .string($0.path.description), "kind": .string($0.kind.rawValue)] }),
            "live": diff.live ?? .null, "desired": diff.desired ?? .null, "diff": .string(unified(diff)),
        ]
    }

    /// Several objects for tools: an array of the single-object form.
    public static func json(_ diffs: [ObjectDiff]) -> JSONValue {
        .array(diffs.map(json))
    }

    private static func changeSummary(_ diff: ObjectDiff, pathsPerRow: Int) -> String {
        switch diff.state {
        case .missing: return "not in cluster"
        case .extraneous: return "not in Git"
        case .synced, .outOfSync:
            var parts = diff.changes.prefix(pathsPerRow).map(\.description)
            if diff.changes.count > pathsPerRow { parts.append("+\(diff.changes.count - pathsPerRow) more") }
            return parts.joined(separator: ", ")
        }
    }
}

extension String {
    /// The string without trailing spaces.
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
