internal import Foundation
internal import MoorCore
internal import MoorYAML

/// `Chart.lock`'s `digest`, computed and checked as `helm dependency build` does.
///
/// Helm hashes the JSON of a two-element array, `[Chart.yaml's dependencies, Chart.lock's
/// dependencies]`, each entry encoded as Go encodes Helm's dependency struct: the fields `name`,
/// `version`, `repository`, `condition`, `tags`, `enabled`, `import-values` and `alias` in that
/// order (all but `name` and `repository` left out when empty or false; any other key, such as the
/// newer `depends-on` that Helm 4.2 does not know, dropped), map keys sorted, and `<`, `>`, `&`,
/// U+2028 and U+2029 escaped as `\u003c`…; the digest is `sha256:` and the SHA-256 of that text in
/// lowercase hex. `Chart.yaml`'s strings are first cleaned as Helm's chart loader cleans them (white
/// space becomes a space, unprintable characters are dropped), and a repository written `@name` or
/// `alias:name` counts as the URL of the repository so named, as Helm substitutes it before hashing.
/// A lock whose digest differs is out of sync with its `Chart.yaml`, and Helm refuses to build from it.
extension ChartDependencies {
    /// Helm's digest of the chart whose `Chart.yaml` is `chartYAML` with the `Chart.lock` `lockYAML`;
    /// `repositoryURL` gives the URL of a named repository (`@name`, `alias:name`), `nil` when none is
    /// configured (the name then counts as written).
    static func lockDigest(
        chartYAML: String, lockYAML: String, repositoryURL: (String) -> String? = { _ in nil }
    ) throws(ChartSourceError) -> String {
        lockDigest(
            chart: try document(chartYAML, file: "Chart.yaml"), lock: try document(lockYAML, file: "Chart.lock"),
            repositoryURL: repositoryURL)
    }

    /// Throws unless the `Chart.lock` `lock` records the digest Helm computes for it with the
    /// `Chart.yaml` `chart` (the chart called `name`), naming the chart and what to do.
    static func checkLock(
        chart: JSONValue, lock: JSONValue, name: String, repositoryURL: (String) -> String?
    ) throws(ChartSourceError) {
        let expected = lockDigest(chart: chart, lock: lock, repositoryURL: repositoryURL)
        guard lock["digest"]?.stringValue != expected else { return }
        throw ChartSourceError(
            .invalidReference,
            "the Chart.lock of chart \(name) is out of sync with its Chart.yaml: its digest is not that of the "
                + "dependencies Chart.yaml declares (\(expected)); run `helm dependency update` in the chart's "
                + "directory and commit Chart.lock")
    }

    /// Helm's digest of the `Chart.yaml` `chart` with the `Chart.lock` `lock`.
    static func lockDigest(chart: JSONValue, lock: JSONValue, repositoryURL: (String) -> String?) -> String {
        let declared = (chart["dependencies"]?.arrayValue ?? []).map { entry in
            var entry = helmEntry(entry, clean: true)
            if case .string(let repository)? = entry["repository"],
                let url = namedRepository(repository).flatMap(repositoryURL)
            {
                entry["repository"] = .string(url)
            }
            return JSONValue.object(entry)
        }
        let locked = (lock["dependencies"]?.arrayValue ?? []).map { JSONValue.object(helmEntry($0, clean: false)) }
        var text = JSONValue.array([.array(declared), .array(locked)]).jsonString()
        // Go's encoder escapes these five, which JSON allows unescaped.
        let escapes = [
            ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u{2028}", "\\u2028"), ("\u{2029}", "\\u2029"),
        ]
        for (character, escape) in escapes {
            text = text.replacingOccurrences(of: character, with: escape)
        }
        return ChartCache.digest(of: Array(text.utf8))
    }

    /// The name in a repository written `@name` or `alias:name`; `nil` for any other repository.
    static func namedRepository(_ repository: String) -> String? {
        if repository.hasPrefix("@") { return String(repository.dropFirst()) }
        if repository.hasPrefix("alias:") { return String(repository.dropFirst("alias:".count)) }
        return nil
    }

    /// One dependency entry as Go encodes Helm's dependency struct; strings `clean`ed as Helm's chart
    /// loader cleans `Chart.yaml`'s.
    private static func helmEntry(_ entry: JSONValue, clean: Bool) -> JSONObject {
        let text = { (value: JSONValue?) -> String in
            let raw = value.map { $0.stringValue ?? $0.jsonString() } ?? ""
            return clean ? cleaned(raw) : raw
        }
        let texts = { (value: JSONValue?) -> [JSONValue] in (value?.arrayValue ?? []).map { .string(text($0)) } }
        var object = JSONObject()
        object["name"] = .string(text(entry["name"]))
        if case let version = text(entry["version"]), !version.isEmpty { object["version"] = .string(version) }
        object["repository"] = .string(text(entry["repository"]))
        if case let condition = text(entry["condition"]), !condition.isEmpty {
            object["condition"] = .string(condition)
        }
        if case let tags = texts(entry["tags"]), !tags.isEmpty { object["tags"] = .array(tags) }
        if entry["enabled"] == .bool(true) { object["enabled"] = .bool(true) }
        if let imports = entry["import-values"]?.arrayValue, !imports.isEmpty {
            object["import-values"] = .array(imports.map(sortedKeys))
        }
        if let alias = entry["alias"].map({ $0.stringValue ?? $0.jsonString() }), !alias.isEmpty {
            object["alias"] = .string(alias)
        }
        return object
    }

    /// `value` with every object's keys sorted, as Go encodes a map.
    private static func sortedKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object): .object(JSONObject(object.sortedByKey().map { ($0.key, sortedKeys($0.value)) }))
        case .array(let array): .array(array.map(sortedKeys))
        default: value
        }
    }

    /// `text` with white space turned into spaces and unprintable characters dropped, as Helm's
    /// chart loader cleans the strings of `Chart.yaml`'s dependencies.
    private static func cleaned(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                result.append(" ")
                continue
            }
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
                .spaceSeparator:
                continue
            default: result.append(scalar)
            }
        }
        return String(result)
    }
}
