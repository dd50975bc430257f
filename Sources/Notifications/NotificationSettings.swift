internal import Foundation
public import MoorCore

/// A Provider with what its Secret holds: where to send and with which token. Its description names the
/// provider only, never the address (a webhook URL is itself a secret) or the token.
public struct ProviderEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The provider.
    public var provider: NotificationProvider
    /// Where to send: the Secret's `address`, else `spec.address`, else the type's public API.
    public var address: String
    /// The Secret's `token` (the HMAC key of `generic-hmac`, the API token of a Git host); empty for none.
    public var token: String

    /// Creates an endpoint.
    public init(provider: NotificationProvider, address: String, token: String = "") {
        self.provider = provider
        self.address = address
        self.token = token
    }

    /// `<type> provider <namespace>/<name>`.
    public var description: String {
        "\(provider.type.rawValue) provider \(NotificationSettings.key(provider.namespace, provider.name))"
    }
}

/// The Providers and Alerts in force, their Secrets read: what ``deliveries(for:)`` matches events against.
public struct NotificationSettings: Sendable {
    /// The providers that can be used, by ``key(_:_:)`` of namespace and name.
    public var providers: [String: ProviderEndpoint]
    /// The alerts.
    public var alerts: [NotificationAlert]
    /// Why each Provider or Alert left out cannot be used (for the log).
    public var problems: [String]

    /// No providers, no alerts: nothing is sent.
    public static let none = NotificationSettings(providers: [:], alerts: [], problems: [])

    /// Creates settings.
    public init(providers: [String: ProviderEndpoint], alerts: [NotificationAlert], problems: [String] = []) {
        self.providers = providers
        self.alerts = alerts
        self.problems = problems
    }

    /// `namespace/name` (just `name` without a namespace).
    public static func key(_ namespace: String, _ name: String) -> String {
        namespace.isEmpty ? name : "\(namespace)/\(name)"
    }

    /// The settings of `providers` and `alerts`, each provider's Secret looked up in `secrets` (the data of
    /// each Secret by ``key(_:_:)``). A provider whose Secret is missing, or that ends up without an address,
    /// or a token where it needs one, is left out with the reason in ``problems``; so is an Alert naming a
    /// Provider that does not exist.
    public init(
        providers: [NotificationProvider], alerts: [NotificationAlert], secrets: [String: [String: String]],
        problems: [String] = []
    ) {
        var endpoints: [String: ProviderEndpoint] = [:]
        var problems = problems
        for provider in providers {
            let key = Self.key(provider.namespace, provider.name)
            var data: [String: String] = [:]
            if !provider.secretName.isEmpty {
                guard let found = secrets[Self.key(provider.namespace, provider.secretName)] else {
                    problems.append(
                        "Provider \(key): the Secret \(provider.secretName) does not exist: create it, or fix "
                            + "spec.secretRef.name")
                    continue
                }
                data = found
            }
            let address =
                data["address"] ?? (provider.address.isEmpty ? provider.type.defaultAddress : provider.address)
            guard let address, URL(string: address)?.scheme != nil else {
                problems.append(
                    "Provider \(key): no valid address: set spec.address or the address key of its Secret to a URL")
                continue
            }
            let token = data["token"] ?? ""
            if token.isEmpty, provider.type.isCommitStatus || provider.type == .genericHMAC {
                problems.append("Provider \(key): its Secret \(provider.secretName) has no token key: add one")
                continue
            }
            endpoints[key] = ProviderEndpoint(provider: provider, address: address, token: token)
        }
        var kept: [NotificationAlert] = []
        for alert in alerts {
            guard endpoints[Self.key(alert.namespace, alert.providerName)] != nil else {
                if !providers.contains(where: { $0.namespace == alert.namespace && $0.name == alert.providerName }) {
                    problems.append(
                        "Alert \(Self.key(alert.namespace, alert.name)): the Provider \(alert.providerName) does not "
                            + "exist: create it, or fix spec.providerRef.name")
                }
                continue
            }
            kept.append(alert)
        }
        self.init(providers: endpoints, alerts: kept, problems: problems)
    }

