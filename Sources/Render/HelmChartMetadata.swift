import MoorCore
import MoorYAML

/// What Moor checks in a chart's `Chart.yaml` before rendering it: its name, the Kubernetes versions
/// it supports (`kubeVersion`) and the dependencies it declares.
struct HelmChartMetadata: Sendable, Hashable {
    /// One entry of `dependencies`.
    struct Dependency: Sendable, Hashable {
        /// The dependency's chart name.
        var name: String
        /// The version or constraint asked for.
        var version: String
        /// Where it comes from.
        var repository: String
        /// The name it is rendered under (`alias`), if it has one.
        var alias: String?
        /// The line of `Chart.yaml` its entry starts on (0: unknown).
        var line: Int
    }

    /// The chart's name.
    var name: String
    /// The `kubeVersion` constraint, if the chart sets one.
    var kubeVersion: String?
    /// The declared dependencies, in order.
    var dependencies: [Dependency]

    /// Reads `Chart.yaml`'s text; `file` is where errors point.
    init(text: String, file: ConfinedPath) throws(RenderError) {
        let value: JSONValue
        do {
            value = try YAMLReader.documents(text).first?.value ?? .emptyObject
        } catch {
            throw RenderError(.invalidSyntax, at: file.location(line: error.line), "invalid YAML: \(error.reason)")
        }
        name = value["name"]?.stringValue ?? ""
        kubeVersion = value["kubeVersion"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var searchFrom = lines.firstIndex { $0.hasPrefix("dependencies:") } ?? 0
        dependencies = (value["dependencies"]?.arrayValue ?? []).map { entry in
            let name = entry["name"]?.stringValue ?? ""
            // The entry's line: the first `name: <name>` after the previous entry's.
            let found = lines[searchFrom...].firstIndex { line in
                let words = line.split(whereSeparator: { " -:\"'".contains($0) })
                return words.count == 2 && words[0] == "name" && words[1] == name
            }
            if let found { searchFrom = found + 1 }
            return Dependency(
                name: name, version: entry["version"]?.stringValue ?? "",
                repository: entry["repository"]?.stringValue ?? "",
                alias: entry["alias"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }, line: found.map { $0 + 1 } ?? 0)
        }
    }

    /// The path inside the chart of a rendered template Helm names `path` (without the chart's own
    /// name): Helm names an aliased dependency's templates by the alias (`charts/cache/…`), while
    /// its files stay under the dependency's directory (`charts/redis/…`).
    func templatePath(_ path: String) -> String {
        let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "charts",
            let dependency = dependencies.first(where: { $0.alias == String(parts[1]) })
        else { return path }
        return "charts/\(dependency.name)/\(parts[2])"
    }

    /// Refuses a chart whose `kubeVersion` constraint `kubeVersion` does not satisfy, as `helm
    /// template` and `helm install` do; `origin` says where the version came from for the message.
    func checkKubeVersion(_ kubeVersion: String, origin: String, file: ConfinedPath) throws(RenderError) {
        guard let constraint = kubeVersion.isEmpty ? nil : self.kubeVersion else { return }
        guard let parsed = VersionConstraint(constraint) else {
            throw RenderError(
                .invalidOptions, at: file.location(),
                "chart \(name) has an invalid kubeVersion constraint \(quoted(constraint)); fix Chart.yaml")
        }
        guard let version = SemanticVersion(kubeVersion), parsed.isSatisfied(by: version) else {
            throw RenderError(
                .invalidOptions, at: file.location(),
                "chart \(name) requires kubeVersion \(constraint); \(origin) is \(kubeVersion). Nothing was applied: "
                    + "deploy a chart version that supports it, or set helm.kubeVersion if the cluster is newer")
        }
    }
}
