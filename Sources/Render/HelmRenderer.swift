import Foundation
import Logging
import MoorCore

/// Renders a Helm chart like `helm template`: with the `helm` binary, or with the Helm SDK's C library
/// (``HelmLibrary``) in process or, with a ``HelmIsolation``, in a child process
/// (``HelmLibraryProcess``); all get the same combined values (``HelmValues``).
///
/// As Argo CD does, the release namespace is `helm.namespace`, else the destination namespace, and
/// `.Capabilities` are the destination cluster's (``RenderEnvironment``) unless `helm.kubeVersion` or
/// `helm.apiVersions` say otherwise. Before anything renders, a chart whose `kubeVersion` constraint
/// that version does not satisfy is refused, and so is one whose `Chart.yaml` declares a dependency
/// its `charts/` directory lacks (Helm's own check).
///
/// Files come out in a stable order, CRDs (`crds/`) first, then templates by path; `NOTES.txt` is
/// skipped. Each file is cut into documents as Helm cuts a release manifest (``HelmManifests``).
/// Each object's location is its template file (`# Source:` in `helm template` output); its line is
/// the document's line when the rendered template has as many lines as its source (so lines
/// correspond), and 0 (unknown) otherwise. Template errors point at the template line Helm names;
/// schema violations at `values.schema.json`.
struct HelmRenderer {
    let root: SourceRoot
    let options: HelmOptions
    let environment: RenderEnvironment
    /// The checkouts of `ref` sources, for `$NAME/…` values files.
    let references: [String: String]
    let runner: ToolRunner
    let engine: RenderConfiguration.HelmEngine
    /// Runs the library in a child process when set (``HelmIsolation``).
    let isolation: HelmIsolation?
    let logger: Logger

    private enum Backend {
        case binary(String)
        /// The library in this process, or in a child (``HelmLibraryProcess``); the path it loads.
        case library(any HelmLibraryCalls, path: String)
    }

    /// The longest release name Helm accepts.
    private static let maxReleaseName = 53
    private static let schemaViolation = "don't meet the specifications of the schema"

    /// Renders the chart in `chart`.
    func render(_ chart: ConfinedPath) async throws(RenderError) -> [ManifestObject] {
        let chartFile = root.child("Chart.yaml", of: chart)
        guard FileSystem.targetKind(chartFile.absolute) == .file else {
            throw RenderError(.notFound, "'\(chart)' has no Chart.yaml; helm options need a chart directory")
        }
        try root.checkSymlinks(under: chart)
        let metadata = try HelmChartMetadata(text: try root.readText(chartFile), file: chartFile)
        if let kubeVersion = capabilities.kubeVersion {
            try metadata.checkKubeVersion(kubeVersion, origin: capabilities.origin, file: chartFile)
        }
        let values = JSONValue.object(
            try HelmValues.combined(options, chart: chart, root: root, references: references)
        ).jsonString()
        let release = try releaseName(chart)
        let files: [HelmLibrary.RenderedFile]
        do {
            switch try backend() {
            case .binary(let path):
                logger.debug("rendering Helm chart with helm binary", metadata: ["helm": "\(path)"])
                files = try await renderWithBinary(path, chart: chart, values: values, release: release)
            case .library(let library, let path):
                logger.debug(
                    "rendering Helm chart with the Helm library",
                    metadata: ["library": "\(path)", "isolated": "\(library is HelmLibraryProcess)"])
                try await checkDependencies(library, chart: chart, metadata: metadata)
                files = try await renderWithLibrary(library, chart: chart, values: values, release: release)
            }
        } catch  where error.code == .toolFailed {
            throw located(error, chart: chart)
        }
        var objects: [ManifestObject] = []
        for file in files.filter({ !$0.name.hasSuffix("NOTES.txt") }).sorted(by: Self.helmOrder) {
            let inChart = file.name.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? file.name
            let source = try root.resolve(metadata.templatePath(inChart), from: chart, what: "rendered template")
            let exact = Self.lineCount(of: (try? root.readText(source)) ?? "") == Self.lineCount(of: file.text)
            for document in HelmManifests.documents(in: file.text) {
                objects += try ManifestDecoder.yaml(document.text, firstLine: document.line) {
                    source.location(line: exact ? $0 : 0)
                }
            }
        }
        return objects
    }

