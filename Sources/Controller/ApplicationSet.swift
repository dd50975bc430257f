internal import Foundation
public import MoorCore

/// A `moor.dev/v1alpha1` `ApplicationSet`: generators that each yield sets of parameters, and a
/// template that becomes one ``Application`` per parameter set. Field names follow Argo CD's
/// (`spec.generators[].list.elements`, `spec.generators[].git.directories`, `spec.template`,
/// `spec.syncPolicy.preserveResourcesOnDeletion`); `argoproj.io/v1alpha1` is read as well.
///
/// Pure: generating from fetched directories (``applications(directories:)``) needs no I/O.
public struct ApplicationSet: Sendable, Hashable {
    /// The `kind` of an ApplicationSet manifest.
    public static let kind = Application.applicationSetKind

    /// One source of parameter sets.
    public enum Generator: Sendable, Hashable {
        /// One parameter set per element; an element's keys are its parameters (nested objects as
        /// `key.inner`).
        case list(elements: [JSONObject])
        /// One parameter set per directory of the repository at `revision` matching the patterns.
        case gitDirectories(repoURL: String, revision: String, directories: [DirectoryPattern])
    }

    /// A `git.directories` entry: a glob over directory paths, or, with `exclude`, paths to drop.
    public struct DirectoryPattern: Sendable, Hashable {
        /// The glob (Go's `path.Match`: `*` and `?` never match `/`; `[a-z]`, `[^a]`, `\` escapes).
        public var path: String
        /// Whether matching directories are removed from the others' matches.
        public var exclude: Bool

        /// Creates a pattern.
        public init(path: String, exclude: Bool = false) {
            self.path = path
            self.exclude = exclude
        }
    }

    /// The set's name.
    public var name: String
    /// The generators, in order.
    public var generators: [Generator]
    /// The `spec.template`: `metadata` and `spec` of an Application, with `{{parameter}}` placeholders.
    public var template: JSONValue
    /// Whether the objects of an application the set no longer generates stay in the cluster.
    public var preserveResourcesOnDeletion: Bool

    /// Creates a set.
    public init(
        name: String, generators: [Generator], template: JSONValue, preserveResourcesOnDeletion: Bool = false
    ) {
        self.name = name
        self.generators = generators
        self.template = template
        self.preserveResourcesOnDeletion = preserveResourcesOnDeletion
    }

    /// Reads an ApplicationSet manifest. Throws ``ApplicationError`` naming the wrong field.
    public init(manifest: JSONValue) throws(ApplicationError) {
        let apiVersion = manifest["apiVersion"]?.stringValue ?? ""
        guard apiVersion == Application.apiVersion || apiVersion == "argoproj.io/v1alpha1",
            manifest["kind"]?.stringValue == Self.kind
        else {
            throw ApplicationError(
                "expected apiVersion \(Application.apiVersion) and kind ApplicationSet, got \(apiVersion) "
                    + (manifest["kind"]?.stringValue ?? "(no kind)"))
        }
        guard let name = manifest[path: "metadata", "name"]?.stringValue, !name.isEmpty else {
            throw ApplicationError("the ApplicationSet has no metadata.name")
        }
        guard let entries = manifest[path: "spec", "generators"]?.arrayValue, !entries.isEmpty else {
            throw ApplicationError("ApplicationSet \(name): spec.generators needs at least one generator")
        }
        var generators: [Generator] = []
        for (index, entry) in entries.enumerated() {
            generators.append(try Self.generator(entry, at: "ApplicationSet \(name): spec.generators[\(index)]"))
        }
        guard let template = manifest[path: "spec", "template"], template["spec"]?.objectValue != nil else {
            throw ApplicationError("ApplicationSet \(name): spec.template.spec is required")
        }
        self.init(
            name: name, generators: generators, template: template,
            preserveResourcesOnDeletion: manifest[path: "spec", "syncPolicy", "preserveResourcesOnDeletion"]?
                .boolValue ?? false)
    }

