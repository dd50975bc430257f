import Controller
import Notifications

/// The Prometheus series Moor serves on `/metrics`, written from a ``ControllerMetricsSnapshot``.
/// Every name starts with `moor_`; the README's "Metrics and probes" section lists them.
enum MetricsExposition {
    /// The exposition of `snapshot` in Prometheus text format 0.0.4.
    static func text(_ snapshot: ControllerMetricsSnapshot) -> String {
        var text = MetricsText()
        let applications = snapshot.applications
        text.gauge(
            "moor_app_sync_status", help: "The application's sync status (1 for the current one).",
            applications.map { ([("name", $0.name), ("sync_status", $0.syncStatus.rawValue)], 1) })
        text.gauge(
            "moor_app_health_status", help: "The application's health status (1 for the current one).",
            applications.map { ([("name", $0.name), ("health_status", $0.healthStatus.rawValue)], 1) })
        text.counter(
            "moor_app_syncs", help: "Syncs run, by result (the operation's phase).",
            snapshot.syncs.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                ([("result", $0.key.rawValue)], Double($0.value))
            })
        text.counter("moor_app_reconciles", help: "Reconciles started.", value: Double(snapshot.reconciles))
        histogram(
            &text, "moor_app_reconcile_duration_seconds",
            help: "Time one reconcile took (fetch, render, compare, sync when needed, status).",
            snapshot.reconcileDurations)
        histogram(
            &text, "moor_git_fetch_duration_seconds",
            help: "Time to fetch an application's source at its revision (git ls-remote, git fetch when the refs "
                + "changed, export and render).", snapshot.fetchDurations)
        text.counter(
            "moor_git_fetch_errors", help: "Source fetches that failed with a Git error.",
            value: Double(snapshot.gitFetchErrors))
        text.counter(
            "moor_git_fetches", help: "git fetch runs of the mirror cache.", value: Double(snapshot.gitFetches))
        text.counter(
            "moor_git_remote_listings", help: "git ls-remote runs of the mirror cache.",
            value: Double(snapshot.gitRemoteListings))
        text.counter(
            "moor_kube_requests",
            help: "Requests to the Kubernetes API server of the controller's cluster, by verb and HTTP status code "
                + "(0: no answer).",
            snapshot.kubeRequests.sorted { ($0.key.verb, $0.key.code) < ($1.key.verb, $1.key.code) }.map {
                ([("verb", $0.key.verb), ("code", String($0.key.code))], Double($0.value))
            })
        text.gauge(
            "moor_workqueue_depth", help: "Applications waiting to be reconciled plus those being reconciled.",
            value: Double(snapshot.queued + snapshot.inProgress))
        text.gauge(
            "moor_workqueue_in_progress", help: "Applications being reconciled.", value: Double(snapshot.inProgress))
        text.gauge(
            "moor_cache_watches", help: "Resource types the live-object cache watches.", value: Double(snapshot.watches)
        )
        text.gauge(
            "moor_ready", help: "1 when the controller has started and its caches are synced.",
            value: snapshot.ready ? 1 : 0)
        if let notifications = snapshot.notifications { Self.notifications(&text, notifications) }
        return text.text
    }

    /// The notifier's counters, by provider type where they are per request.
    private static func notifications(_ text: inout MetricsText, _ statistics: Notifier.Statistics) {
        let byType = { (counts: [NotificationProvider.ProviderType: Int]) in
            counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { ([("type", $0.key.rawValue)], Double($0.value)) }
        }
        text.counter(
            "moor_notification_events", help: "Events handed to the notifier.", value: Double(statistics.events))
        text.counter(
            "moor_notification_deduplicated",
            help: "Events not sent again: the same kind, application and revision was sent within the window.",
            value: Double(statistics.deduplicated))
        text.counter(
            "moor_notifications_delivered", help: "Notifications delivered (answered 2xx), by provider type.",
            byType(statistics.delivered))
        text.counter(
            "moor_notification_retries",
            help: "Failed tries of a notification that were tried again, by provider type.",
            byType(statistics.retried))
        text.counter(
            "moor_notification_failures",
            help: "Notifications given up: every try failed, or a 4xx answer, by provider type.",
            byType(statistics.failed))
        text.counter(
            "moor_notifications_dropped",
            help: "Notifications dropped because too many waited for delivery (type \"\" before matching).",
            byType(statistics.dropped) + [([("type", "")], Double(statistics.overflowed))])
    }

    private static func histogram(_ text: inout MetricsText, _ name: String, help: String, _ value: DurationHistogram) {
        text.histogram(
            name, help: help, bounds: value.bounds, cumulativeCounts: value.cumulativeCounts, count: value.count,
            sum: value.sum)
    }
}
