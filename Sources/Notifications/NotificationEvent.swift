public import Foundation

/// What happened to an application that a notification reports.
public enum NotificationEventKind: String, Sendable, Hashable, CaseIterable {
    /// A sync began.
    case syncStarted = "SyncStarted"
    /// A sync ended with every object applied.
    case syncSucceeded = "SyncSucceeded"
    /// A sync ended with a failure.
    case syncFailed = "SyncFailed"
    /// The application's health became `Degraded`.
    case healthDegraded = "HealthDegraded"
    /// The application's health is `Healthy` again after `Degraded` (directly or through `Progressing`).
    case healthRecovered = "HealthRecovered"
    /// Objects changed in the cluster while Git stayed the same.
    case driftDetected = "DriftDetected"
    /// The application is in sync again after drift was detected.
    case driftHealed = "DriftHealed"
    /// The controller could not fetch, render or plan the application (a `ComparisonError` or
    /// `SyncError` condition without a sync).
    case syncError = "SyncError"
    /// An earlier history entry was synced again (`moor app rollback`).
    case rollback = "Rollback"
    /// A sync kept objects it would have pruned: deleting them exceeds the prune cap.
    case pruneRefused = "PruneRefused"
    /// A pull request's head was rendered and compared with the live cluster (whether or not anything
    /// would change).
    case previewed = "Previewed"
    /// A pull request's head could not be rendered or compared.
    case previewFailed = "PreviewFailed"

    /// `error` for what needs attention (failures, degraded health, drift, refusals), `info` otherwise.
    public var severity: NotificationSeverity {
        switch self {
        case .syncFailed, .healthDegraded, .driftDetected, .syncError, .pruneRefused, .previewFailed: .error
        case .syncStarted, .syncSucceeded, .healthRecovered, .driftHealed, .rollback, .previewed: .info
        }
    }

    /// Whether the event is about a pull request's preview rather than the application's target revision.
    public var isPreview: Bool { self == .previewed || self == .previewFailed }
}

/// How serious an event is, as Flux's Alert `eventSeverity` names it.
public enum NotificationSeverity: String, Sendable, Hashable, CaseIterable {
    /// Every event: an Alert of severity `info` receives `info` and `error` events.
    case info
    /// Failures only: an Alert of severity `error` receives `error` events.
    case error

    /// Whether an Alert of this severity receives an event of `severity`.
    public func admits(_ severity: NotificationSeverity) -> Bool {
        self == .info || severity == .error
    }
}

/// One event about one application, as the controller hands it to the ``Notifier``.
public struct NotificationEvent: Sendable, Hashable {
    /// What happened.
    public var kind: NotificationEventKind
    /// The application's name.
    public var application: String
    /// The namespace of the application's resource (the controller's own for one from a file).
    public var namespace: String
    /// The labels of the application's resource, for Alerts' `matchLabels`.
    public var labels: [String: String]
    /// The commit (or chart version) concerned; empty when unknown.
    public var revision: String
    /// The first line of the commit's message; empty when unknown.
    public var commitSubject: String
    /// The commit's author, `Name <email>`; empty when unknown.
    public var commitAuthor: String
    /// What happened, in words (the sync's summary or first failure, the drifted objects, …).
    public var message: String
    /// The repository of the application's (first) source, for commit statuses.
    public var repoURL: String
    /// The application's page in the web UI (for a preview, the pull request's), when the server's external
    /// URL is configured.
    public var url: String?
    /// The pull request a preview event is about; `nil` for the other events.
    public var pullRequest: Int?
    /// What a preview would change, object by object (`moor diff`'s text, Secret values masked), for
    /// receivers with room for it (a pull-request comment); empty for the other events.
    public var details: String
    /// When it happened.
    public var timestamp: Date

    /// Creates an event.
    public init(
        kind: NotificationEventKind, application: String, namespace: String, labels: [String: String] = [:],
        revision: String = "", commitSubject: String = "", commitAuthor: String = "", message: String,
        repoURL: String = "", url: String? = nil, pullRequest: Int? = nil, details: String = "", timestamp: Date
    ) {
        self.kind = kind
        self.application = application
        self.namespace = namespace
        self.labels = labels
        self.revision = revision
        self.commitSubject = commitSubject
        self.commitAuthor = commitAuthor
        self.message = message
        self.repoURL = repoURL
        self.url = url
        self.pullRequest = pullRequest
        self.details = details
        self.timestamp = timestamp
    }

    /// What makes two events the same for de-duplication: the kind, the application, the revision and the
    /// pull request.
    public var deduplicationKey: DeduplicationKey {
        DeduplicationKey(kind: kind, application: application, revision: revision, pullRequest: pullRequest)
    }

    /// The web UI's page of application `name` under `externalURL` (`<url>/#/applications/<name>`).
    public static func link(externalURL: String, application name: String) -> String {
        let escaped = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
        return "\(base(externalURL))/#/applications/\(escaped)"
    }

    /// The web UI's page of the preview of pull request `number` of `repository` (as the webhook named it)
    /// under `externalURL` (`<url>/#/previews/<repository, escaped>/<number>`).
    public static func link(externalURL: String, repository: String, pullRequest number: Int) -> String {
        // Every character but RFC 3986's unreserved ones escaped, as the web UI's encodeURIComponent does.
        let unreserved = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let escaped = repository.addingPercentEncoding(withAllowedCharacters: unreserved) ?? repository
        return "\(base(externalURL))/#/previews/\(escaped)/\(number)"
    }

    private static func base(_ externalURL: String) -> String {
        externalURL.hasSuffix("/") ? String(externalURL.dropLast()) : externalURL
    }
}

/// The identity of an event for de-duplication (``NotificationEvent/deduplicationKey``).
public struct DeduplicationKey: Sendable, Hashable {
    /// What happened.
    public var kind: NotificationEventKind
    /// The application.
    public var application: String
    /// The revision.
    public var revision: String
    /// The pull request of a preview.
    public var pullRequest: Int?
}