    private static func generator(_ entry: JSONValue, at place: String) throws(ApplicationError) -> Generator {
        if let list = entry["list"] {
            guard let elements = list["elements"]?.arrayValue else {
                throw ApplicationError("\(place).list.elements must be a list")
            }
            var objects: [JSONObject] = []
            for (index, element) in elements.enumerated() {
                guard let object = element.objectValue else {
                    throw ApplicationError("\(place).list.elements[\(index)] must be a mapping of parameters")
                }
                objects.append(object)
            }
            return .list(elements: objects)
        }
        if let git = entry["git"] {
            guard let repoURL = git["repoURL"]?.stringValue, !repoURL.isEmpty else {
                throw ApplicationError("\(place).git.repoURL is required")
            }
            guard let directories = git["directories"]?.arrayValue, !directories.isEmpty else {
                throw ApplicationError("\(place).git.directories needs at least one {path: GLOB}")
            }
            var patterns: [DirectoryPattern] = []
            for (index, directory) in directories.enumerated() {
                guard let path = directory["path"]?.stringValue, !path.isEmpty else {
                    throw ApplicationError("\(place).git.directories[\(index)].path is required")
                }
                patterns.append(DirectoryPattern(path: path, exclude: directory["exclude"]?.boolValue ?? false))
            }
            return .gitDirectories(
                repoURL: repoURL, revision: git["revision"]?.stringValue ?? "HEAD", directories: patterns)
        }
        let kinds = entry.objectValue?.keys.joined(separator: ", ") ?? "nothing"
        throw ApplicationError("\(place): unsupported generator (\(kinds)); Moor supports list and git directories")
    }

    /// The applications the set generates, given the directories of each Git-directories generator's
    /// commit (`directories[i]` for `generators[i]`: every directory path of the tree, relative, `/`
    /// separated; ignored for list generators). Every placeholder `{{name}}` in the template's strings
    /// and keys is replaced by the parameter's value.
    ///
    /// Throws ``ApplicationError`` for a placeholder no parameter fills, a generated manifest that is
    /// not a valid Application, or two parameter sets that generate the same application name.
    public func applications(directories: [Int: [String]] = [:]) throws(ApplicationError) -> [Application] {
        var generated: [Application] = []
        var origins: [String: String] = [:]
        for (index, generator) in generators.enumerated() {
            for parameters in Self.parameterSets(generator, directories: directories[index] ?? []) {
                let origin = "spec.generators[\(index)] \(parameters.origin)"
                let application = try application(parameters.values, origin: origin)
                if let earlier = origins.updateValue(origin, forKey: application.name) {
                    throw ApplicationError(
                        "ApplicationSet \(name): \(earlier) and \(origin) both generate application "
                            + "\(application.name); make the template's metadata.name unique")
                }
                generated.append(application)
            }
        }
        return generated
    }

    /// The parameters of one generated application and where they came from (for errors).
    struct ParameterSet {
        var values: [String: String]
        var origin: String
    }

    /// The parameter sets `generator` yields; `directories` are its commit's, for a Git-directories one.
    static func parameterSets(_ generator: Generator, directories: [String]) -> [ParameterSet] {
        switch generator {
        case .list(let elements):
            return elements.enumerated().map { index, element in
                var values: [String: String] = [:]
                flatten(.object(element), prefix: "", into: &values)
                return ParameterSet(values: values, origin: "list element \(index)")
            }
        case .gitDirectories(_, _, let patterns):
            return matching(directories, patterns).map { path in
                ParameterSet(values: directoryParameters(path), origin: "directory \(path)")
            }
        }
    }

    /// Flattens scalars into `values`, nested objects as `outer.inner`.
    private static func flatten(_ value: JSONValue, prefix: String, into values: inout [String: String]) {
        switch value {
        case .object(let object):
            for (key, inner) in object {
                flatten(inner, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &values)
            }
        case .string(let text): values[prefix] = text
        case .int(let number): values[prefix] = String(number)
        case .double(let number): values[prefix] = String(number)
        case .bool(let flag): values[prefix] = String(flag)
        case .null: values[prefix] = ""
        case .array: values[prefix] = value.jsonString()
        }
    }

