/// A chart in a remote repository and the version asked for, as an Application's source names it.
///
/// Argo CD's spellings are read:
/// - a Helm HTTP repository: `repoURL: https://charts.example.com/stable`, `chart: NAME`;
/// - an OCI registry: `repoURL: oci://registry.example.com/charts` with `chart: NAME` (the chart is the
///   repository `charts/NAME`), `repoURL: oci://registry.example.com/charts/NAME` without `chart` (the
///   repository is the chart itself, as Argo CD's OCI sources write it), or `repoURL:
///   registry.example.com/charts` without a scheme when a repository credential for it sets `enableOCI`.
///
/// `targetRevision` is an exact version, a semver constraint (`1.2.*`, `>=1.2 <2`, `^1.4`; the highest
/// match wins, pre-releases only when the constraint names one), or `HEAD`/`*` for the highest release.
/// URLs with user information (`https://user:pass@…`) are refused: credentials belong in a repository
/// credential, where they are never shown.
public struct ChartReference: Sendable, Hashable, CustomStringConvertible {
    /// Where a chart repository is.
    public enum Repository: Sendable, Hashable {
        /// A Helm HTTP repository: the URL its `index.yaml` is under, without a trailing `/`.
        case http(String)
        /// An OCI registry (`host[:port]`) and the chart's repository in it (`charts/NAME`); `plainHTTP`
        /// talks HTTP instead of HTTPS (`insecureOCIForceHttp`).
        case oci(registry: String, repository: String, plainHTTP: Bool)
    }

    /// The repository.
    public var repository: Repository
    /// The chart's name.
    public var chart: String
    /// The version asked for: exact, a constraint, or `*`.
    public var version: String

    /// Creates a reference.
    public init(repository: Repository, chart: String, version: String) {
        self.repository = repository
        self.chart = chart
        self.version = version
    }

    /// The reference for a source's `repoURL`, `chart` and `targetRevision`; `credential` (the one
    /// matching `repoURL`, if any) decides whether a URL without a scheme is an OCI registry.
    public init(
        repoURL: String, chart: String, targetRevision: String, credential: RepositoryCredential? = nil
    ) throws(ChartSourceError) {
        let version = targetRevision.isEmpty || targetRevision == "HEAD" ? "*" : targetRevision
        var url = repoURL
        while url.hasSuffix("/") { url.removeLast() }
        if url.contains("@") {
            throw ChartSourceError(
                .invalidReference,
                "source.repoURL holds user information; put credentials in a repository credential instead")
        }
        if chart.contains("/") || chart.contains("..") || chart.hasPrefix(".") {
            throw ChartSourceError(.invalidReference, "source.chart \(quoted(chart)) is not a chart name")
        }
        let lowered = url.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), !(credential?.enableOCI ?? false) {
            guard !chart.isEmpty else {
                throw ChartSourceError(
                    .invalidReference, "source.chart is empty: name the chart to take from the Helm repository \(url)")
            }
            guard Self.hasHost(url) else {
                throw ChartSourceError(.invalidReference, "source.repoURL \(quoted(url)) names no host")
            }
            self.init(repository: .http(url), chart: chart, version: version)
            return
        }
        var location = url
        for scheme in ["oci://", "https://", "http://"] where lowered.hasPrefix(scheme) {
            location = String(url.dropFirst(scheme.count))
        }
        guard lowered.hasPrefix("oci://") || credential?.enableOCI == true else {
            throw ChartSourceError(
                .invalidReference,
                "source.repoURL \(quoted(url)) is not a chart repository: write https://… for a Helm repository "
                    + "or oci://… for an OCI registry")
        }
        let parts = location.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let registry = parts.first, !registry.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != ".." }) else {
            throw ChartSourceError(.invalidReference, "source.repoURL \(quoted(url)) is not an OCI reference")
        }
        var path = Array(parts.dropFirst())
        if !chart.isEmpty { path.append(chart) }
        guard let name = path.last else {
            throw ChartSourceError(
                .invalidReference, "source.chart is empty and \(quoted(url)) names no repository in the registry")
        }
        guard path.joined(separator: "/") == path.joined(separator: "/").lowercased() else {
            throw ChartSourceError(
                .invalidReference, "OCI repository names are lowercase: \(quoted(path.joined(separator: "/")))")
        }
        let plainHTTP = credential?.insecureOCIForceHTTP ?? false
        self.init(
            repository: .oci(registry: registry, repository: path.joined(separator: "/"), plainHTTP: plainHTTP),
            chart: name, version: version)
    }

    /// The repository's URL as shown in messages and status (never with credentials).
    public var repositoryURL: String {
        switch repository {
        case .http(let url): url
        case .oci(let registry, let repository, _): "oci://\(registry)/\(repository)"
        }
    }

    /// `chart VERSION from URL`, e.g. `webapp 1.2.* from https://charts.example.com`.
    public var description: String { "chart \(chart) \(version) from \(repositoryURL)" }

    private static func hasHost(_ url: String) -> Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        return !url[schemeEnd.upperBound...].prefix { $0 != "/" }.isEmpty
    }
}

/// `text` in double quotes, for messages.
func quoted(_ text: String) -> String { "\"\(text)\"" }
