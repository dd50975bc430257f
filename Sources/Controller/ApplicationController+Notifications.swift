internal import Foundation
internal import GitSource
internal import Health
internal import KubeClient
internal import Logging
internal import MoorCore
public import Notifications
internal import Sync

/// Which notifications the controller sends and where their Providers and Alerts come from.
public struct NotificationOptions: Sendable {
    /// Where the Providers and Alerts come from.
    public enum Source: Sendable {
        /// Nowhere: no notifications are sent.
        case none
        /// The `Provider` and `Alert` resources of the controller's namespace (and the Secrets they name),
        /// read again at most every `refresh` (``NotificationCatalog``).
        case cluster(refresh: Duration)
        /// Given once (`moor controller --notifications-file`).
        case settings(NotificationSettings)
    }

    /// Where the Providers and Alerts come from.
    public var source: Source
    /// The URL the server is reached at from outside (`--external-url`), for the link to an application's
    /// page in the web UI; `nil` sends no link.
    public var externalURL: String?
    /// How deliveries are retried, rate-limited and de-duplicated.
    public var policy: DeliveryPolicy

    /// Creates options (default: no notifications).
    public init(source: Source = .none, externalURL: String? = nil, policy: DeliveryPolicy = DeliveryPolicy()) {
        self.source = source
        self.externalURL = externalURL
        self.policy = policy
    }
}

/// The controller's side of notifications: the notifier and what transitions need remembered.
struct NotificationHook: Sendable {
    /// Where events go; `nil` when notifications are off.
    let notifier: Notifier?
    /// The external URL for links.
    let externalURL: String?
    /// The applications whose drift was reported and has not healed yet.
    var drifted: Set<String> = []
    /// The applications whose degraded health was reported and has not turned healthy yet.
    var degraded: Set<String> = []

    /// The hook for `options`; for resources of the cluster, those of `namespace` read through `client`.
    init(_ options: NotificationOptions, client: KubeClient, namespace: String, clock: MoorClock, logger: Logger) {
        externalURL = options.externalURL
        switch options.source {
        case .none:
            notifier = nil
        case .cluster(let refresh):
            let catalog = NotificationCatalog(
                client: client, namespace: namespace, interval: refresh, clock: clock, logger: logger)
            notifier = Notifier(
                settings: { await catalog.current() }, policy: options.policy, clock: clock, logger: logger)
        case .settings(let settings):
            notifier = Notifier(settings: { settings }, policy: options.policy, clock: clock, logger: logger)
        }
    }
}

extension ApplicationController.EventReason {
    /// The notification of the same event.
    var notification: NotificationEventKind {
        switch self {
        case .syncStarted: .syncStarted
        case .syncSucceeded: .syncSucceeded
        case .syncFailed: .syncFailed
        case .driftDetected: .driftDetected
        }
    }
}

extension ApplicationController {
    /// Hands a `kind` event about application `name` to the notifier, if any, and returns at once (never
    /// waits for a delivery). Its revision and commit are `fetched`'s, else the status's revision with the
    /// commit of the history entry of that revision.
    /// `adjust` changes the event before it is handed over.
    func notify(
        _ name: String, _ kind: NotificationEventKind, _ message: String, fetched: SourceFetcher.Fetched? = nil,
        adjust: (inout NotificationEvent) -> Void = { _ in }
    ) {
        guard let notifier = notifications.notifier, let managed = registry[name] else { return }
        if kind == .driftDetected { notifications.drifted.insert(name) }
        let revision = fetched?.revision ?? managed.status.sync.revision
        let entry = managed.status.history.first { $0.revision == revision }
        let commit = fetched?.commit
        var event = NotificationEvent(
            kind: kind, application: name, namespace: home(of: name), labels: managed.labels, revision: revision,
            commitSubject: commit?.subject ?? entry?.subject ?? "",
            commitAuthor: commit.map(\.author) ?? entry?.author ?? "", message: message,
            repoURL: managed.application.spec.allSources.first?.repoURL ?? "",
            url: notifications.externalURL.map { NotificationEvent.link(externalURL: $0, application: name) },
            timestamp: clock.date)
        adjust(&event)
        notifier.notify(event)
    }

    /// Notifies each application `preview` touches that it was previewed as pull request `number` of the
    /// preview's repository: `Previewed`, or `PreviewFailed` when its render or comparison failed, with the
    /// pull request's head commit as the revision, the outcome's summary as the message, the diff as the
    /// details and — with an external URL — the preview's page in the web UI as the link. Returns at once.
    public func notifyPreview(_ preview: Preview, pullRequest number: Int) {
        guard notifications.notifier != nil else { return }
        let link = notifications.externalURL.map {
            NotificationEvent.link(externalURL: $0, repository: preview.request.repository, pullRequest: number)
        }
        for application in preview.applications {
            let kind: NotificationEventKind
            if case .failed = application.outcome { kind = .previewFailed } else { kind = .previewed }
            notify(application.name, kind, application.summary) { event in
                event.name(preview.commit)
                event.url = link
                event.pullRequest = number
                event.details = application.diff
            }
        }
    }

    /// Notifies what changed from `old` to `new`, the status of `name`: health became `Degraded`, or is
    /// `Healthy` again after reported degraded health (directly, or through `Progressing` as a fixing rollout
    /// goes); the application is in sync again after reported drift.
    func notifyTransitions(_ name: String, from old: ApplicationStatus, to new: ApplicationStatus) {
        guard notifications.notifier != nil else { return }
        if new.health.status == .degraded, old.health.status != .degraded {
            notifications.degraded.insert(name)
            notify(name, .healthDegraded, new.health.message)
        } else if new.health.status == .healthy, notifications.degraded.remove(name) != nil {
            notify(name, .healthRecovered, "healthy again")
        }
        if new.sync.status == .synced, notifications.drifted.remove(name) != nil {
            notify(name, .driftHealed, "in sync with Git again")
        }
    }

    /// Notifies the end of a sync of `name` from `fetched` that kept objects it would have pruned (the prune cap
    /// refused the deletion).
    func notifyRefusedPrune(_ name: String, _ result: SyncResult?, fetched: SourceFetcher.Fetched) {
        guard let refusal = result?.refusal, refusal.code == .pruneCapExceeded else { return }
        notify(name, .pruneRefused, refusal.message, fetched: fetched)
    }

    /// The notifier's counts, when notifications are on.
    func notificationStatistics() async -> Notifier.Statistics? {
        await notifications.notifier?.statistics()
    }
}

extension ApplicationController {
    /// The labels of a resource's manifest whose values are strings.
    static func labels(of manifest: JSONValue) -> [String: String] {
        (manifest[path: "metadata", "labels"]?.objectValue ?? JSONObject()).reduce(into: [:]) { labels, label in
            if let value = label.value.stringValue { labels[label.key] = value }
        }
    }
}

extension NotificationEvent {
    /// Makes `commit` the event's revision, with its subject and author; all empty for none.
    mutating func name(_ commit: GitCommit?) {
        revision = commit?.sha ?? ""
        commitSubject = commit?.subject ?? ""
        commitAuthor = commit?.author ?? ""
    }
}
