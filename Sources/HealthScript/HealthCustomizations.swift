internal import Foundation
internal import MoorCore
internal import MoorYAML

/// The Lua health checks configured for a Moor instance, read from the `data` of a `moor-cm` or
/// `argocd-cm` ConfigMap (both are read the same way) or from a file.
///
/// Two spellings are read, as in Argo CD:
/// - one key per kind, `resource.customizations.health.<group>_<kind>`, whose value is the script
///   (`_<kind>` for the core group, e.g. `resource.customizations.health._Pod`); wildcards are not allowed
///   here, as Kubernetes does not allow `*` in ConfigMap keys. `resource.customizations.useOpenLibs.<group>_<kind>`
///   set to `true` lets that kind's script use the `string` and `math` libraries.
/// - the older `resource.customizations` key, whose value is YAML: a mapping from `<group>/<kind>` (just
///   `<kind>` for the core group) to a mapping with `health.lua` (the script) and optionally `useOpenLibs`.
///   Here group and kind may contain `*` wildcards (see ``GroupKindPattern``). Entries without `health.lua`
///   (ones that only set other customizations) are skipped.
///
/// Every other key is ignored. When both spellings name the same group and kind, the per-kind key wins.
/// A key or entry that cannot be read is left out and reported in ``problems``; the others still apply.
public struct HealthCustomizations: Sendable, Hashable {
    /// The customizations, in precedence order (see ``GroupKindPattern/<(_:_:)``).
    public let rules: [HealthCustomization]
    /// The keys and entries that were left out, and why.
    public let problems: [HealthCustomizationError]

    /// No customizations.
    public init() {
        rules = []
        problems = []
    }

    /// Reads the customizations from a ConfigMap's `data`.
    public init(configMapData data: [String: String]) {
        var problems: [HealthCustomizationError] = []
        var rules: [GroupKindPattern: HealthCustomization] = [:]
        if let blob = data[Self.blobKey] {
            for rule in Self.blobRules(blob, problems: &problems) { rules[rule.pattern] = rule }
        }
        for key in data.keys.sorted() where key.hasPrefix(Self.openLibsPrefix) {
            do throws(HealthCustomizationError) {
                let pattern = try Self.pattern(perKindKey: key, prefix: Self.openLibsPrefix)
                let useOpenLibs = try Self.bool(data[key] ?? "", key: key)
                if let rule = rules[pattern] {
                    rules[pattern] = HealthCustomization(
                        pattern: pattern, script: rule.script, useOpenLibs: useOpenLibs, key: rule.key)
                }
            } catch {
                problems.append(error)
            }
        }
        for key in data.keys.sorted() where key.hasPrefix(Self.healthPrefix) {
            do throws(HealthCustomizationError) {
                let pattern = try Self.pattern(perKindKey: key, prefix: Self.healthPrefix)
                let openLibsKey = Self.openLibsPrefix + key.dropFirst(Self.healthPrefix.count)
                let useOpenLibs = (try? Self.bool(data[openLibsKey] ?? "false", key: openLibsKey)) ?? false
                rules[pattern] = HealthCustomization(
                    pattern: pattern, script: data[key] ?? "", useOpenLibs: useOpenLibs, key: key)
            } catch {
                problems.append(error)
            }
        }
        self.rules = rules.values.sorted { $0.pattern < $1.pattern }
        self.problems = problems
    }

    /// Reads the customizations of the two ConfigMaps Moor looks at: `moor-cm` and Argo CD's `argocd-cm`, both
    /// read as ``init(configMapData:)`` reads one. Where both hold a key, `moor-cm`'s value wins (per key: a
    /// `resource.customizations` blob in `moor-cm` replaces the whole blob of `argocd-cm`, and a per-kind key
    /// replaces the same key only), so a Moor-specific override needs no edit of the Argo CD configuration.
    public init(moorConfigMap moor: [String: String], argoConfigMap argo: [String: String]) {
        self.init(configMapData: argo.merging(moor) { _, moorValue in moorValue })
    }

