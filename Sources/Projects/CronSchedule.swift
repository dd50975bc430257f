public import Foundation

/// A standard five-field cron schedule (minute, hour, day of month, month, day of week), read as
/// robfig/cron's standard parser reads it (the parser Argo CD uses for sync windows).
///
/// Each field is `*` (or `?`), a value, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from `a`
/// to the field's maximum), or a comma-separated list of these. Months take `JAN`–`DEC` and days
/// of week `SUN`–`SAT` (any case); day of week runs 0–6 (Sunday 0). When both day fields are
/// restricted (neither is `*`), a day matches if either does (Vixie cron's rule); otherwise both
/// must. `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` and `@hourly` stand
/// for their usual schedules. `@every` is not supported in sync windows. A `CRON_TZ=Zone ` (or
/// `TZ=Zone `) prefix reads the schedule in that zone whatever zone it is asked about.
public struct CronSchedule: Sendable, Hashable {
    /// The schedule as written.
    public let text: String
    /// The zone a `CRON_TZ=`/`TZ=` prefix names; it overrides the zone given to ``next(after:in:)``.
    public let timeZone: TimeZone?
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    /// Whether a field was `*` (robfig's "star bit"), which makes the two day fields combine with AND.
    let anyDayOfMonth: Bool
    let anyDayOfWeek: Bool

    /// How far ``next(after:in:)`` looks before giving up, as robfig/cron does.
    static let searchYears = 5

    /// Parses a schedule; the error says which field is wrong and why (the caller prefixes where
    /// the schedule was written).
    public init(_ text: String) throws(ProjectError) {
        self.text = text
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        var zone: TimeZone?
        for prefix in ["CRON_TZ=", "TZ="] where trimmed.hasPrefix(prefix) {
            let rest = trimmed.dropFirst(prefix.count)
            let name = rest.prefix { !$0.isWhitespace }
            guard let named = TimeZone(identifier: String(name)) else {
                throw ProjectError("\(prefix)\(name) is not a time zone; use an IANA name like Europe/Berlin")
            }
            zone = named
            trimmed = rest.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
            break
        }
        self.timeZone = zone
        let descriptors = [
            "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
            "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
        ]
        var spec = trimmed
        if trimmed.hasPrefix("@") {
            guard let expanded = descriptors[trimmed.lowercased()] else {
                throw ProjectError(
                    "\"\(text)\" is not a cron schedule: use five fields (minute hour day-of-month month day-of-week) "
                        + "or one of @yearly, @monthly, @weekly, @daily, @hourly")
            }
            spec = expanded
        }
        let fields = spec.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else {
            throw ProjectError(
                "\"\(text)\" has \(fields.count) fields; a cron schedule has five: minute hour day-of-month month day-of-week"
            )
        }
        let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        let minute = try Self.field(fields[0], name: "minute", range: 0...59, names: [:])
        let hour = try Self.field(fields[1], name: "hour", range: 0...23, names: [:])
        let dom = try Self.field(fields[2], name: "day of month", range: 1...31, names: [:])
        let month = try Self.field(
            fields[3], name: "month", range: 1...12,
            names: Dictionary(uniqueKeysWithValues: monthNames.enumerated().map { ($1, $0 + 1) }))
        let dow = try Self.field(
            fields[4], name: "day of week", range: 0...6,
            names: Dictionary(uniqueKeysWithValues: dayNames.enumerated().map { ($1, $0) }))
        minutes = minute.values
        hours = hour.values
        daysOfMonth = dom.values
        months = month.values
        daysOfWeek = dow.values
        anyDayOfMonth = dom.star
        anyDayOfWeek = dow.star
    }

