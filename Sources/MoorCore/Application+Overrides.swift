/// Fields given on the command line on top of an Application manifest
/// (`moor sync -f app.yaml --revision v2 --helm-set image.tag=2`).
///
/// Each given field overrides the manifest's: scalars and plain lists are replaced, `source`
/// sections (`directory`, `kustomize`, `helm`) are merged key by key, and lists of named entries
/// (`helm.parameters`, jsonnet `extVars` and `tlas`) are merged by name, a flag's entry replacing
/// the manifest's entry of that name; `syncOptions` are applied on top of the manifest's.
public struct ApplicationOverrides: Sendable, Hashable {
    /// `source.targetRevision`.
    public var targetRevision: String?
    /// `source.path`.
    public var path: String?
    /// `destination.namespace`.
    public var destinationNamespace: String?
    /// Entries of `syncPolicy.syncOptions`.
    public var syncOptions: [String]
    /// `source` sections set by renderer flags (`directory`, `kustomize`, `helm`).
    public var source: JSONValue

    /// Creates overrides; `nil` and empty values override nothing.
    public init(
        targetRevision: String? = nil, path: String? = nil, destinationNamespace: String? = nil,
        syncOptions: [String] = [], source: JSONValue = .emptyObject
    ) {
        self.targetRevision = targetRevision
        self.path = path
        self.destinationNamespace = destinationNamespace
        self.syncOptions = syncOptions
        self.source = source
    }
}

extension Application {
    /// This application with `overrides` applied, and the fields they set, as dotted paths from
    /// `spec` (`source.targetRevision`, `source.helm.parameters`, `syncPolicy.syncOptions`), in a
    /// fixed order. Throws naming unknown sync options; then nothing is overridden.
    public func overridden(by overrides: ApplicationOverrides) throws(ApplicationError) -> (Application, [String]) {
        var result = self
        var fields: [String] = []
        var source = spec.source.options.objectValue != nil ? spec.source.options : .emptyObject
        if let revision = overrides.targetRevision {
            result.spec.source.targetRevision = revision
            source["targetRevision"] = .string(revision)
            fields.append("source.targetRevision")
        }
        if let path = overrides.path {
            result.spec.source.path = path
            source["path"] = .string(path)
            fields.append("source.path")
        }
        for (section, value) in overrides.source.objectValue ?? JSONObject() {
            source[section] = Self.merge(value, into: source[section])
            fields += Self.leafPaths(value, under: "source.\(section)")
        }
        result.spec.source.options = source
        if let namespace = overrides.destinationNamespace {
            result.spec.destination.namespace = namespace
            fields.append("destination.namespace")
        }
        if !overrides.syncOptions.isEmpty {
            let unknown = result.spec.syncPolicy.syncOptions.apply(overrides.syncOptions)
            guard unknown.isEmpty else {
                throw ApplicationError(
                    "unknown sync options: \(unknown.joined(separator: ", ")); known: \(SyncOptions.known)")
            }
            fields.append("syncPolicy.syncOptions")
        }
        return (result, fields)
    }

    /// `value` merged into `base`: objects key by key, lists of `{name, …}` entries by name, anything
    /// else replaced by `value`.
    private static func merge(_ value: JSONValue, into base: JSONValue?) -> JSONValue {
        if let fields = value.objectValue, let existing = base?.objectValue {
            var merged = existing
            for (key, child) in fields { merged[key] = merge(child, into: existing[key]) }
            return .object(merged)
        }
        if let entries = value.arrayValue, let existing = base?.arrayValue, isNamedList(entries),
            isNamedList(existing)
        {
            let given = Set(entries.compactMap { $0["name"]?.stringValue })
            return .array(existing.filter { !given.contains($0["name"]?.stringValue ?? "") } + entries)
        }
        return value
    }

    private static func isNamedList(_ entries: [JSONValue]) -> Bool {
        entries.allSatisfy { $0["name"]?.stringValue != nil }
    }

    /// The dotted paths of the fields `value` sets: an object's keys recursively, anything else itself.
    private static func leafPaths(_ value: JSONValue, under path: String) -> [String] {
        guard let fields = value.objectValue else { return [path] }
        return fields.flatMap { leafPaths($0.value, under: "\(path).\($0.key)") }
    }
}

/// The rules for an application name given on the command line (`--name`).
public enum ApplicationName {
    /// Checks `name`: it becomes the first part of every tracking id (`<app>:<group>/<kind>:…`) and
    /// may become a resource name, so it must be a lowercase DNS name: at most 253 characters of
    /// `a-z`, `0-9`, `-` and `.`, starting and ending with a letter or digit.
    public static func validate(_ name: String) throws(ApplicationError) {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "."
        }
        let edgesOK = [name.first, name.last].allSatisfy { $0?.isLetter == true || $0?.isNumber == true }
        guard !name.isEmpty, name.count <= 253, allowed, edgesOK else {
            throw ApplicationError(
                "application name \"\(name.prefix(64))\" is not valid: use lowercase letters, digits, '-' and '.', "
                    + "starting and ending with a letter or digit, at most 253 characters")
        }
    }
}
