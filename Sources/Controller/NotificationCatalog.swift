internal import KubeClient
internal import Logging
internal import MoorCore
internal import Notifications

/// The Providers and Alerts (`providers.moor.dev`, `alerts.moor.dev`) of the controller's namespace and the
/// Secrets they name, as ``Notifications/NotificationSettings``.
///
/// Re-read at most once per `interval` when asked (``current()``, when the notifier takes an event), so a
/// Provider, Alert or Secret edited or added takes effect for the next event, without a restart. A kind the
/// cluster does not serve, or that the controller may not list, holds none; any other failure to read keeps
/// the last settings. A Provider or Alert that does not parse, or that cannot be used, is left out and logged
/// (once, until the problems change).
actor NotificationCatalog {
    /// The resources read. They are listed as these well-known resources, not found through discovery.
    static let resources = [(NotificationProvider.kind, "providers"), (NotificationAlert.kind, "alerts")].map {
        APIResource(
            group: Application.group, version: "v1alpha1", kind: $0.0, name: $0.1, namespaced: true, verbs: ["list"])
    }

    private let client: KubeClient
    private let namespace: String
    private let logger: Logger
    private var latest = NotificationSettings.none
    /// The problems last logged.
    private var logged: [String] = []
    private var schedule: RefreshSchedule

    /// Reads the Providers and Alerts in `namespace` through `client`, at most every `interval` of `clock`.
    init(client: KubeClient, namespace: String, interval: Duration, clock: MoorClock, logger: Logger) {
        self.client = client
        self.namespace = namespace
        self.logger = logger
        schedule = RefreshSchedule(interval: interval, clock: clock)
    }

    /// The settings, read again first when the last read is `interval` old.
    func current() async -> NotificationSettings {
        guard schedule.isDue(), let providerManifests = await list(Self.resources[0]),
            let alertManifests = await list(Self.resources[1])
        else { return latest }
        var problems: [String] = []
        var providers: [NotificationProvider] = []
        for manifest in providerManifests {
            do { providers.append(try NotificationProvider(manifest: manifest)) } catch { problems.append("\(error)") }
        }
        var alerts: [NotificationAlert] = []
        for manifest in alertManifests {
            do { alerts.append(try NotificationAlert(manifest: manifest)) } catch { problems.append("\(error)") }
        }
        var secrets: [String: [String: String]] = [:]
        for name in Set(providers.map(\.secretName)) where !name.isEmpty {
            let ref = ObjectRef(group: "", version: "v1", kind: "Secret", namespace: namespace, name: name)
            do {
                secrets[NotificationSettings.key(namespace, name)] = NotificationSettings.secretData(
                    try await client.get(ref))
            } catch  where error.code == .notFound {
                continue
            } catch {
                logger.warning(
                    "cannot read a notification provider's Secret; keeping the last settings",
                    metadata: ["secret": "\(namespace)/\(name)", "error": "\(error)"])
                return latest
            }
        }
        latest = NotificationSettings(providers: providers, alerts: alerts, secrets: secrets, problems: problems)
        if latest.problems != logged {
            logged = latest.problems
            for problem in logged {
                logger.error("a notification resource cannot be used", metadata: ["error": "\(problem)"])
            }
        }
        return latest
    }

    /// The manifests of `resource` in the namespace: none when the kind is not served or may not be listed,
    /// `nil` when they cannot be read now.
    private func list(_ resource: APIResource) async -> [JSONValue]? {
        await client.listConfiguration(resource, namespace: namespace, what: "the \(resource.kind)s", logger: logger)
    }
}
