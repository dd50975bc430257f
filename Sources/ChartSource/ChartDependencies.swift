internal import Foundation
internal import MoorCore
internal import MoorYAML

/// Fetches the dependencies a chart's `Chart.yaml` declares and its `charts/` directory lacks, as
/// `helm dependency build` does, so that the chart renders as Helm would render it after that
/// command. Pure planning (``plan(chart:lock:repositoryURL:present:)``) is separate from fetching
/// and writing (``vendor(chart:root:cache:credentials:)``).
///
/// - A dependency is present when `charts/` holds a directory or `NAME-*.tgz` for it (vendored
///   dependencies are never replaced).
/// - `repository: https://…` is a Helm repository, `oci://…` an OCI registry (the chart at
///   `…/NAME`), `@name` or `alias:name` the Helm repository credential called `name`, and
///   `file://PATH` a directory relative to the chart that must stay inside `root` (the checkout).
///   A dependency without a repository must be vendored.
/// - With a `Chart.lock`, each dependency takes the exact version the lock records (the lock must
///   name every dependency of `Chart.yaml` with the same repository and record Helm's digest of
///   both, else it is out of sync, as Helm says); without one, the highest version satisfying its
///   constraint. A lock is consulted only when something must be fetched, as Helm's own render
///   reads only `charts/`.
/// - Conditions and tags are not consulted (Helm fetches every dependency and applies them when
///   rendering). A fetched dependency is copied to `charts/NAME`, atomically; nothing is written
///   when any dependency cannot be resolved.
public enum ChartDependencies {
    /// One dependency of `Chart.yaml`.
    public struct Dependency: Sendable, Hashable {
        /// The chart name.
        public var name: String
        /// The version or constraint.
        public var version: String
        /// Where it comes from, as written (`https://…`, `oci://…`, `@name`, `alias:name`, `file://…`, or empty).
        public var repository: String

        /// Creates a dependency.
        public init(name: String, version: String, repository: String) {
            self.name = name
            self.version = version
            self.repository = repository
        }
    }

    /// What to fetch for one missing dependency.
    public struct Fetch: Sendable, Hashable {
        /// The dependency.
        public var dependency: Dependency
        /// The version to ask for: the lock's, else the dependency's constraint.
        public var version: String
    }

    /// The dependencies `chartYAML` declares.
    public static func dependencies(chartYAML: String) throws(ChartSourceError) -> [Dependency] {
        entries(try document(chartYAML, file: "Chart.yaml"))
    }

    /// Which of `chart`'s dependencies to fetch, and at which version, given the `Chart.lock`'s (if
    /// any) and whether each is `present`. Each distinct chart (name and repository) is fetched once,
    /// however many aliases name it. A lock entry matches a dependency from `@name` or `alias:name`
    /// also when it records that repository's URL (`repositoryURL` of the name), as Helm writes it.
    public static func plan(
        chart: [Dependency], lock: [Dependency]?, repositoryURL: (String) -> String? = { _ in nil },
        present: (Dependency) -> Bool
    ) throws(ChartSourceError) -> [Fetch] {
        var fetches: [Fetch] = []
        for dependency in chart where !present(dependency) {
            guard !fetches.contains(where: { $0.dependency.name == dependency.name }) else { continue }
            var version = dependency.version
            if let lock {
                let url = namedRepository(dependency.repository).flatMap(repositoryURL)
                guard
                    let locked = lock.first(where: {
                        $0.name == dependency.name && ($0.repository == dependency.repository || $0.repository == url)
                    })
                else {
                    throw ChartSourceError(
                        .invalidReference,
                        "Chart.lock is out of sync with Chart.yaml: it has no entry for dependency \(dependency.name) "
                            + "from \(dependency.repository); run `helm dependency update` and commit Chart.lock")
                }
                version = locked.version
            }
            fetches.append(Fetch(dependency: dependency, version: version))
        }
        return fetches
    }

