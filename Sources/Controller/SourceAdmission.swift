internal import Foundation
public import MoorCore

/// Which sources an application may read when the cluster, not the operator, defines it: an
/// Application resource, one an ApplicationSet generates, or one read from Application manifests in
/// Git (an app of apps). Such an application may never read the controller's own disk — a plain
/// directory or a `file://` URL — unless the controller was started to allow it
/// (`--allow-local-sources`), and never Moor's own caches (another tenant's mirrors and charts), even
/// then. Applications from `--apps FILE` are the operator's and are not checked.
///
/// Decides from the URLs as written, reading the disk only to resolve symbolic links.
public struct SourceAdmission: Sendable, Hashable {
    /// Whether plain directories and `file://` URLs are allowed.
    public var allowsLocal: Bool
    /// Directories no source may read, local sources allowed or not: the controller's caches.
    public var protectedDirectories: [String]

    /// Creates a policy; by default no local source is allowed.
    public init(allowsLocal: Bool = false, protectedDirectories: [String] = []) {
        self.allowsLocal = allowsLocal
        self.protectedDirectories = protectedDirectories.map(Self.standardized)
    }

    /// Why `application` may not be managed from the cluster (an `InvalidSpecError` message), or
    /// `nil` when every source may be read.
    public func refusal(of application: Application) -> String? {
        let sources = application.spec.sources
        let labelled =
            sources.isEmpty
            ? [("spec.source.repoURL", application.spec.source)]
            : sources.enumerated().map { ("spec.sources[\($0.offset)].repoURL", $0.element) }
        for (field, source) in labelled {
            guard let path = Self.localPath(of: source) else { continue }
            let absolute = Self.standardized(path)
            if let cache = protectedDirectories.first(where: { absolute == $0 || absolute.hasPrefix($0 + "/") }) {
                return "\(field) \(source.repoURL) is inside Moor's own cache (\(cache)); no application may read it"
            }
            if !allowsLocal {
                return "\(field) \(source.repoURL) is a directory on the controller's disk, which an application "
                    + "defined in the cluster may not read: use a Git URL (https://, ssh://, git@host:path), or "
                    + "start the controller with --allow-local-sources"
            }
        }
        return nil
    }

    /// The local path `source` names: a `file:` URL, an absolute or relative path (for Git sources, any
    /// repoURL that is neither a URL with a scheme nor scp-like `[user@]host:path`); `nil` for a remote.
    static func localPath(of source: ApplicationSource) -> String? {
        let url = source.repoURL
        if url.lowercased().hasPrefix("file:") {
            var path = String(url.dropFirst("file:".count))
            if path.hasPrefix("//") {
                path.removeFirst(2)
                // file://host/path: the host is ignored by git for a local path; keep the path.
                path = path.hasPrefix("/") ? path : String(path.drop(while: { $0 != "/" }))
            }
            return path.removingPercentEncoding ?? path
        }
        if url.contains("://") { return nil }
        if url.hasPrefix("/") || url.hasPrefix(".") || url.hasPrefix("~") { return url }
        // A chart repository without a scheme is an OCI registry (`registry/charts`).
        if source.chart != nil { return nil }
        if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") { return nil }
        return url
    }

    /// `path` made absolute (relative to the working directory), without `.` and `..` components and
    /// with symbolic links resolved, so a link into a cache is seen as the cache.
    private static func standardized(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        return URL(fileURLWithPath: expanded).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
