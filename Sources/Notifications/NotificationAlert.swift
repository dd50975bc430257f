public import MoorCore

/// Which events go to which provider: a `moor.dev/v1alpha1` `Alert`, modelled on Flux's
/// `notification.toolkit.fluxcd.io/v1beta3` Alert (`spec.providerRef.name`, `spec.eventSeverity`,
/// `spec.eventSources`, `spec.inclusionList`, `spec.exclusionList`, `spec.suspend`), plus `spec.events`:
/// the Moor event kinds to send (when absent, all but `Previewed` and `PreviewFailed`).
public struct NotificationAlert: Sendable, Hashable {
    /// The kind of the resource.
    public static let kind = "Alert"

    /// Applications whose events an Alert receives: kind `Application`, a name glob (`*` for all), and
    /// optionally a namespace and labels the application's resource must carry.
    public struct EventSource: Sendable, Hashable {
        /// The name pattern (Flux: `*` for every object; Moor also takes any glob, e.g. `shop-*`).
        public var name: String
        /// The namespace of the Application resource; empty for the Alert's own namespace or, for an
        /// Alert from a file, any.
        public var namespace: String
        /// Labels the application must carry, every one of them.
        public var matchLabels: [String: String]

        /// Creates a source.
        public init(name: String = "*", namespace: String = "", matchLabels: [String: String] = [:]) {
            self.name = name
            self.namespace = namespace
            self.matchLabels = matchLabels
        }
    }

    /// The resource's name.
    public var name: String
    /// The resource's namespace.
    public var namespace: String
    /// The Provider (in the same namespace) the events go to.
    public var providerName: String
    /// `info` for every event, `error` for failures only.
    public var eventSeverity: NotificationSeverity
    /// The applications whose events it receives (at least one).
    public var eventSources: [EventSource]
    /// The kinds of event it receives; empty for all but the previews'.
    public var events: Set<NotificationEventKind>
    /// Regular expressions of which the message must match one (none: every message).
    public var inclusionList: [String]
    /// Regular expressions of which the message must match none.
    public var exclusionList: [String]
    /// Whether it is suspended.
    public var suspend: Bool

    /// Creates an alert.
    public init(
        name: String, namespace: String = "", providerName: String, eventSeverity: NotificationSeverity = .info,
        eventSources: [EventSource], events: Set<NotificationEventKind> = [], inclusionList: [String] = [],
        exclusionList: [String] = [], suspend: Bool = false
    ) {
        self.name = name
        self.namespace = namespace
        self.providerName = providerName
        self.eventSeverity = eventSeverity
        self.eventSources = eventSources
        self.events = events
        self.inclusionList = inclusionList
        self.exclusionList = exclusionList
        self.suspend = suspend
    }

    /// Reads a `moor.dev/v1alpha1` Alert manifest. Throws a ``NotificationConfigurationError`` for another
    /// kind, a missing name or `spec.providerRef.name`, an unknown `eventSeverity` or event kind, no
    /// `eventSources`, a source of another kind than `Application` or with a name glob that does not parse,
    /// and an inclusion or exclusion pattern that is not a regular expression.
    public init(manifest: JSONValue) throws(NotificationConfigurationError) {
        let reader = try ManifestReader(manifest, kind: Self.kind)
        let provider = reader.spec[path: "providerRef", "name"]?.stringValue ?? ""
        guard !provider.isEmpty else { throw reader.error("spec.providerRef.name is missing: name a Provider") }
        let severityName = reader.spec["eventSeverity"]?.stringValue ?? NotificationSeverity.info.rawValue
        guard let severity = NotificationSeverity(rawValue: severityName) else {
            throw reader.error("spec.eventSeverity \"\(severityName)\" is not known: use info or error")
        }
        let sources = try (reader.spec["eventSources"]?.arrayValue ?? []).enumerated().map {
            index, entry throws(NotificationConfigurationError) in
            try Self.eventSource(entry, at: "spec.eventSources[\(index)]", reader: reader)
        }
        guard !sources.isEmpty else {
            throw reader.error("spec.eventSources is empty: add {kind: Application, name: \"*\"} for every application")
        }
        var kinds: Set<NotificationEventKind> = []
        for (index, entry) in (reader.spec["events"]?.arrayValue ?? []).enumerated() {
            guard let kind = entry.stringValue.flatMap(NotificationEventKind.init(rawValue:)) else {
                let known = NotificationEventKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.error("spec.events[\(index)] is not an event kind: use one of \(known)")
            }
            kinds.insert(kind)
        }
        self.init(
            name: reader.name, namespace: reader.namespace, providerName: provider, eventSeverity: severity,
            eventSources: sources, events: kinds,
            inclusionList: try Self.patterns(reader, "inclusionList"),
            exclusionList: try Self.patterns(reader, "exclusionList"),
            suspend: reader.spec["suspend"]?.boolValue ?? false)
    }

    private static func eventSource(_ entry: JSONValue, at field: String, reader: ManifestReader)
        throws(NotificationConfigurationError) -> EventSource
    {
        let kind = entry["kind"]?.stringValue ?? ""
        guard kind == Application.kind else {
            throw reader.error("\(field).kind must be Application (Moor sends events about applications only)")
        }
        let name = entry["name"]?.stringValue ?? "*"
        do {
            _ = try Glob(name)
        } catch {
            throw reader.error("\(field).name \"\(name)\" is not a valid glob: \(error)")
        }
        var labels: [String: String] = [:]
        for (key, value) in entry["matchLabels"]?.objectValue ?? JSONObject() {
            guard let value = value.stringValue else {
                throw reader.error("\(field).matchLabels.\(key) must be a string")
            }
            labels[key] = value
        }
        return EventSource(name: name, namespace: entry["namespace"]?.stringValue ?? "", matchLabels: labels)
    }

    private static func patterns(_ reader: ManifestReader, _ field: String) throws(NotificationConfigurationError)
        -> [String]
    {
        try (reader.spec[field]?.arrayValue ?? []).enumerated().map {
            index, entry throws(NotificationConfigurationError) in
            guard let pattern = entry.stringValue, (try? Regex(pattern)) != nil else {
                throw reader.error("spec.\(field)[\(index)] is not a regular expression")
            }
            return pattern
        }
    }
}