    /// Fetches the missing dependencies of the chart in `chart` (a directory inside `root`) into its
    /// `charts/`; returns what was added, `NAME VERSION` each.
    @discardableResult
    public static func vendor(
        chart: String, root: String, cache: ChartCache, credentials: RepositoryCredentials
    ) async throws(ChartSourceError) -> [String] {
        // A Chart.yaml that cannot be read is the render's to report, with its file and line.
        guard let chartYAML = try? String(contentsOfFile: chart + "/Chart.yaml", encoding: .utf8),
            let metadata = try? document(chartYAML, file: "Chart.yaml")
        else { return [] }
        let declared = entries(metadata)
        guard !declared.isEmpty else { return [] }
        let name = metadata["name"]?.stringValue ?? "in \(chart)"
        let lock = try (try? String(contentsOfFile: chart + "/Chart.lock", encoding: .utf8))
            .map { text throws(ChartSourceError) in try document(text, file: "Chart.lock") }
        let charts = chart + "/charts"
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: charts)) ?? []
        let repositoryURL = { (name: String) in credentials.named(name)?.url }
        let fetches = try plan(chart: declared, lock: lock.map(entries), repositoryURL: repositoryURL) { dependency in
            listing.contains(dependency.name)
                || listing.contains { $0.hasPrefix(dependency.name + "-") && $0.hasSuffix(".tgz") }
        }
        guard !fetches.isEmpty else { return [] }
        if let lock {
            try checkLock(chart: metadata, lock: lock, name: name, repositoryURL: repositoryURL)
        }
        var sources: [(fetch: Fetch, directory: String, version: String)] = []
        for fetch in fetches {
            let resolved = try await resolve(
                fetch, of: name, chart: chart, root: root, cache: cache, credentials: credentials)
            sources.append((fetch, resolved.directory, resolved.version))
        }
        do {
            try FileManager.default.createDirectory(atPath: charts, withIntermediateDirectories: true)
            for source in sources {
                let target = charts + "/" + source.fetch.dependency.name
                let staging = charts + "/.moor-\(UUID().uuidString)"
                try FileManager.default.copyItem(atPath: source.directory, toPath: staging)
                do {
                    try FileManager.default.moveItem(atPath: staging, toPath: target)
                } catch  where FileManager.default.fileExists(atPath: target) {
                    // Another render of the same tree vendored it meanwhile.
                    try? FileManager.default.removeItem(atPath: staging)
                }
            }
        } catch {
            throw ChartSourceError(
                .transport, "writing the dependencies of the chart into its charts/ failed: \(error)")
        }
        return sources.map { "\($0.fetch.dependency.name) \($0.version)" }
    }

    /// The directory of one dependency's chart and its version: fetched through `cache`, or for
    /// `file://` the directory itself, confined to `root`.
    private static func resolve(
        _ fetch: Fetch, of name: String, chart: String, root: String, cache: ChartCache,
        credentials: RepositoryCredentials
    ) async throws(ChartSourceError) -> (directory: String, version: String) {
        let dependency = fetch.dependency
        let what = "chart \(name) depends on \(dependency.name) \(fetch.version)"
        var repository = dependency.repository
        if repository.hasPrefix("file://") {
            guard let directory = confined(String(repository.dropFirst("file://".count)), from: chart, in: root) else {
                throw ChartSourceError(
                    .invalidReference, "\(what) names \(repository), which leaves the repository; refusing it")
            }
            guard FileManager.default.fileExists(atPath: directory + "/Chart.yaml") else {
                throw ChartSourceError(.notFound, "\(what) names \(repository), which holds no Chart.yaml")
            }
            return (directory, fetch.version)
        }
        if let name = namedRepository(repository) {
            guard let named = credentials.named(name) else {
                throw ChartSourceError(
                    .notFound,
                    "\(what) names repository \(repository), but no Helm repository credential is called \(name)")
            }
            repository = named.url
        }
        guard !repository.isEmpty else {
            throw ChartSourceError(
                .notFound, "\(what) has no repository and is not in charts/: vendor it, or name its repository")
        }
        do {
            let reference = try ChartReference(
                repoURL: repository, chart: dependency.name, targetRevision: fetch.version,
                credential: credentials.match(repository))
            let fetched = try await cache.fetch(reference, credentials: credentials)
            return (fetched.root + "/" + fetched.chartDirectory, fetched.version)
        } catch {
            throw ChartSourceError(
                error.code, "\(what) from \(repository), which could not be fetched: \(error.message)")
        }
    }

    /// `path` (relative to the directory `base`) resolved, symlinks included, when it stays inside
    /// `root` (or is `root`); `nil` when it leaves it.
    public static func confined(_ path: String, from base: String, in root: String) -> String? {
        let resolved = { (url: URL) in url.standardizedFileURL.resolvingSymlinksInPath().path }
        let top = resolved(URL(fileURLWithPath: root))
        let target = resolved(URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base + "/")))
        return target == top || target.hasPrefix(top + "/") ? target : nil
    }

    /// A `Chart.yaml` or `Chart.lock`.
    static func document(_ text: String, file: String) throws(ChartSourceError) -> JSONValue {
        do {
            return try YAMLReader.value(text)
        } catch {
            throw ChartSourceError(.invalidReference, "\(file) is not valid YAML (line \(error.line))")
        }
    }

    /// The `dependencies` of a `Chart.yaml` or `Chart.lock`.
    private static func entries(_ value: JSONValue) -> [Dependency] {
        (value["dependencies"]?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue, !name.isEmpty else { return nil }
            let version = entry["version"].map { $0.stringValue ?? $0.jsonString() } ?? "*"
            return Dependency(name: name, version: version, repository: entry["repository"]?.stringValue ?? "")
        }
    }
}
