public import Foundation
import MoorCore

/// Whether a sync window opens or closes the time it covers.
public enum SyncWindowKind: String, Sendable, Hashable {
    /// Syncs may run only while some matching allow window is active.
    case allow
    /// Syncs may not run while the window is active (deny beats allow).
    case deny
}

/// A project's `spec.syncWindows` entry: from each time `schedule` fires, for `duration`, syncs of
/// the applications it matches are allowed or denied.
public struct SyncWindow: Sendable, Hashable {
    /// Allow or deny.
    public var kind: SyncWindowKind
    /// When each active period starts.
    public var schedule: CronSchedule
    /// How long each active period lasts, in seconds.
    public var duration: TimeInterval
    /// The zone `schedule` is read in (UTC unless `timeZone` says otherwise).
    public var timeZone: TimeZone
    /// Application name globs.
    public var applications: [String]
    /// Destination namespace globs.
    public var namespaces: [String]
    /// Destination cluster globs, matched against the server URL or the cluster name.
    public var clusters: [String]
    /// Whether a manual sync may run while this window would hold it.
    public var manualSync: Bool
    /// Argo CD's `andOperator`: every non-empty list must match, instead of any one.
    public var andOperator: Bool
    /// Free text (a ticket number, a reason), shown to people.
    public var description: String

    /// Creates a window.
    public init(
        kind: SyncWindowKind, schedule: CronSchedule, duration: TimeInterval,
        timeZone: TimeZone = TimeZone(identifier: "UTC")!,
        applications: [String] = [], namespaces: [String] = [], clusters: [String] = [], manualSync: Bool = false,
        andOperator: Bool = false, description: String = ""
    ) {
        self.kind = kind
        self.schedule = schedule
        self.duration = duration
        self.timeZone = timeZone
        self.applications = applications
        self.namespaces = namespaces
        self.clusters = clusters
        self.manualSync = manualSync
        self.andOperator = andOperator
        self.description = description
    }

    /// Whether `date` falls in an active period: some start `s` of the schedule lies in
    /// `(date - duration, date)` (Argo CD's rule, so the very instant of a start is not yet inside).
    public func isActive(at date: Date) -> Bool {
        guard let start = schedule.next(after: date.addingTimeInterval(-duration), in: timeZone) else { return false }
        return start < date
    }

    /// The end of the active period `date` falls in, overlapping periods joined; `nil` when the window
    /// is not active or the period does not end within a bounded search (e.g. `* * * * *` for an hour).
    public func activeUntil(_ date: Date) -> Date? {
        guard var start = schedule.next(after: date.addingTimeInterval(-duration), in: timeZone), start < date else {
            return nil
        }
        var end = start.addingTimeInterval(duration)
        for _ in 0..<1_000 {
            guard let following = schedule.next(after: start, in: timeZone), following < end else { return end }
            start = following
            end = following.addingTimeInterval(duration)
        }
        return nil
    }

    /// The next start strictly after `date` (from when the window is active).
    public func nextStart(after date: Date) -> Date? { schedule.next(after: date, in: timeZone) }

    /// Whether the window applies to an application (Argo CD's rules): its name against
    /// `applications`, its destination namespace against `namespaces`, its destination cluster
    /// (server URL or name) against `clusters`. An empty list matches nothing; any matching list is
    /// enough, or, with ``andOperator``, every non-empty list must match.
    public func matches(application: String, namespace: String, cluster: String) -> Bool {
        matches(application: application, namespace: namespace, clusters: [cluster])
    }

    /// ``matches(application:namespace:cluster:)`` for a destination that has both a server URL and
    /// a cluster name: a `clusters` glob matching either (when set) is enough, as in Argo CD.
    public func matches(application: String, namespace: String, server: String, clusterName: String) -> Bool {
        matches(application: application, namespace: namespace, clusters: [server, clusterName])
    }

    private func matches(application: String, namespace: String, clusters candidates: [String]) -> Bool {
        var results: [Bool] = []
        if !applications.isEmpty {
            results.append(applications.contains { GroupKindPattern.globMatch($0, application) })
        }
        if !namespaces.isEmpty { results.append(namespaces.contains { GroupKindPattern.globMatch($0, namespace) }) }
        if !clusters.isEmpty {
            let set = candidates.filter { !$0.isEmpty }
            results.append(clusters.contains { pattern in set.contains { GroupKindPattern.globMatch(pattern, $0) } })
        }
        if andOperator { return !results.isEmpty && !results.contains(false) }
        return results.contains(true)
    }
}

/// Whether a sync may run now.
public enum SyncWindowVerdict: Sendable, Hashable {
    /// No window holds it.
    case open
    /// Held by this window (a deny window active, or allow windows exist for the app and none is
    /// active) until the given time (nil when unknown / never).
    case closed(by: SyncWindow, until: Date?)
}

extension AppProject {
    /// The windows that apply to an application, in the project's order.
    public func syncWindows(application: String, namespace: String, cluster: String) -> [SyncWindow] {
        syncWindows.filter { $0.matches(application: application, namespace: namespace, cluster: cluster) }
    }

    /// ``syncWindowVerdict(application:namespace:cluster:at:manual:)`` for a destination with both a
    /// server URL and a cluster name (a window's `clusters` glob may match either).
    public func syncWindowVerdict(
        application: String, namespace: String, server: String, clusterName: String, at date: Date, manual: Bool
    ) -> SyncWindowVerdict {
        verdict(
            syncWindows.filter {
                $0.matches(application: application, namespace: namespace, server: server, clusterName: clusterName)
            }, at: date, manual: manual)
    }

    /// Argo CD's rules: no matching windows → open; an active matching deny window closes; matching
    /// allow windows exist and none active → closed; both an active allow and active deny → closed
    /// (deny wins). `manual: true` is a manual sync: it passes active deny windows when every one of
    /// them has `manualSync`, and inactive allow windows when any one of them has it.
    ///
    /// `until` is, for deny windows, the latest end of their current active periods; for allow
    /// windows none of which is active, the earliest next start among them.
    public func syncWindowVerdict(
        application: String, namespace: String, cluster: String, at date: Date, manual: Bool
    ) -> SyncWindowVerdict {
        verdict(syncWindows(application: application, namespace: namespace, cluster: cluster), at: date, manual: manual)
    }

    private func verdict(_ matching: [SyncWindow], at date: Date, manual: Bool) -> SyncWindowVerdict {
        guard !matching.isEmpty else { return .open }
        let active = matching.filter { $0.isActive(at: date) }
        let denies = active.filter { $0.kind == .deny }
        if !denies.isEmpty {
            if manual, denies.allSatisfy(\.manualSync) { return .open }
            let ends = denies.map { ($0, $0.activeUntil(date)) }
            if let endless = ends.first(where: { $0.1 == nil }) { return .closed(by: endless.0, until: nil) }
            let last = ends.max { ($0.1 ?? .distantFuture) < ($1.1 ?? .distantFuture) }!
            return .closed(by: last.0, until: last.1)
        }
        if active.contains(where: { $0.kind == .allow }) { return .open }
        let allows = matching.filter { $0.kind == .allow }
        guard let firstAllow = allows.first else { return .open }
        if manual, allows.contains(where: \.manualSync) { return .open }
        let starts = allows.compactMap { window in window.nextStart(after: date).map { (window, $0) } }
        guard let soonest = starts.min(by: { $0.1 < $1.1 }) else { return .closed(by: firstAllow, until: nil) }
        return .closed(by: soonest.0, until: soonest.1)
    }
}