    /// The settings of a file of manifests (`moor controller --notifications-file`): its `Provider`, `Alert`
    /// and `Secret` documents (`data` base64, or `stringData`); other kinds are ignored. Throws the first
    /// ``NotificationConfigurationError`` of a Provider or Alert that does not parse; an unusable provider
    /// throws too (a file is checked at start, not watched).
    public init(manifests: [JSONValue]) throws(NotificationConfigurationError) {
        var providers: [NotificationProvider] = []
        var alerts: [NotificationAlert] = []
        var secrets: [String: [String: String]] = [:]
        for manifest in manifests {
            switch (manifest["apiVersion"]?.stringValue, manifest["kind"]?.stringValue) {
            case (Application.apiVersion, NotificationProvider.kind):
                providers.append(try NotificationProvider(manifest: manifest))
            case (Application.apiVersion, NotificationAlert.kind):
                alerts.append(try NotificationAlert(manifest: manifest))
            case ("v1", "Secret"):
                let metadata = manifest["metadata"]
                secrets[Self.key(metadata?["namespace"]?.stringValue ?? "", metadata?["name"]?.stringValue ?? "")] =
                    Self.secretData(manifest)
            default:
                continue
            }
        }
        self.init(providers: providers, alerts: alerts, secrets: secrets)
        if let problem = problems.first { throw NotificationConfigurationError(problem) }
    }

    /// The string values of a Secret manifest: `data` decoded from base64, then `stringData` over it (as the
    /// API server merges them). Values that are not UTF-8 are left out.
    public static func secretData(_ manifest: JSONValue) -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in manifest["data"]?.objectValue ?? JSONObject() {
            guard let encoded = value.stringValue, let data = Data(base64Encoded: encoded),
                let text = String(data: data, encoding: .utf8)
            else { continue }
            values[key] = text
        }
        for (key, value) in manifest["stringData"]?.objectValue ?? JSONObject() {
            values[key] = value.stringValue
        }
        return values
    }

    /// The providers `event` goes to: those of every Alert that is not suspended, whose provider is not
    /// suspended, that receives the event's kind and severity, one of whose event sources matches the
    /// application (name glob, namespace, labels), and whose inclusion and exclusion lists let the message
    /// through. Each provider once, sorted by key, however many Alerts send to it.
    public func deliveries(for event: NotificationEvent) -> [ProviderEndpoint] {
        var keys: Set<String> = []
        for alert in alerts where !alert.suspend && alert.receives(event) {
            let key = Self.key(alert.namespace, alert.providerName)
            if let endpoint = providers[key], !endpoint.provider.suspend { keys.insert(key) }
        }
        return keys.sorted().compactMap { providers[$0] }
    }
}

extension NotificationAlert {
    /// Whether this Alert receives `event`, its suspension and provider aside. Without `events` it receives
    /// every kind but the previews', which carry the live cluster's objects into a pull request (whoever may
    /// read the pull request reads them): an Alert gets those only by listing them.
    func receives(_ event: NotificationEvent) -> Bool {
        let listed = events.isEmpty ? !event.kind.isPreview : events.contains(event.kind)
        guard listed, eventSeverity.admits(event.kind.severity),
            eventSources.contains(where: { matches($0, event) })
        else { return false }
        let message = event.message
        let included =
            inclusionList.isEmpty || inclusionList.contains { (try? Regex($0)).map(message.contains) ?? false }
        return included && !exclusionList.contains { (try? Regex($0)).map(message.contains) ?? false }
    }

    private func matches(_ source: EventSource, _ event: NotificationEvent) -> Bool {
        let namespace = source.namespace.isEmpty ? self.namespace : source.namespace
        guard namespace.isEmpty || namespace == "*" || namespace == event.namespace,
            (try? Glob(source.name))?.matches(event.application) == true
        else { return false }
        return source.matchLabels.allSatisfy { event.labels[$0.key] == $0.value }
    }
}