    private static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String: Int]
    ) throws(ProjectError) -> (values: Set<Int>, star: Bool) {
        var values = Set<Int>()
        var star = false
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw ProjectError("\(name) \"\(item)\" has more than one '/'") }
            let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
            var low: Int
            var high: Int
            var itemStar = false
            if parts[0] == "*" || parts[0] == "?" {
                low = range.lowerBound
                high = range.upperBound
                itemStar = true
            } else {
                guard bounds.count <= 2 else { throw ProjectError("\(name) \"\(item)\" has more than one '-'") }
                low = try value(bounds[0], name: name, range: range, names: names)
                high = bounds.count == 2 ? try value(bounds[1], name: name, range: range, names: names) : low
            }
            var step = 1
            if parts.count == 2 {
                guard let parsed = Int(parts[1]), parsed > 0 else {
                    throw ProjectError("\(name) \"\(item)\": the step after '/' must be a positive number")
                }
                step = parsed
                if bounds.count == 1 { high = range.upperBound }
                if step > 1 { itemStar = false }
            }
            guard low <= high else {
                throw ProjectError("\(name) \"\(item)\": the range starts after it ends (\(low) > \(high))")
            }
            values.formUnion(stride(from: low, through: high, by: step))
            star = star || itemStar
        }
        return (values, star)
    }

    private static func value(
        _ text: Substring, name: String, range: ClosedRange<Int>, names: [String: Int]
    ) throws(ProjectError) -> Int {
        if let named = names[text.lowercased()] { return named }
        guard let number = Int(text), number >= 0 else {
            throw ProjectError("\(name) \"\(text)\" is not a number")
        }
        guard range.contains(number) else {
            throw ProjectError(
                "\(name) \(number) is out of range: it must be \(range.lowerBound)–\(range.upperBound)")
        }
        return number
    }

    /// Whether the minute that holds `components` (in the schedule's time zone) is a scheduled one.
    func matches(_ components: DateComponents) -> Bool {
        guard let minute = components.minute, let hour = components.hour, let day = components.day,
            let month = components.month, let weekday = components.weekday
        else { return false }
        return minutes.contains(minute) && hours.contains(hour) && months.contains(month)
            && dayMatches(day: day, weekday: weekday - 1)
    }

    private func dayMatches(day: Int, weekday: Int) -> Bool {
        let dom = daysOfMonth.contains(day)
        let dow = daysOfWeek.contains(weekday)
        return anyDayOfMonth || anyDayOfWeek ? dom && dow : dom || dow
    }

    /// The first scheduled minute strictly after `date` (robfig/cron's `Next`), reading the fields as
    /// wall-clock time in `timeZone` (or the schedule's own ``timeZone``); `nil` when none comes within five years (e.g. `0 0 30 2 *`).
    /// Wall-clock times a daylight-saving change skips never fire; a repeated hour fires once.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self.timeZone ?? timeZone
        let sortedHours = hours.sorted()
        let sortedMinutes = minutes.sorted()
        guard var day = calendar.dateInterval(of: .day, for: date)?.start else { return nil }
        // On the first day, wall-clock minutes before `date`'s cannot come after it (a repeated hour
        // is reached through its first occurrence only), so the search starts there.
        let now = calendar.dateComponents([.hour, .minute], from: date)
        var earliest = (hour: now.hour ?? 0, minute: now.minute ?? 0)
        for _ in 0..<(Self.searchYears * 366 + 1) {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            if let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday,
                months.contains(month), dayMatches(day: dayOfMonth, weekday: weekday - 1)
            {
                for hour in sortedHours where hour >= earliest.hour {
                    for minute in sortedMinutes where hour > earliest.hour || minute >= earliest.minute {
                        var wanted = parts
                        wanted.hour = hour
                        wanted.minute = minute
                        wanted.second = 0
                        wanted.weekday = nil
                        guard let candidate = calendar.date(from: wanted), candidate > date else { continue }
                        let actual = calendar.dateComponents([.day, .hour, .minute], from: candidate)
                        guard actual.day == dayOfMonth, actual.hour == hour, actual.minute == minute else { continue }
                        return candidate
                    }
                }
            }
            guard let following = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = calendar.startOfDay(for: following)
            earliest = (0, 0)
        }
        return nil
    }
}
