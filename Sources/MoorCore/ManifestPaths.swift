/// The files of a repository an application's manifests are generated from, as Argo CD's
/// `argocd.argoproj.io/manifest-generate-paths` annotation (or `moor.dev/manifest-generate-paths`)
/// names them: which changes concern the application (a pull-request preview renders only those).
///
/// The annotation holds paths separated by `;`. `.` is the source's own path; a relative path
/// (`../shared`) is taken from the source's path; an absolute one (`/shared/values.yaml`) from the
/// repository's root. A path names a file or a directory and everything under it; one with glob
/// characters (`*`, `?`, `[`, `{`) is matched against the whole changed path, `*` staying within one
/// directory and `**` crossing them (`/shared/*-values.yaml`). Without the annotation, a source
/// watches its own path; a source at the repository's root (`.`) watches everything. A path that
/// climbs out of the repository (`../../..` from a shallow path) is clamped at its root.
public struct ManifestPaths: Sendable, Hashable {
    /// The annotations read, Moor's first.
    public static let annotations = ["moor.dev/manifest-generate-paths", "argocd.argoproj.io/manifest-generate-paths"]

    /// One watched path, repository-relative without leading or trailing `/`.
    enum Entry: Sendable, Hashable {
        /// A file or directory (empty: the whole repository).
        case prefix(String)
        /// A glob pattern matched against the whole path.
        case pattern(String)
    }

    /// What is watched.
    let entries: [Entry]

    /// The paths a source at `sourcePath` watches: those `annotation` lists (`nil`, or a value with
    /// no path in it, for the source's own path).
    public init(sourcePath: String, annotation: String?) {
        let listed = (annotation ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let paths = listed.isEmpty ? ["."] : listed
        entries = paths.map { path in
            let resolved = path.hasPrefix("/") ? Self.normalized(path) : Self.normalized(sourcePath + "/" + path)
            return path.contains(where: { "*?[{".contains($0) }) ? .pattern(resolved) : .prefix(resolved)
        }
    }

    /// Whether a change of these repository-relative paths (as `git diff --name-only` lists them)
    /// concerns the source.
    public func touches(_ changed: [String]) -> Bool {
        changed.contains { path in entries.contains { $0.covers(Self.normalized(path)) } }
    }

    /// `path` without `.` segments and empty ones, `..` applied, and no leading or trailing `/`.
    static func normalized(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return segments.joined(separator: "/")
    }
}

extension ManifestPaths.Entry {
    /// Whether this entry watches `path` (normalised).
    func covers(_ path: String) -> Bool {
        switch self {
        case .prefix(let prefix): return prefix.isEmpty || path == prefix || path.hasPrefix(prefix + "/")
        case .pattern(let pattern):
            // A pattern that does not parse is taken as written, a path.
            guard let glob = try? Glob(pattern, separators: ["/"]) else {
                return path == pattern || path.hasPrefix(pattern + "/")
            }
            return glob.matches(path)
        }
    }
}
