import MoorCore
import MoorYAML

/// The user-supplied values of a Helm render, combined as `helm template -f … --set …` does; the
/// chart's own `values.yaml` is merged under them by Helm.
enum HelmValues {
    /// The highest list index a parameter may set, as in Helm (`a[65537]` is refused).
    static let maxIndex = 65_536

    /// Reads the values files (confined to the checkout, relative to `chart`), the inline values
    /// and the parameters of `options`, and combines them in that order.
    /// `$NAME/path` entries of `helm.valueFiles` read `path` from the root of the checkout
    /// `references[NAME]` (a multi-source application's `ref` source), confined to that checkout.
    static func combined(
        _ options: HelmOptions, chart: ConfinedPath, root: SourceRoot, references: [String: String] = [:]
    ) throws(RenderError) -> JSONObject {
        var values = JSONObject()
        for path in options.valueFiles {
            if path.contains("://") {
                throw RenderError(
                    .invalidOptions,
                    "helm.valueFiles entry \(quoted(path)) is not supported: values files must be paths in the "
                        + "application's repository, or $REF/path in a ref source's")
            }
            let (file, text) = try read(path, chart: chart, root: root, references: references)
            let document: JSONValue
            do {
                document = try YAMLReader.value(text)
            } catch {
                throw RenderError(.invalidSyntax, at: file.location(line: error.line), "invalid YAML: \(error.reason)")
            }
            values = merge(values, try mapping(document, at: file.location(line: 1), what: "a values file"))
        }
        if let text = options.values {
            let document: JSONValue
            do {
                document = try YAMLReader.value(text)
            } catch {
                throw RenderError(.invalidOptions, "helm.values is not valid YAML: \(error)")
            }
            values = merge(values, try mapping(document, at: nil, what: "helm.values"))
        }
        if let object = options.valuesObject {
            values = merge(values, try mapping(object, at: nil, what: "helm.valuesObject"))
        }
        var tree = JSONValue.object(values)
        for parameter in options.parameters { try set(parameter, in: &tree) }
        return tree.objectValue ?? JSONObject()
    }

    /// The values file `path`: relative to `chart` in `root`, or `$NAME/…` in reference `NAME`.
    private static func read(
        _ path: String, chart: ConfinedPath, root: SourceRoot, references: [String: String]
    ) throws(RenderError) -> (ConfinedPath, String) {
        guard path.hasPrefix("$") else {
            let file = try root.resolve(path, from: chart, what: "values file")
            return (file, try root.readText(file, what: "values file"))
        }
        let name = String(path.dropFirst().prefix { $0 != "/" })
        guard let directory = references[name] else {
            let known = references.keys.sorted().map { "$" + $0 }.joined(separator: ", ")
            throw RenderError(
                .invalidOptions,
                "helm.valueFiles entry \(quoted(path)) names ref \(quoted(name)), which no source of the application "
                    + "sets" + (known.isEmpty ? "" : " (refs: \(known))"))
        }
        let reference = try SourceRoot(directory, maxFileSize: root.maxFileSize)
        let file = try reference.resolve(String(path.dropFirst(name.count + 1).drop { $0 == "/" }), what: "values file")
        return (file, try reference.readText(file, what: "values file"))
    }

    /// `overrides` merged into `base`: mappings merge key by key, anything else is replaced.
    static func merge(_ base: JSONObject, _ overrides: JSONObject) -> JSONObject {
        var result = base
        for (key, value) in overrides {
            if let inner = value.objectValue, let existing = result[key]?.objectValue {
                result[key] = .object(merge(existing, inner))
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// Applies one `--set name=value` to `tree`.
    static func set(_ parameter: HelmParameter, in tree: inout JSONValue) throws(RenderError) {
        let path = try self.path(parameter.name)
        let value = self.value(parameter.value, forceString: parameter.forceString)
        assign(value, at: path[...], in: &tree)
    }

    private enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    /// Splits `a.b[0].c` into steps; `\` makes the next character literal.
    private static func path(_ name: String) throws(RenderError) -> [Step] {
        func invalid(_ reason: String) -> RenderError {
            RenderError(.invalidOptions, "helm parameter name \(quoted(name)) is not valid: \(reason)")
        }
        var steps: [Step] = []
        var key = ""
        var characters = name[...]
        var afterIndex = false
        while let c = characters.popFirst() {
            switch c {
            case "\\":
                guard let next = characters.popFirst() else { throw invalid("it ends with '\\'") }
                key.append(next)
            case ".":
                guard !key.isEmpty || afterIndex else { throw invalid("it has an empty key") }
                if !key.isEmpty { steps.append(.key(key)) }
                key = ""
                afterIndex = false
                continue
            case "[":
                guard !key.isEmpty || afterIndex else { throw invalid("an index must follow a key") }
                if !key.isEmpty { steps.append(.key(key)) }
                key = ""
                let digits = characters.prefix { $0 != "]" }
                characters = characters.dropFirst(digits.count)
                guard characters.popFirst() == "]", let index = Int(digits), index >= 0 else {
                    throw invalid("list indexes are written [0], [1], …")
                }
                guard index <= maxIndex else { throw invalid("index \(index) is larger than \(maxIndex)") }
                steps.append(.index(index))
                afterIndex = true
                continue
            default:
                guard !afterIndex else { throw invalid("expected '.' or '[' after ']'") }
                key.append(c)
            }
        }
        if !key.isEmpty {
            steps.append(.key(key))
        } else if !afterIndex {
            throw invalid("it is empty or ends with '.'")
        }
        return steps
    }

    /// Helm's typing of `--set` values: `{a,b}` is a list, `true`/`false` booleans, `null` null,
    /// integers without a leading zero numbers; anything else (or everything, for `--set-string`)
    /// a string.
    private static func value(_ text: String, forceString: Bool) -> JSONValue {
        if text.hasPrefix("{"), text.hasSuffix("}"), text.count >= 2 {
            let inner = text.dropFirst().dropLast()
            guard !inner.isEmpty else { return .array([]) }
            return .array(
                inner.split(separator: ",", omittingEmptySubsequences: false).map {
                    scalar(String($0), forceString: forceString)
                })
        }
        return scalar(text, forceString: forceString)
    }

    private static func scalar(_ text: String, forceString: Bool) -> JSONValue {
        if forceString { return .string(text) }
        switch text.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        case "0": return .int(0)
        default: break
        }
        if !text.hasPrefix("0"), let number = Int64(text) { return .int(Int(number)) }
        return .string(text)
    }

    private static func assign(_ value: JSONValue, at path: ArraySlice<Step>, in node: inout JSONValue) {
        guard let step = path.first else {
            node = value
            return
        }
        switch step {
        case .key(let key):
            var object = node.objectValue ?? JSONObject()
            var child = object[key] ?? .null
            assign(value, at: path.dropFirst(), in: &child)
            object[key] = child
            node = .object(object)
        case .index(let index):
            var array = node.arrayValue ?? []
            if array.count <= index { array += Array(repeating: .null, count: index + 1 - array.count) }
            assign(value, at: path.dropFirst(), in: &array[index])
            node = .array(array)
        }
    }

    private static func mapping(
        _ value: JSONValue, at location: SourceLocation?, what: String
    ) throws(RenderError) -> JSONObject {
        if value.isNull { return JSONObject() }
        guard let object = value.objectValue else {
            throw RenderError(
                .invalidOptions, at: location, "\(what) must be a YAML mapping, found a \(value.typeName)")
        }
        return object
    }
}