    /// Reads customizations from YAML: either a whole ConfigMap manifest (its `data` is read) or a mapping
    /// of the same keys and values as a ConfigMap's `data`, e.g.
    ///
    ///     resource.customizations.health.cert-manager.io_Certificate: |
    ///       ...
    ///
    /// Booleans and numbers are read as their text, as Kubernetes would after quoting.
    ///
    /// - Throws: ``HealthCustomizationError/Code/malformedYAML`` when the text is not one YAML document,
    ///   ``HealthCustomizationError/Code/invalidValue`` when it is not a mapping. Problems with single keys
    ///   are reported in ``problems`` instead.
    public init(yaml: String, source: String = "customization file") throws(HealthCustomizationError) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(yaml)
        } catch {
            throw HealthCustomizationError(.malformedYAML, key: source, "not YAML (\(error)); fix the syntax")
        }
        guard documents.count == 1, var mapping = documents[0].value.objectValue else {
            throw HealthCustomizationError(
                .invalidValue, key: source,
                "expected one YAML document: a ConfigMap, or a mapping of resource.customizations keys to values")
        }
        if mapping["kind"]?.stringValue == "ConfigMap" {
            mapping = mapping["data"]?.objectValue ?? JSONObject()
        }
        var data: [String: String] = [:]
        var problems: [HealthCustomizationError] = []
        for (key, value) in mapping {
            switch value {
            case .string(let text): data[key] = text
            case .bool(let flag): data[key] = flag ? "true" : "false"
            case .int(let number): data[key] = String(number)
            default:
                problems.append(HealthCustomizationError(.invalidValue, key: key, "the value must be a string"))
            }
        }
        let read = HealthCustomizations(configMapData: data)
        self.rules = read.rules
        self.problems = problems + read.problems
    }

    /// Reads customizations from a file in the format of ``init(yaml:source:)``.
    ///
    /// - Throws: ``HealthCustomizationError/Code/unreadableFile`` when the file cannot be read as UTF-8,
    ///   and the errors of ``init(yaml:source:)``.
    public init(contentsOfFile path: String) throws(HealthCustomizationError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw HealthCustomizationError(
                .unreadableFile, key: path, "cannot be read as UTF-8 text; check the path and its permissions")
        }
        try self.init(yaml: text, source: path)
    }

    /// The customization for an object of `group` and `kind`: the first rule in precedence order whose
    /// pattern matches; `nil` when none does.
    public func rule(group: String, kind: String) -> HealthCustomization? {
        rules.first { $0.pattern.matches(group: group, kind: kind) }
    }

    /// The key holding the YAML mapping of customizations.
    static let blobKey = "resource.customizations"
    /// The prefix of the per-kind script keys.
    static let healthPrefix = "resource.customizations.health."
    /// The prefix of the per-kind `useOpenLibs` keys.
    static let openLibsPrefix = "resource.customizations.useOpenLibs."

    /// The rules of a `resource.customizations` value; entries that cannot be read go to `problems`.
    private static func blobRules(_ blob: String, problems: inout [HealthCustomizationError]) -> [HealthCustomization] {
        let value: JSONValue
        do {
            value = try YAMLReader.value(blob)
        } catch {
            problems.append(
                HealthCustomizationError(.malformedYAML, key: blobKey, "not YAML (\(error)); fix the syntax"))
            return []
        }
        if value.isNull { return [] }
        guard let entries = value.objectValue else {
            problems.append(
                HealthCustomizationError(.invalidValue, key: blobKey, "must be a mapping of <group>/<kind> to settings")
            )
            return []
        }
        var rules: [HealthCustomization] = []
        for (name, settings) in entries {
            let key = "\(blobKey): \(name)"
            do throws(HealthCustomizationError) {
                let pattern = try Self.pattern(blobKey: name, key: key)
                guard let settings = settings.objectValue else {
                    throw HealthCustomizationError(.invalidValue, key: key, "must be a mapping with health.lua")
                }
                guard let scriptValue = settings["health.lua"] else { continue }
                guard let script = scriptValue.stringValue else {
                    throw HealthCustomizationError(.invalidValue, key: key, "health.lua must be a string (the script)")
                }
                let useOpenLibs: Bool
                switch settings["useOpenLibs"] {
                case nil, .null: useOpenLibs = false
                case .bool(let flag): useOpenLibs = flag
                case .string(let text): useOpenLibs = try bool(text, key: key)
                default:
                    throw HealthCustomizationError(.invalidValue, key: key, "useOpenLibs must be true or false")
                }
                rules.append(HealthCustomization(pattern: pattern, script: script, useOpenLibs: useOpenLibs, key: key))
            } catch {
                problems.append(error)
            }
        }
        return rules
    }

    /// The pattern of a `<group>/<kind>` entry of `resource.customizations`; `*` is allowed in both parts.
    private static func pattern(blobKey name: String, key: String) throws(HealthCustomizationError) -> GroupKindPattern
    {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        let (group, kind) = parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("", name)
        guard parts.count <= 2, isName(group, wildcards: true, dots: true), !kind.isEmpty,
            isName(kind, wildcards: true, dots: false)
        else {
            throw HealthCustomizationError(
                .malformedKey, key: key,
                "must be <group>/<kind>, or <kind> for the core group, e.g. cert-manager.io/Certificate or "
                    + "\"*.crossplane.io/*\"")
        }
        return GroupKindPattern(group: group, kind: kind)
    }

    /// The pattern of a `<prefix><group>_<kind>` key; wildcards are refused.
    private static func pattern(perKindKey key: String, prefix: String) throws(HealthCustomizationError)
        -> GroupKindPattern
    {
        let parts = key.dropFirst(prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, isName(parts[0], wildcards: false, dots: true), !parts[1].isEmpty,
            isName(parts[1], wildcards: false, dots: false)
        else {
            throw HealthCustomizationError(
                .malformedKey, key: key,
                "must be \(prefix)<group>_<kind>, e.g. \(prefix)cert-manager.io_Certificate, or \(prefix)_<kind> "
                    + "for the core group; for wildcards use an entry of the resource.customizations key")
        }
        return GroupKindPattern(group: String(parts[0]), kind: String(parts[1]))
    }

    /// Whether `name` has only letters, digits, `-` and, where allowed, `.` and `*`.
    private static func isName(_ name: Substring, wildcards: Bool, dots: Bool) -> Bool {
        name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-": true
            case ".": dots
            case "*": wildcards
            default: false
            }
        }
    }

    /// ``isName(_:wildcards:dots:)`` for a string.
    private static func isName(_ name: String, wildcards: Bool, dots: Bool) -> Bool {
        isName(Substring(name), wildcards: wildcards, dots: dots)
    }

    /// A boolean as Argo CD reads one (`true`, `True`, `TRUE`, `t`, `1` and their `false` twins).
    private static func bool(_ text: String, key: String) throws(HealthCustomizationError) -> Bool {
        switch text.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "true", "True", "TRUE", "t", "T", "1": return true
        case "false", "False", "FALSE", "f", "F", "0": return false
        default: throw HealthCustomizationError(.invalidValue, key: key, "must be true or false")
        }
    }
}
