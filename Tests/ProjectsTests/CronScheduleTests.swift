import Foundation
import Projects
import Testing

@Suite("Cron schedules (robfig/cron's standard parser)")
struct CronScheduleTests {
    /// (schedule, after, expected next start), all UTC. 2026-03-06 is a Friday.
    static let nextStarts: [(String, String, String?)] = [
        ("0 22 * * *", "2026-03-06 21:00", "2026-03-06 22:00"),
        ("0 22 * * *", "2026-03-06 22:00", "2026-03-07 22:00"),  // strictly after
        ("0 22 * * *", "2026-03-06 21:59:59", "2026-03-06 22:00"),
        ("*/15 * * * *", "2026-03-06 10:07", "2026-03-06 10:15"),
        ("5,35 * * * *", "2026-03-06 10:06", "2026-03-06 10:35"),
        ("0 9-17/4 * * *", "2026-03-06 10:00", "2026-03-06 13:00"),
        ("0 20/2 * * *", "2026-03-06 20:30", "2026-03-06 22:00"),  // a/n runs to the maximum
        ("*/15 9-17 * * MON-FRI", "2026-03-06 17:50", "2026-03-09 09:00"),
        ("0 12 * JAN,jul sun", "2026-03-06 00:00", "2026-07-05 12:00"),
        ("0 0 1 * *", "2026-03-06 00:00", "2026-04-01 00:00"),  // day of week `*`: day of month alone
        ("0 0 * * 1", "2026-03-06 00:00", "2026-03-09 00:00"),  // day of month `*`: day of week alone
        ("0 0 1 * 1", "2026-03-06 00:00", "2026-03-09 00:00"),  // both set: either (Vixie cron)
        ("0 0 */2 * 1", "2026-03-06 00:00", "2026-03-07 00:00"),  // */2 is not `*`: either
        ("0 0 * * 0", "2026-03-06 00:00", "2026-03-08 00:00"),
        ("0 0 ? * 6", "2026-03-06 00:00", "2026-03-07 00:00"),
        ("@daily", "2026-03-06 10:00", "2026-03-07 00:00"),
        ("@midnight", "2026-03-06 10:00", "2026-03-07 00:00"),
        ("@hourly", "2026-03-06 10:00", "2026-03-06 11:00"),
        ("@weekly", "2026-03-06 10:00", "2026-03-08 00:00"),
        ("@monthly", "2026-03-06 10:00", "2026-04-01 00:00"),
        ("@yearly", "2026-03-06 10:00", "2027-01-01 00:00"),
        ("@annually", "2026-03-06 10:00", "2027-01-01 00:00"),
        ("0 0 29 2 *", "2026-03-06 00:00", "2028-02-29 00:00"),
        ("0 0 30 2 *", "2026-03-06 00:00", nil),
        ("59 23 31 12 *", "2026-12-31 23:59", "2027-12-31 23:59"),
    ]

    @Test("the next start", arguments: nextStarts)
    func next(schedule: String, after: String, expected: String?) throws {
        let cron = try CronSchedule(schedule)
        let utc = TimeZone(identifier: "UTC")!
        #expect(cron.next(after: Instant.at(after), in: utc) == expected.map { Instant.at($0) })
    }

    /// (schedule, zone, after in UTC, expected in UTC). Berlin: CET (+1) in winter, CEST (+2) from
    /// 2026-03-29 02:00 local; New York: EST (-5), EDT (-4) from 2026-03-08 02:00 local.
    static let zoned: [(String, String, String, String)] = [
        ("0 9 * * *", "Europe/Berlin", "2026-03-05 00:00", "2026-03-05 08:00"),
        ("0 9 * * *", "Europe/Berlin", "2026-07-01 00:00", "2026-07-01 07:00"),
        ("30 2 * * *", "Europe/Berlin", "2026-03-28 12:00", "2026-03-30 00:30"),  // 02:30 does not exist on 03-29
        ("0 * * * *", "Europe/Berlin", "2026-03-29 00:30", "2026-03-29 01:00"),  // 01:00 UTC is 03:00 CEST
        ("0 22 * * FRI", "America/New_York", "2026-03-06 12:00", "2026-03-07 03:00"),
        ("0 0 * * *", "Asia/Kolkata", "2026-03-06 00:00", "2026-03-06 18:30"),
    ]

    @Test("the next start in a time zone, across daylight-saving changes", arguments: zoned)
    func nextInZone(schedule: String, zone: String, after: String, expected: String) throws {
        let cron = try CronSchedule(schedule)
        #expect(cron.next(after: Instant.at(after), in: TimeZone(identifier: zone)!) == Instant.at(expected))
    }

    @Test("a CRON_TZ= or TZ= prefix overrides the zone asked about")
    func zonePrefix() throws {
        let utc = TimeZone(identifier: "UTC")!
        let tokyo = try CronSchedule("CRON_TZ=Asia/Tokyo 0 9 * * *")
        #expect(tokyo.timeZone == TimeZone(identifier: "Asia/Tokyo"))
        #expect(tokyo.next(after: Instant.at("2026-03-06 12:00"), in: utc) == Instant.at("2026-03-07 00:00"))
        let berlin = try CronSchedule("TZ=Europe/Berlin @daily")
        #expect(berlin.next(after: Instant.at("2026-03-06 12:00"), in: utc) == Instant.at("2026-03-06 23:00"))
        #expect(try CronSchedule("0 9 * * *").timeZone == nil)
        #expect(throws: ProjectError.self) { try CronSchedule("CRON_TZ=Nowhere/Land 0 9 * * *") }
    }

    /// (schedule, words the error must hold)
    static let invalid: [(String, String)] = [
        ("", "0 fields"),
        ("* * * *", "4 fields"),
        ("* * * * * *", "6 fields"),
        ("60 * * * *", "minute 60 is out of range"),
        ("* 24 * * *", "hour 24 is out of range"),
        ("* * 0 * *", "day of month 0 is out of range"),
        ("* * 32 * *", "day of month 32 is out of range"),
        ("* * * 13 *", "month 13 is out of range"),
        ("* * * * 7", "day of week 7 is out of range"),
        ("5-1 * * * *", "starts after it ends"),
        ("*/0 * * * *", "positive number"),
        ("*/x * * * *", "positive number"),
        ("a * * * *", "minute \"a\" is not a number"),
        ("1,,2 * * * *", "is not a number"),
        ("* * * FOO *", "month \"FOO\" is not a number"),
        ("1-2-3 * * * *", "more than one '-'"),
        ("@every 1h", "not a cron schedule"),
        ("@reboot", "not a cron schedule"),
    ]

    @Test("schedules that are not cron", arguments: invalid)
    func rejects(schedule: String, words: String) {
        #expect {
            try CronSchedule(schedule)
        } throws: { error in
            (error as? ProjectError)?.message.contains(words) == true
        }
    }
}
