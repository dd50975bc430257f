/// When each application is polled next, so one timer serves every application instead of a sleeping task
/// each (a sleeping task holds about 2.5 KB: 12.5 MB for 5,000 applications). Pure: the controller's one
/// poll task asks it what is due and until when to sleep.
///
/// An application added is due one ``interval`` after it was added, then one interval after each time it
/// was taken as due (as a task sleeping an interval between polls would be). Adding, removing
/// and taking what is due cost O(log n) per application; a removed application leaves its place in the
/// heap, skipped when it surfaces.
struct PollSchedule: Sendable {
    private struct Due: Comparable, Sendable {
        var at: ContinuousClock.Instant
        var order: Int
        var name: String

        static func < (lhs: Due, rhs: Due) -> Bool { (lhs.at, lhs.order) < (rhs.at, rhs.order) }
    }

    /// How long after it came due an application is due again.
    let interval: Duration
    private var heap = BinaryHeap<Due>()
    /// The order of each scheduled application's current place in the heap.
    private var current: [String: Int] = [:]
    private var nextOrder = 0

    /// An empty schedule polling every `interval`.
    init(interval: Duration) {
        self.interval = interval
    }

    /// How many applications are scheduled.
    var count: Int { current.count }

    /// Schedules `name` one interval after `now`, in place of any earlier schedule of it.
    mutating func add(_ name: String, now: ContinuousClock.Instant) {
        schedule(name, at: now + interval)
    }

    /// Stops polling `name`.
    mutating func remove(_ name: String) {
        current[name] = nil
    }

    /// The applications due at `now`, in the order they came due; each is scheduled again.
    mutating func takeDue(now: ContinuousClock.Instant) -> [String] {
        var due: [String] = []
        while let first = heap.min, first.at <= now {
            heap.popMin()
            guard current[first.name] == first.order else { continue }
            due.append(first.name)
            schedule(first.name, at: now + interval)
        }
        return due
    }

    /// When the next application is due; `nil` when none is scheduled. Drops removed applications' places.
    mutating func nextDue() -> ContinuousClock.Instant? {
        while let first = heap.min {
            if current[first.name] == first.order { return first.at }
            heap.popMin()
        }
        return nil
    }

    private mutating func schedule(_ name: String, at instant: ContinuousClock.Instant) {
        nextOrder += 1
        current[name] = nextOrder
        heap.insert(Due(at: instant, order: nextOrder, name: name))
    }
}
