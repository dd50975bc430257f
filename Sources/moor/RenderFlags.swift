import ArgumentParser
import MoorCore

/// Renderer options as flags; they become the Argo CD-style `source` fields of an application.
struct RenderFlags: ParsableArguments {
    @Flag(help: "Directory: read subdirectories too.")
    var recurse = false

    @Option(help: "Directory: glob of files to read, e.g. '{*.yaml,*.json}'.")
    var include: String?

    @Option(help: "Directory: glob of files to skip.")
    var exclude: String?

    @Option(name: .customLong("jsonnet-ext-str"), help: "Jsonnet external variable NAME=VALUE (repeatable).")
    var jsonnetExtVars: [String] = []

    @Option(name: .customLong("jsonnet-tla-str"), help: "Jsonnet top-level argument NAME=VALUE (repeatable).")
    var jsonnetTLAs: [String] = []

    @Option(name: .customLong("jsonnet-libs"), help: "Jsonnet library path inside the repository (repeatable).")
    var jsonnetLibs: [String] = []

    @Option(name: .customLong("name-prefix"), help: "Kustomize: prefix for every name.")
    var namePrefix: String?

    @Option(name: .customLong("name-suffix"), help: "Kustomize: suffix for every name.")
    var nameSuffix: String?

    @Option(
        name: .customLong("kustomize-image"), help: "Kustomize: image override, e.g. nginx=nginx:1.27 (repeatable).")
    var kustomizeImages: [String] = []

    @Option(name: .customLong("kustomize-namespace"), help: "Kustomize: namespace for every object.")
    var kustomizeNamespace: String?

    @Option(name: .customLong("common-label"), help: "Kustomize: label KEY=VALUE on every object (repeatable).")
    var commonLabels: [String] = []

    @Option(name: .customLong("release-name"), help: "Helm: release name.")
    var releaseName: String?

    @Option(name: .customLong("values"), help: "Helm: values file inside the repository (repeatable).")
    var valueFiles: [String] = []

    @Option(name: .customLong("helm-set"), help: "Helm: parameter NAME=VALUE (repeatable).")
    var helmParameters: [String] = []

    @Option(name: .customLong("helm-namespace"), help: "Helm: release namespace.")
    var helmNamespace: String?

    @Option(name: .customLong("kube-version"), help: "Helm: Kubernetes version for .Capabilities.")
    var kubeVersion: String?

    @Option(name: .customLong("api-versions"), help: "Helm: API version for .Capabilities (repeatable).")
    var apiVersions: [String] = []

    /// The `source` fields (`directory`, `kustomize`, `helm`) these flags set.
    func sourceOptions() throws -> JSONValue {
        var source = JSONValue.emptyObject
        var directory = JSONValue.emptyObject
        if recurse { directory["recurse"] = true }
        if let include { directory["include"] = .string(include) }
        if let exclude { directory["exclude"] = .string(exclude) }
        var jsonnet = JSONValue.emptyObject
        if !jsonnetExtVars.isEmpty {
            jsonnet["extVars"] = try Self.namedValues(jsonnetExtVars, flag: "--jsonnet-ext-str")
        }
        if !jsonnetTLAs.isEmpty { jsonnet["tlas"] = try Self.namedValues(jsonnetTLAs, flag: "--jsonnet-tla-str") }
        if !jsonnetLibs.isEmpty { jsonnet["libs"] = .array(jsonnetLibs.map(JSONValue.string)) }
        if jsonnet != .emptyObject { directory["jsonnet"] = jsonnet }
        if directory != .emptyObject { source["directory"] = directory }

        var kustomize = JSONValue.emptyObject
        if let namePrefix { kustomize["namePrefix"] = .string(namePrefix) }
        if let nameSuffix { kustomize["nameSuffix"] = .string(nameSuffix) }
        if !kustomizeImages.isEmpty { kustomize["images"] = .array(kustomizeImages.map(JSONValue.string)) }
        if let kustomizeNamespace { kustomize["namespace"] = .string(kustomizeNamespace) }
        if !commonLabels.isEmpty {
            var labels = JSONObject()
            for pair in try Self.pairs(commonLabels, flag: "--common-label") { labels[pair.0] = .string(pair.1) }
            kustomize["commonLabels"] = .object(labels)
        }
        if kustomize != .emptyObject { source["kustomize"] = kustomize }

        var helm = JSONValue.emptyObject
        if let releaseName { helm["releaseName"] = .string(releaseName) }
        if !valueFiles.isEmpty { helm["valueFiles"] = .array(valueFiles.map(JSONValue.string)) }
        if !helmParameters.isEmpty { helm["parameters"] = try Self.namedValues(helmParameters, flag: "--helm-set") }
        if let helmNamespace { helm["namespace"] = .string(helmNamespace) }
        if let kubeVersion { helm["kubeVersion"] = .string(kubeVersion) }
        if !apiVersions.isEmpty { helm["apiVersions"] = .array(apiVersions.map(JSONValue.string)) }
        if helm != .emptyObject { source["helm"] = helm }
        return source
    }

    private static func pairs(_ entries: [String], flag: String) throws -> [(String, String)] {
        try entries.map { entry in
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw ValidationError("\(flag) takes NAME=VALUE, got \"\(entry)\"")
            }
            return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
        }
    }

    private static func namedValues(_ entries: [String], flag: String) throws -> JSONValue {
        .array(try pairs(entries, flag: flag).map { ["name": .string($0.0), "value": .string($0.1)] })
    }
}
