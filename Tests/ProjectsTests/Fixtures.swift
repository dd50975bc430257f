import Foundation

/// Fixed instants for the tests, written as wall-clock time in a zone (UTC unless given).
enum Instant {
    /// `2026-03-06 22:30` (or with seconds) read in `zone`.
    static func at(_ text: String, in zone: String = "UTC") -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)!
        formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
        return date
    }
}
