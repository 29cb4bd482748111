/// The highest trust an agent had within a trailing window, for the trust-collapse trigger.
///
/// A monotonic deque of (trust, superseded-at) with strictly decreasing trust: the front is the
/// window's maximum. Each entry keeps the time the value after it was recorded, even when a later
/// rise drops that successor from the deque, so an old peak leaves the window when it really
/// stopped being in force. Storage grows only to the longest run of successive falls ever seen,
/// then is reused, so the steady state allocates nothing. An agent whose trust never changed has
/// no storage.
struct TrustHistory: Sendable {
    /// When each entry stopped being the agent's trust; `Int64.max` for the latest.
    private var ends: [Int64] = []
    private var values: [Int32] = []
    private var head = 0

    /// Records that trust became `value` at `time` (times never decrease).
    mutating func record(_ value: Score, at time: SimTime) {
        if values.count > head { ends[ends.count - 1] = time.milliseconds }
        while values.count > head, values[values.count - 1] <= value.micros {
            values.removeLast(); ends.removeLast()
        }
        if head > 0 && head == values.count { values.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true); head = 0 }
        if head > 32 && head * 2 > values.count {
            values.removeFirst(head); ends.removeFirst(head); head = 0
        }
        values.append(value.micros)
        ends.append(.max)
    }

    /// Whether nothing has been recorded (or everything was cleared).
    var isEmpty: Bool { values.count == head }

    /// The highest trust within [now − window, now], given the value now.
    ///
    /// A change exactly one window ago is within the window (docs/behaviour.md §1: a boundary case exactly at
    /// the window fires), so the value it replaced counts as well.
    mutating func maximum(over window: SimDuration, now: SimTime, current: Score) -> Score {
        let start = now.milliseconds - window.milliseconds
        // Drop entries that stopped being in force strictly before the window opened.
        while values.count - head >= 2, ends[head] < start { head += 1 }
        guard values.count > head else { return current }
        return Score(micros: max(values[head], current.micros))
    }

    /// Forgets everything (operator reset).
    mutating func clear() { ends.removeAll(keepingCapacity: true); values.removeAll(keepingCapacity: true); head = 0 }
}
