/// An Application manifest that cannot be used; says which field is wrong and how to fix it.
public struct ApplicationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Application {
    /// The API group of Moor's custom resources.
    public static let group = "moor.dev"
    /// The `apiVersion` of an Application resource.
    public static let apiVersion = "moor.dev/v1alpha1"
    /// The kind.
    public static let kind = "Application"

    /// Reads an Application manifest (`moor.dev/v1alpha1`; `argoproj.io/v1alpha1` is accepted too,
    /// so Argo CD manifests work unchanged).
    public init(manifest: JSONValue) throws(ApplicationError) {
        let apiVersion = manifest["apiVersion"]?.stringValue ?? ""
        guard apiVersion == Self.apiVersion || apiVersion == "argoproj.io/v1alpha1",
            manifest["kind"]?.stringValue == Self.kind
        else {
            throw ApplicationError(
                "expected apiVersion \(Self.apiVersion) and kind Application, got \(apiVersion) \(manifest["kind"]?.stringValue ?? "(no kind)")"
            )
        }
        guard let name = manifest[path: "metadata", "name"]?.stringValue, !name.isEmpty else {
            throw ApplicationError("the Application has no metadata.name")
        }
        let spec = manifest["spec"] ?? .emptyObject
        var sources: [ApplicationSource] = []
        if let listed = spec["sources"]?.arrayValue, !listed.isEmpty {
            for (index, entry) in listed.enumerated() {
                sources.append(try Self.source(entry, at: "spec.sources[\(index)]", app: name))
            }
            let refs = sources.map(\.ref).filter { !$0.isEmpty }
            guard Set(refs).count == refs.count else {
                throw ApplicationError("Application \(name): two spec.sources have the same ref; give each its own")
            }
            guard sources.contains(where: \.renders) else {
                throw ApplicationError(
                    "Application \(name): every spec.sources entry is a ref without a path; one must render something")
            }
        } else {
            guard spec["source"]?.objectValue != nil else {
                throw ApplicationError("Application \(name): spec.source is required (or spec.sources)")
            }
        }
        let source: ApplicationSource
        if let first = sources.first {
            source = first
        } else {
            source = try Self.source(spec["source"] ?? .emptyObject, at: "spec.source", app: name)
        }
        var policy = SyncPolicy()
        if let sync = spec["syncPolicy"] {
            if let automated = sync["automated"], automated.objectValue != nil {
                policy.automated = AutomatedSync(
                    prune: automated["prune"]?.boolValue ?? false, selfHeal: automated["selfHeal"]?.boolValue ?? false)
            }
            let entries = sync["syncOptions"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let unknown = policy.syncOptions.apply(entries)
            guard unknown.isEmpty else {
                throw ApplicationError(
                    "Application \(name): unknown syncOptions \(unknown.joined(separator: ", ")); "
                        + "known: \(SyncOptions.known)")
            }
            if let retry = sync["retry"], retry.objectValue != nil {
                var value = SyncRetry()
                value.limit = retry["limit"]?.intValue ?? value.limit
                if let backoff = retry["backoff"] {
                    value.durationSeconds = try Self.seconds(
                        backoff["duration"], default: value.durationSeconds, app: name)
                    value.factor = backoff["factor"]?.doubleValue ?? value.factor
                    value.maxDurationSeconds = try Self.seconds(
                        backoff["maxDuration"], default: value.maxDurationSeconds, app: name)
                }
                policy.retry = value
            }
            if let share = sync["maxPruneShare"]?.doubleValue {
                guard (0...1).contains(share) else {
                    throw ApplicationError("Application \(name): syncPolicy.maxPruneShare must be between 0 and 1")
                }
                policy.maxPruneShare = share
            }
        }
        self.init(
            name: name, namespace: manifest[path: "metadata", "namespace"]?.stringValue ?? "",
            spec: ApplicationSpec(
                source: source, sources: sources,
                destination: ApplicationDestination(json: spec["destination"] ?? .emptyObject),
                syncPolicy: policy, ignoreDifferences: spec["ignoreDifferences"]?.arrayValue ?? [],
                project: spec["project"]?.stringValue ?? "default",
                serviceAccountName: spec["serviceAccountName"]?.stringValue ?? ""),
            manifestGeneratePaths: ManifestPaths.annotations.lazy.compactMap {
                manifest[path: "metadata", "annotations", $0]?.stringValue
            }.first)
    }

    /// One source object, at `field` (`spec.source`, `spec.sources[1]`).
    static func source(_ json: JSONValue, at field: String, app: String) throws(ApplicationError) -> ApplicationSource {
        guard json.objectValue != nil else { throw ApplicationError("Application \(app): \(field) must be an object") }
        guard let repoURL = json["repoURL"]?.stringValue, !repoURL.isEmpty else {
            throw ApplicationError("Application \(app): \(field).repoURL is required")
        }
        return ApplicationSource(
            repoURL: repoURL, targetRevision: json["targetRevision"]?.stringValue ?? "HEAD",
            path: json["path"]?.stringValue ?? ".", options: json)
    }

    /// Reads a duration such as `5s`, `3m`, `1h`, `250ms` or a number of seconds.
    static func seconds(_ value: JSONValue?, default fallback: Double, app: String) throws(ApplicationError) -> Double {
        guard let value else { return fallback }
        if let number = value.doubleValue { return number }
        guard let text = value.stringValue, let seconds = Self.parseDuration(text) else {
            throw ApplicationError("Application \(app): \(value.jsonString()) is not a duration like 5s, 3m or 1h")
        }
        return seconds
    }

    /// Seconds in a Go-style duration (`1h30m`, `5s`, `250ms`); `nil` when malformed.
    public static func parseDuration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let number = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += number * scale
        }
        return total
    }
}

extension ApplicationDestination {
    /// Reads a destination as in an Application's `spec.destination` (missing fields are empty).
    public init(json: JSONValue) {
        self.init(
            name: json["name"]?.stringValue ?? "", server: json["server"]?.stringValue ?? "",
            namespace: json["namespace"]?.stringValue ?? "")
    }

    /// The destination as in an Application's `spec.destination`, without its empty fields.
    public var json: JSONValue {
        var object = JSONObject()
        for (key, value) in [("name", name), ("server", server), ("namespace", namespace)] where !value.isEmpty {
            object[key] = .string(value)
        }
        return .object(object)
    }
}