    /// Argo CD's parameters of a directory: `path`, `path.basename`, `path.basenameNormalized` (a
    /// valid Kubernetes name) and `path[i]` for every segment.
    static func directoryParameters(_ path: String) -> [String: String] {
        let segments = path.split(separator: "/").map(String.init)
        let basename = segments.last ?? path
        var values = [
            "path": path, "path.basename": basename,
            "path.basenameNormalized": String(
                basename.lowercased().map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "-" }),
        ]
        for (index, segment) in segments.enumerated() { values["path[\(index)]"] = segment }
        return values
    }

    /// The directories matching any including pattern and no excluding one, sorted.
    static func matching(_ directories: [String], _ patterns: [DirectoryPattern]) -> [String] {
        let includes = patterns.filter { !$0.exclude }.map(\.path)
        let excludes = patterns.filter(\.exclude).map(\.path)
        return directories.filter { directory in
            includes.contains { PathPattern.matches($0, directory) }
                && !excludes.contains { PathPattern.matches($0, directory) }
        }.sorted()
    }

    private func application(_ parameters: [String: String], origin: String) throws(ApplicationError) -> Application {
        let place = "ApplicationSet \(name): \(origin)"
        let manifest: JSONValue = [
            "apiVersion": .string(Application.apiVersion), "kind": .string(Application.kind),
            "metadata": try Self.substitute(template["metadata"] ?? .emptyObject, parameters, at: place),
            "spec": try Self.substitute(template["spec"] ?? .emptyObject, parameters, at: place),
        ]
        do {
            return try Application(manifest: manifest)
        } catch {
            throw ApplicationError("\(place): \(error.message)")
        }
    }

    /// `value` with every `{{ name }}` in its strings and keys replaced by `parameters[name]`.
    static func substitute(
        _ value: JSONValue, _ parameters: [String: String], at place: String
    ) throws(ApplicationError) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(try substitute(text, parameters, at: place))
        case .array(let items):
            var result: [JSONValue] = []
            for item in items { result.append(try substitute(item, parameters, at: place)) }
            return .array(result)
        case .object(let object):
            var result = JSONObject()
            for (key, item) in object {
                result[try substitute(key, parameters, at: place)] = try substitute(item, parameters, at: place)
            }
            return .object(result)
        case .null, .bool, .int, .double:
            return value
        }
    }

    /// `text` with every `{{ name }}` replaced by `parameters[name]`.
    static func substitute(_ text: String, _ parameters: [String: String], at place: String) throws(ApplicationError)
        -> String
    {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = parameters[key] else {
                throw ApplicationError(
                    "\(place): the template uses {{\(key)}}, which is not a parameter; known: "
                        + parameters.keys.sorted().joined(separator: ", "))
            }
            result += rest[..<open.lowerBound] + value
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}

/// Go's `path.Match` (what Argo CD's Git-directories generator uses): `*` matches any run of
/// characters except `/`, `?` one character except `/`, `[abc]`, `[a-z]`, `[^a]` one character of
/// (or not of) a set, `\` makes the next character literal. The whole path must match.
enum PathPattern {
    /// Whether the whole of `path` matches `pattern`; a malformed pattern matches nothing.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        match(Array(pattern)[...], Array(path)[...])
    }

    private static func match(_ pattern: ArraySlice<Character>, _ text: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        let rest = pattern.dropFirst()
        switch first {
        case "*":
            var remaining = text
            while true {
                if match(rest, remaining) { return true }
                guard let next = remaining.first, next != "/" else { return false }
                remaining = remaining.dropFirst()
            }
        case "?":
            guard let next = text.first, next != "/" else { return false }
            return match(rest, text.dropFirst())
        case "[":
            guard let next = text.first, next != "/", let (matched, after) = characterClass(rest, next) else {
                return false
            }
            return matched && match(after, text.dropFirst())
        case "\\":
            guard let literal = rest.first else { return false }
            return text.first == literal && match(rest.dropFirst(), text.dropFirst())
        default:
            return text.first == first && match(rest, text.dropFirst())
        }
    }

    /// Whether `character` is in the class that starts `pattern` (just after `[`), and the pattern
    /// after the class; `nil` for an unterminated class.
    private static func characterClass(
        _ pattern: ArraySlice<Character>, _ character: Character
    ) -> (Bool, ArraySlice<Character>)? {
        var rest = pattern
        let negated = rest.first == "^"
        if negated { rest = rest.dropFirst() }
        var found = false
        var first = true
        while let low = rest.first, low != "]" || first {
            first = false
            rest = rest.dropFirst()
            var high = low
            if rest.first == "-", rest.dropFirst().first.map({ $0 != "]" }) == true {
                high = rest.dropFirst().first ?? low
                rest = rest.dropFirst(2)
            }
            if low <= character && character <= high { found = true }
        }
        guard rest.first == "]" else { return nil }
        return (found != negated, rest.dropFirst())
    }
}