    /// The release namespace: `helm.namespace`, else the destination namespace, else `default`.
    var releaseNamespace: String {
        if let namespace = options.namespace { return namespace }
        if let namespace = environment.namespace, !namespace.isEmpty { return namespace }
        return "default"
    }

    /// `.Capabilities` as rendered: the source's own settings over the destination cluster's, and
    /// where the Kubernetes version came from (for messages).
    private var capabilities: (kubeVersion: String?, apiVersions: [String], origin: String) {
        let apiVersions = options.apiVersions.isEmpty ? environment.apiVersions : options.apiVersions
        if let kubeVersion = options.kubeVersion { return (kubeVersion, apiVersions, "helm.kubeVersion") }
        return (environment.kubeVersion, apiVersions, "the destination cluster")
    }

    /// Refuses a chart whose `Chart.yaml` names a dependency that its `charts/` directory does not
    /// hold, as `helm template` does, naming the dependency, its version and its repository.
    private func checkDependencies(
        _ library: any HelmLibraryCalls, chart: ConfinedPath, metadata: HelmChartMetadata
    ) async throws(RenderError) {
        guard !metadata.dependencies.isEmpty else { return }
        let chartFile = root.child("Chart.yaml", of: chart)
        let found: [HelmLibrary.Dependency]
        do {
            found = try await library.dependencies(directory: chart.absolute)
        } catch {
            let message = root.redact(error.message).trimmingCharacters(in: .whitespacesAndNewlines)
            throw RenderError(.toolFailed, at: chartFile.location(), "helm failed: \(message)")
        }
        let present: Set<String> = ["ok", "unpacked", "wrong version"]
        guard let missing = found.first(where: { !present.contains($0.status) }) else { return }
        let line = metadata.dependencies.first { $0.name == missing.name }?.line ?? 0
        let repository = missing.repository.isEmpty ? "" : " from \(missing.repository)"
        throw RenderError(
            .notFound, at: chartFile.location(line: line),
            "chart \(metadata.name) depends on \(missing.name) \(missing.version)\(repository), which is "
                + "\(missing.status == "missing" ? "not" : "\(missing.status)") in its charts/ directory and could "
                + "not be fetched (a chart in a local directory, or no repository): vendor it under charts/ (`helm "
                + "dependency build`) or name its repository. Nothing was applied")
    }

    private func renderWithLibrary(
        _ library: any HelmLibraryCalls, chart: ConfinedPath, values: String, release: String
    ) async throws(RenderError) -> [HelmLibrary.RenderedFile] {
        var settings: JSONValue = ["name": .string(release), "is_install": true]
        settings["namespace"] = .string(releaseNamespace)
        settings["kube_version"] = capabilities.kubeVersion.map(JSONValue.string)
        let apiVersions = capabilities.apiVersions
        if !apiVersions.isEmpty { settings["api_versions"] = .array(apiVersions.map(JSONValue.string)) }
        do {
            return try await library.render(
                directory: chart.absolute, values: values, options: settings.jsonString(),
                includeCRDs: !options.skipCrds)
        } catch {
            let message = root.redact(error.message).trimmingCharacters(in: .whitespacesAndNewlines)
            throw RenderError(
                .toolFailed, at: root.child("Chart.yaml", of: chart).location(), "helm failed: \(message)")
        }
    }

    private func renderWithBinary(
        _ helm: String, chart: ConfinedPath, values: String, release: String
    ) async throws(RenderError) -> [HelmLibrary.RenderedFile] {
        let valuesFile = FileManager.default.temporaryDirectory.appendingPathComponent("moor-values-\(UUID()).json")
        let written = FileManager.default.createFile(
            atPath: valuesFile.path, contents: Data(values.utf8), attributes: [.posixPermissions: 0o600])
        guard written else { throw RenderError(.io, "cannot write a temporary values file for helm") }
        defer { try? FileManager.default.removeItem(at: valuesFile) }
        var arguments = ["template", release, chart.absolute, "--values", valuesFile.path]
        arguments += ["--namespace", releaseNamespace]
        if let kubeVersion = capabilities.kubeVersion { arguments += ["--kube-version", kubeVersion] }
        for apiVersion in capabilities.apiVersions { arguments += ["--api-versions", apiVersion] }
        if !options.skipCrds { arguments.append("--include-crds") }
        let output = try await runner.run(
            "helm", executable: helm, arguments: arguments, root: root,
            about: root.child("Chart.yaml", of: chart).location())
        return Self.files(inTemplateOutput: String(decoding: output, as: UTF8.self))
    }

