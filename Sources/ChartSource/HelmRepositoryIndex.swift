internal import MoorCore
internal import MoorYAML

/// A Helm HTTP repository's `index.yaml`: for each chart, its published versions with the archive
/// URLs and digests.
public struct HelmRepositoryIndex: Sendable, Hashable {
    /// One published version of a chart.
    public struct Entry: Sendable, Hashable {
        /// The chart's version.
        public var version: String
        /// Where the archive is: absolute, or relative to the repository's URL.
        public var urls: [String]
        /// The archive's SHA-256 (hex), when the index records one.
        public var digest: String?
    }

    /// Every chart's versions, by chart name.
    public var entries: [String: [Entry]]

    /// Parses an index; throws a ``ChartSourceError/Code/transport`` error naming `repository` when
    /// the text is not a Helm repository index.
    public init(yaml text: String, repository: String) throws(ChartSourceError) {
        let value: JSONValue
        do {
            value = try YAMLReader.value(text)
        } catch {
            throw ChartSourceError(
                .transport, "the index.yaml of \(repository) is not valid YAML (\(error)); is this a Helm repository?")
        }
        guard case .object(let charts)? = value[path: "entries"] else {
            throw ChartSourceError(
                .transport, "the index.yaml of \(repository) has no entries; is this a Helm repository?")
        }
        var entries: [String: [Entry]] = [:]
        for (name, versions) in charts {
            entries[name] = (versions.arrayValue ?? []).compactMap { item in
                guard let version = item["version"].map({ $0.stringValue ?? $0.jsonString() }) else { return nil }
                let urls = (item["urls"]?.arrayValue ?? []).compactMap(\.stringValue)
                return Entry(version: version, urls: urls, digest: item["digest"].flatMap(Self.digest))
            }
        }
        self.entries = entries
    }

    /// A `digest` field as text: a hex digest YAML read as a number (all digits, or digits and one
    /// `e`) is written back, so that it is still checked, and fails the check when it cannot be;
    /// `nil` for an empty or null digest (none recorded).
    private static func digest(_ value: JSONValue) -> String? {
        if value == .null { return nil }
        let text = value.stringValue?.lowercased() ?? value.jsonString()
        return text.isEmpty ? nil : text
    }

    /// The entry of `chart` that `target` picks (see ``ChartVersionSelection``); throws
    /// ``ChartSourceError/Code/notFound`` naming what the repository has.
    public func entry(_ chart: String, matching target: String, repository: String) throws(ChartSourceError) -> Entry {
        guard let versions = entries[chart], !versions.isEmpty else {
            let known = entries.keys.sorted().prefix(10).joined(separator: ", ")
            throw ChartSourceError(
                .notFound, "\(repository) has no chart \(quoted(chart))" + (known.isEmpty ? "" : " (it has \(known))"))
        }
        guard let version = ChartVersionSelection.select(target, from: versions.map(\.version)),
            let entry = versions.first(where: { $0.version == version })
        else {
            let published = versions.map(\.version).prefix(10).joined(separator: ", ")
            throw ChartSourceError(
                .notFound,
                "chart \(chart) in \(repository) has no version matching \(quoted(target)) (it has \(published))")
        }
        return entry
    }
}
