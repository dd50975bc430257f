public import MoorCore

/// Which rule or script decided an object's health: shown beside the health in `moor status`, the API and
/// the web UI, so a user can tell a built-in judgement from their own Lua check.
///
/// Encoded as an object with a `rule` and, where the rule has one, the detail that names it:
/// `{"rule": "script", "key": "resource.customizations.health.cert-manager.io_Certificate"}`,
/// `{"rule": "kind", "kind": "apps/Deployment"}`, `{"rule": "generic", "field": "status.conditions"}`,
/// `{"rule": "application"}`, `{"rule": "deletion"}`.
public enum HealthSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `metadata.deletionTimestamp` is set: the object is being deleted (progressing), whatever its kind.
    case deletion
    /// The built-in rule of a kind, named `group/kind` (`kind` alone for the core group), e.g. `apps/Deployment`.
    case kindRule(String)
    /// The built-in rule for Applications deployed by an app of apps (`argoproj.io` and `moor.dev`).
    case applicationRule
    /// The generic rule for custom resources, with the field that decided, e.g. `status.conditions`.
    case genericRule(field: String)
    /// A user's Lua health check, with the configuration key it came from.
    case script(key: String)

    /// How people read it: `built-in apps/Deployment`, `generic status.conditions`, `application rule`,
    /// `deletion`, or `script <key>`.
    public var description: String {
        switch self {
        case .deletion: "deletion"
        case .kindRule(let kind): "built-in \(kind)"
        case .applicationRule: "application rule"
        case .genericRule(let field): "generic \(field)"
        case .script(let key): "script \(key)"
        }
    }

    /// The JSON keys.
    private enum CodingKeys: String, CodingKey {
        case rule, kind, field, key
    }

    /// The `rule` values.
    private enum Rule: String, Codable {
        case deletion, kind, application, generic, script
    }

    /// Decodes the form described on the type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Rule.self, forKey: .rule) {
        case .deletion: self = .deletion
        case .kind: self = .kindRule(try container.decode(String.self, forKey: .kind))
        case .application: self = .applicationRule
        case .generic: self = .genericRule(field: try container.decode(String.self, forKey: .field))
        case .script: self = .script(key: try container.decode(String.self, forKey: .key))
        }
    }

    /// Encodes the form described on the type.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(parts.rule, forKey: .rule)
        if let detail = parts.detail { try container.encode(detail.value, forKey: detail.key) }
    }

    /// The form described on the type, as JSON (for status and API answers).
    public var json: JSONValue {
        var json: JSONValue = ["rule": .string(parts.rule.rawValue)]
        if let detail = parts.detail { json[detail.key.rawValue] = .string(detail.value) }
        return json
    }

    /// The `rule`, and the key and value of the detail where the rule has one.
    private var parts: (rule: Rule, detail: (key: CodingKeys, value: String)?) {
        switch self {
        case .deletion: (.deletion, nil)
        case .kindRule(let kind): (.kind, (.kind, kind))
        case .applicationRule: (.application, nil)
        case .genericRule(let field): (.generic, (.field, field))
        case .script(let key): (.script, (.key, key))
        }
    }
}
