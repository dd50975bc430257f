import Foundation
import Projects
import Testing

@Suite("Sync windows")
struct SyncWindowTests {
    static func window(
        _ kind: SyncWindowKind, _ schedule: String, hours: Double, zone: String = "UTC", applications: [String] = ["*"],
        namespaces: [String] = [], clusters: [String] = [], manualSync: Bool = false, andOperator: Bool = false
    ) -> SyncWindow {
        SyncWindow(
            kind: kind, schedule: try! CronSchedule(schedule), duration: hours * 3600,
            timeZone: TimeZone(identifier: zone)!, applications: applications, namespaces: namespaces,
            clusters: clusters, manualSync: manualSync, andOperator: andOperator)
    }

    /// (schedule, hours, zone, instant in UTC, active)
    static let activity: [(String, Double, String, String, Bool)] = [
        ("0 22 * * *", 1, "UTC", "2026-03-06 21:59", false),
        ("0 22 * * *", 1, "UTC", "2026-03-06 22:00", false),  // the start instant itself is not inside (Argo CD)
        ("0 22 * * *", 1, "UTC", "2026-03-06 22:00:01", true),
        ("0 22 * * *", 1, "UTC", "2026-03-06 22:30", true),
        ("0 22 * * *", 1, "UTC", "2026-03-06 22:59:59", true),
        ("0 22 * * *", 1, "UTC", "2026-03-06 23:00", false),
        ("0 23 * * *", 2, "UTC", "2026-03-07 00:30", true),  // across midnight
        ("0 23 * * *", 2, "UTC", "2026-03-07 01:00", false),
        ("45 * * * *", 0.5, "UTC", "2026-03-06 10:10", true),  // across the hour
        ("45 * * * *", 0.5, "UTC", "2026-03-06 10:20", false),
        ("0 9 * * *", 1, "Europe/Berlin", "2026-03-06 08:30", true),  // 09:30 CET
        ("0 9 * * *", 1, "Europe/Berlin", "2026-03-06 09:30", false),  // 10:30 CET
        ("0 9 * * *", 1, "Europe/Berlin", "2026-07-06 07:30", true),  // 09:30 CEST
        ("0 9 * * *", 1, "Europe/Berlin", "2026-07-06 08:30", false),
        ("0 22 * * FRI", 4, "America/New_York", "2026-03-07 04:00", true),  // Friday 23:00 EST
        ("0 22 * * FRI", 4, "America/New_York", "2026-03-06 23:00", false),  // Friday 18:00 EST
        ("0 0 * * SAT", 48, "UTC", "2026-03-08 12:00", true),  // a weekend-long window
        ("0 0 * * SAT", 48, "UTC", "2026-03-09 00:30", false),
    ]

    @Test("whether a window is active at an instant", arguments: activity)
    func active(schedule: String, hours: Double, zone: String, instant: String, expected: Bool) {
        let window = Self.window(.allow, schedule, hours: hours, zone: zone)
        #expect(window.isActive(at: Instant.at(instant)) == expected)
    }

    /// (applications, namespaces, clusters, andOperator, application, namespace, cluster, matches)
    static let matching: [([String], [String], [String], Bool, String, String, String, Bool)] = [
        (["*"], [], [], false, "web", "prod", "in-cluster", true),
        (["web-*"], [], [], false, "web-eu", "prod", "in-cluster", true),
        (["web-*"], [], [], false, "api", "prod", "in-cluster", false),
        ([], ["*-prod"], [], false, "api", "shop-prod", "x", true),
        ([], [], ["https://prod.*"], false, "api", "ns", "https://prod.example.com", true),
        ([], [], ["prod", "staging"], false, "api", "ns", "dev", false),
        (["web"], ["prod"], [], false, "api", "prod", "x", true),  // any list is enough
        (["web"], ["prod"], [], true, "api", "prod", "x", false),  // andOperator: every non-empty list
        (["web"], ["prod"], [], true, "web", "prod", "x", true),
        ([], [], [], false, "web", "prod", "x", false),
    ]

    @Test("which applications a window applies to", arguments: matching)
    func matches(
        applications: [String], namespaces: [String], clusters: [String], andOperator: Bool, application: String,
        namespace: String, cluster: String, expected: Bool
    ) {
        let window = Self.window(
            .deny, "0 0 * * *", hours: 1, applications: applications, namespaces: namespaces, clusters: clusters,
            andOperator: andOperator)
        #expect(window.matches(application: application, namespace: namespace, cluster: cluster) == expected)
    }

    @Test("a clusters glob matches the destination's server URL or its cluster name")
    func clusterByServerOrName() {
        let byName = Self.window(.deny, "0 0 * * *", hours: 1, applications: [], clusters: ["prod-*"])
        #expect(byName.matches(application: "a", namespace: "n", server: "https://10.0.0.1", clusterName: "prod-eu"))
        #expect(!byName.matches(application: "a", namespace: "n", server: "https://10.0.0.1", clusterName: ""))
        let byServer = Self.window(.deny, "0 0 * * *", hours: 1, applications: [], clusters: ["https://10.*"])
        #expect(byServer.matches(application: "a", namespace: "n", server: "https://10.0.0.1", clusterName: "prod-eu"))
        let project = AppProject(
            name: "p",
            syncWindows: [
                Self.window(
                    .deny, "0 12 * * *", hours: 1, applications: [],
                    clusters: ["prod-*"])
            ])
        let verdict = project.syncWindowVerdict(
            application: "a", namespace: "n", server: "https://10.0.0.1", clusterName: "prod-eu",
            at: Instant.at("2026-03-06 12:30"), manual: false)
        #expect(verdict != .open)
    }