    /// Splits `helm template` output into files by the `# Source: chart/templates/x.yaml` comment
    /// that starts each document (the comment itself is dropped); documents are separated by `---` lines.
    static func files(inTemplateOutput text: String) -> [HelmLibrary.RenderedFile] {
        var order: [String] = []
        var documents: [String: [String]] = [:]
        var name = ""
        var lines: [Substring] = []
        func finishDocument() {
            if let first = lines.first(where: { !$0.isEmpty }), first.hasPrefix("# Source: ") {
                name = String(first.dropFirst("# Source: ".count))
                lines.removeSubrange(...lines.firstIndex(of: first)!)
            }
            if lines.contains(where: { !$0.allSatisfy(\.isWhitespace) }) {
                if documents[name] == nil { order.append(name) }
                documents[name, default: []].append(lines.joined(separator: "\n"))
            }
            lines = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "---" || line.hasPrefix("--- ") { finishDocument() } else { lines.append(line) }
        }
        finishDocument()
        return order.map { HelmLibrary.RenderedFile(name: $0, text: documents[$0]!.joined(separator: "\n---\n")) }
    }

    private func backend() throws(RenderError) -> Backend {
        let environment = ProcessInfo.processInfo.environment
        let libraryPath: String
        switch engine {
        case .binary(let path):
            return .binary(path)
        case .library(let path):
            guard
                let path = path ?? HelmLibrary.configuredPath(environment: environment)
                    ?? HelmLibrary.discoveredPath(environment: environment)
            else { throw Self.unavailable }
            libraryPath = path
        case .automatic:
            if let path = HelmLibrary.configuredPath(environment: environment) {
                libraryPath = path
            } else if let helm = ExecutableLookup.find("helm", environment: environment) {
                return .binary(helm)
            } else if let path = HelmLibrary.discoveredPath(environment: environment) {
                libraryPath = path
            } else {
                throw Self.unavailable
            }
        }
        guard let isolation else { return .library(try HelmLibrary(path: libraryPath), path: libraryPath) }
        return .library(
            HelmLibraryProcess(isolation: isolation, libraryPath: libraryPath, runner: runner, root: root),
            path: libraryPath)
    }

    private static let unavailable = RenderError(
        .toolUnavailable,
        "Helm is not available: install the helm binary, or the Helm library with 'pip install helm-python-sdk', "
            + "or set \(HelmLibrary.environmentVariable) to the path of libhelm_c.so")

    private func releaseName(_ chart: ConfinedPath) throws(RenderError) -> String {
        let name = options.releaseName ?? (chart.name.isEmpty ? "release" : chart.name)
        guard name.utf8.count <= Self.maxReleaseName, NameRule.dnsSubdomain.problem(with: name) == nil else {
            throw RenderError(
                .invalidOptions,
                "helm release name \(quoted(name)) is not valid: at most \(Self.maxReleaseName) lowercase letters, "
                    + "digits, '-' and '.'; set helm.releaseName")
        }
        return name
    }

    /// Points a Helm failure at the template line it names (`execution error at
    /// (chart/templates/x.yaml:12:3)`) or, for a schema violation, at `values.schema.json`.
    private func located(_ error: RenderError, chart: ConfinedPath) -> RenderError {
        if error.message.contains(Self.schemaViolation) {
            let schema = root.child("values.schema.json", of: chart)
            return RenderError(
                error.code, at: schema.location(),
                "the values do not match the chart's schema; fix the values: \(error.message)")
        }
        guard let open = error.message.range(of: " at (") else { return error }
        let position = error.message[open.upperBound...].prefix { $0 != ")" }.split(separator: ":")
        guard position.count >= 2, let line = Int(position[1]),
            let inChart = position[0].split(separator: "/", maxSplits: 1).dropFirst().first,
            let template = try? root.resolve(String(inChart), from: chart, what: "template")
        else { return error }
        return RenderError(error.code, at: template.location(line: line), error.message)
    }

    /// CRDs first, then by name.
    private static func helmOrder(_ a: HelmLibrary.RenderedFile, _ b: HelmLibrary.RenderedFile) -> Bool {
        let aIsCRD = a.name.contains("/crds/")
        let bIsCRD = b.name.contains("/crds/")
        return aIsCRD != bIsCRD ? aIsCRD : a.name < b.name
    }

    private static func lineCount(of text: String) -> Int {
        text.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false).count
    }
}
