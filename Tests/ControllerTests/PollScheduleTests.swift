import Testing

@testable import Controller

/// The one poll timer's schedule, driven with explicit times: nothing sleeps.
@Suite("Poll schedule")
struct PollScheduleTests {
    let start = ContinuousClock.now

    @Test("an application is due one interval after it was added, then one interval after each poll")
    func rhythm() {
        var schedule = PollSchedule(interval: .seconds(10))
        schedule.add("a", now: start)
        schedule.add("b", now: start + .seconds(3))
        #expect(schedule.nextDue() == start + .seconds(10))
        #expect(schedule.takeDue(now: start + .seconds(9)) == [])
        #expect(schedule.takeDue(now: start + .seconds(10)) == ["a"])
        #expect(schedule.nextDue() == start + .seconds(13))
        #expect(schedule.takeDue(now: start + .seconds(14)) == ["b"], "taken late")
        #expect(schedule.nextDue() == start + .seconds(20))
        #expect(schedule.takeDue(now: start + .seconds(24)) == ["a", "b"], "in the order they came due")
        #expect(schedule.count == 2)
    }

    @Test("a removed application is no longer due; adding it again starts its interval over")
    func removeAndReadd() {
        var schedule = PollSchedule(interval: .seconds(10))
        schedule.add("a", now: start)
        schedule.add("b", now: start + .seconds(1))
        schedule.remove("a")
        #expect(schedule.count == 1)
        #expect(schedule.nextDue() == start + .seconds(11))
        schedule.add("b", now: start + .seconds(5))
        #expect(schedule.takeDue(now: start + .seconds(11)) == [], "b's earlier schedule was replaced")
        #expect(schedule.takeDue(now: start + .seconds(15)) == ["b"])
        schedule.remove("b")
        #expect(schedule.nextDue() == nil)
        #expect(schedule.takeDue(now: start + .seconds(100)) == [])
    }
}