    static let allowNight = window(.allow, "0 22 * * *", hours: 2)
    static let allowNightManual = window(.allow, "0 22 * * *", hours: 2, manualSync: true)
    static let allowMorning = window(.allow, "0 6 * * *", hours: 1)
    static let denyNoon = window(.deny, "0 12 * * *", hours: 1)
    static let denyNoonManual = window(.deny, "0 12 * * *", hours: 1, manualSync: true)
    static let denyWide = window(.deny, "0 21 * * *", hours: 4)
    static let denyOtherApp = window(.deny, "0 0 * * *", hours: 24, applications: ["other"])
    static let denyHourlyOverlapping = window(.deny, "0 * * * *", hours: 1.5)

    /// (windows, instant, manual, expected verdict)
    static let verdicts: [(String, [SyncWindow], String, Bool, SyncWindowVerdict)] = [
        ("no windows", [], "2026-03-06 12:30", false, .open),
        ("a window for another app", [denyOtherApp], "2026-03-06 12:30", false, .open),
        ("allow active", [allowNight], "2026-03-06 23:00", false, .open),
        (
            "allow inactive: closed until its next start", [allowNight], "2026-03-06 12:30", false,
            .closed(by: allowNight, until: Instant.at("2026-03-06 22:00"))
        ),
        (
            "two allows inactive: until the sooner start", [allowNight, allowMorning], "2026-03-06 03:00", false,
            .closed(by: allowMorning, until: Instant.at("2026-03-06 06:00"))
        ),
        ("one of two allows active", [allowNight, allowMorning], "2026-03-06 06:30", false, .open),
        (
            "deny active: closed until its end", [denyNoon], "2026-03-06 12:30", false,
            .closed(by: denyNoon, until: Instant.at("2026-03-06 13:00"))
        ),
        ("deny inactive", [denyNoon], "2026-03-06 13:30", false, .open),
        (
            "deny and allow both active: deny wins", [allowNight, denyWide], "2026-03-06 23:00", false,
            .closed(by: denyWide, until: Instant.at("2026-03-07 01:00"))
        ),
        (
            "deny inactive but allow inactive too", [allowNight, denyNoon], "2026-03-06 14:00", false,
            .closed(by: allowNight, until: Instant.at("2026-03-06 22:00"))
        ),
        ("manual sync through a manualSync deny", [denyNoonManual], "2026-03-06 12:30", true, .open),
        (
            "automatic sync held by a manualSync deny", [denyNoonManual], "2026-03-06 12:30", false,
            .closed(by: denyNoonManual, until: Instant.at("2026-03-06 13:00"))
        ),
        (
            "manual sync held by a deny without manualSync", [denyNoon], "2026-03-06 12:30", true,
            .closed(by: denyNoon, until: Instant.at("2026-03-06 13:00"))
        ),
        (
            "manual sync needs manualSync on every active deny", [denyNoonManual, denyNoon], "2026-03-06 12:30", true,
            .closed(by: denyNoonManual, until: Instant.at("2026-03-06 13:00"))
        ),
        (
            "manual sync through inactive allows when one has manualSync", [allowNightManual, allowMorning],
            "2026-03-06 12:30", true, .open
        ),
        (
            "manual sync held by inactive allows without manualSync", [allowNight], "2026-03-06 12:30", true,
            .closed(by: allowNight, until: Instant.at("2026-03-06 22:00"))
        ),
        (
            "overlapping deny periods that never end", [denyHourlyOverlapping], "2026-03-06 12:15", false,
            .closed(by: denyHourlyOverlapping, until: nil)
        ),
    ]

    @Test("Argo CD's verdict table", arguments: verdicts)
    func verdict(name: String, windows: [SyncWindow], instant: String, manual: Bool, expected: SyncWindowVerdict) {
        let project = AppProject(name: "team-a", syncWindows: windows)
        let verdict = project.syncWindowVerdict(
            application: "web", namespace: "prod", cluster: "https://kubernetes.default.svc", at: Instant.at(instant),
            manual: manual)
        #expect(verdict == expected, "\(name)")
    }

    @Test("a deny window in another time zone is held until its local end")
    func zonedDeny() {
        let deny = Self.window(.deny, "0 9 * * MON-FRI", hours: 8, zone: "Europe/Berlin")
        let project = AppProject(name: "team-a", syncWindows: [deny])
        let verdict = project.syncWindowVerdict(
            application: "web", namespace: "prod", cluster: "in-cluster", at: Instant.at("2026-03-06 10:00"),
            manual: false)
        #expect(verdict == .closed(by: deny, until: Instant.at("2026-03-06 16:00")))
    }
}

@Suite("Sync window searches stay bounded")
struct SyncWindowSearchTests {
    @Test("an every-minute deny window of an hour never ends, and says so quickly")
    func everyMinute() throws {
        let deny = SyncWindow(
            kind: .deny, schedule: try CronSchedule("* * * * *"), duration: 3600, applications: ["*"])
        let project = AppProject(name: "p", syncWindows: [deny])
        let start = ContinuousClock.now
        let verdict = project.syncWindowVerdict(
            application: "a", namespace: "n", cluster: "c", at: Instant.at("2026-03-06 12:00:30"), manual: false)
        #expect(verdict == .closed(by: deny, until: nil))
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("a deny window that ends is held until its end even when the next period starts soon after")
    func backToBack() throws {
        let deny = SyncWindow(
            kind: .deny, schedule: try CronSchedule("0 */2 * * *"), duration: 3600, applications: ["*"])
        #expect(deny.activeUntil(Instant.at("2026-03-06 12:30")) == Instant.at("2026-03-06 13:00"))
        #expect(deny.activeUntil(Instant.at("2026-03-06 13:30")) == nil)
        #expect(deny.nextStart(after: Instant.at("2026-03-06 13:30")) == Instant.at("2026-03-06 14:00"))
    }
}
