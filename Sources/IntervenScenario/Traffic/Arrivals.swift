public import IntervenCore

/// How an agent's scans are spread over virtual time.
public enum ArrivalProcess: Sendable, Equatable {
    /// Independent arrivals at a mean rate (exponential gaps).
    case poisson(Rate)
    /// One arrival per period, each agent at its own phase.
    case constant(Rate)
    /// Poisson at `rate` during `on`, silent during `off`; cycles start at time zero.
    case bursts(rate: Rate, on: SimDuration, off: SimDuration)
}

/// A daily activity window: arrivals happen only at times of day in `[start, end)`, which may
/// wrap midnight (`22:00`–`06:00`).
public struct DailyWindow: Sendable, Equatable {
    /// Time of day the window opens.
    public var start: SimDuration
    /// Time of day the window closes (exclusive).
    public var end: SimDuration
    package static let day: Int64 = 86_400_000

    /// A window from `start` to `end` (times of day in [0, 24 h)).
    public init(start: SimDuration, end: SimDuration) { self.start = start; self.end = end }

    /// Whether an instant's time of day lies in the window.
    public func contains(_ t: SimTime) -> Bool {
        let tod = t.milliseconds.modulo(Self.day)
        let s = start.milliseconds, e = end.milliseconds
        return s <= e ? (tod >= s && tod < e) : (tod >= s || tod < e)
    }

    /// The first instant at or after `t` inside the window.
    public func nextOpen(atOrAfter t: SimTime) -> SimTime {
        if contains(t) { return t }
        let dayStart = t.milliseconds - t.milliseconds.modulo(Self.day)
        let opening = dayStart + start.milliseconds
        return SimTime(milliseconds: opening > t.milliseconds ? opening : opening + Self.day)
    }
}

/// The arrival times of one agent: a process, optionally limited to a daily window.
///
/// Times are integer milliseconds; draws come from the agent's own `RandomStream`, so the same
/// seed gives the same times on every machine.
public struct Arrivals: Sendable, Equatable {
    public var process: ArrivalProcess
    public var window: DailyWindow?
    /// Attempts before a process that can never fire inside its window is declared silent.
    static let maxAttempts = 10_000

    /// Arrivals of `process`, limited to `window` when given.
    public init(_ process: ArrivalProcess, window: DailyWindow? = nil) { self.process = process; self.window = window }

    /// The first arrival at or after `start` (constant arrivals get a random phase), or nil if
    /// the agent never scans.
    public func first(from start: SimTime, rng: inout RandomStream) -> SimTime? {
        if case .constant(let rate) = process {
            guard let period = Self.period(rate) else { return nil }
            return admit(start + SimDuration(milliseconds: Int64(rng.nextBelow(UInt64(period)))))
        }
        return next(after: start, rng: &rng)
    }

    /// The arrival after one at `t`, or nil if there is none.
    public func next(after t: SimTime, rng: inout RandomStream) -> SimTime? {
        var from = t
        for _ in 0..<Self.maxAttempts {
            guard let candidate = draw(after: from, rng: &rng) else { return nil }
            guard let restart = relocate(candidate) else { return candidate }
            // Constant arrivals resume at the opening itself; Poisson ones draw again from it.
            if case .constant = process { return admit(restart) }
            from = restart
        }
        return nil
    }

    /// The first admissible instant at or after `t` (for constant arrivals), or nil if none.
    private func admit(_ t: SimTime) -> SimTime? {
        var at = t
        for _ in 0..<Self.maxAttempts {
            guard let moved = relocate(at) else { return at }
            at = moved
        }
        return nil
    }

    /// Where to restart when `t` is outside the burst's on-phase or the daily window, or nil if
    /// `t` is admissible. Restarting at the opening is exact for Poisson (memoryless).
    private func relocate(_ t: SimTime) -> SimTime? {
        if case .bursts(_, let on, let off) = process {
            let cycle = on.milliseconds + off.milliseconds
            let phase = t.milliseconds.modulo(Int(cycle))
            if phase >= on.milliseconds { return SimTime(milliseconds: t.milliseconds - phase + cycle) }
        }
        if let w = window, !w.contains(t) { return w.nextOpen(atOrAfter: t) }
        return nil
    }

    private func draw(after t: SimTime, rng: inout RandomStream) -> SimTime? {
        switch process {
        case .poisson(let rate), .bursts(let rate, _, _):
            guard let mean = rate.meanInterval, mean < 1e15 else { return nil }
            // Stochastic rounding to whole milliseconds keeps the mean gap exact (plain
            // truncation would shorten every gap by half a millisecond on average).
            let gap = rng.exponential(mean: mean) + rng.nextUnit()
            guard gap < 1e15 else { return nil }
            return t + SimDuration(milliseconds: Int64(gap))
        case .constant(let rate):
            guard let period = Self.period(rate) else { return nil }
            return t + SimDuration(milliseconds: period)
        }
    }

    /// The whole-millisecond period of a constant rate (at least 1 ms), or nil for zero.
    package static func period(_ rate: Rate) -> Int64? {
        guard let mean = rate.meanInterval, mean < 1e15 else { return nil }
        return max(1, Int64(mean.rounded()))
    }
}

extension Int64 {
    /// The non-negative remainder.
    fileprivate func modulo(_ n: Int) -> Int64 {
        let r = self % Int64(n)
        return r < 0 ? r + Int64(n) : r
    }
    fileprivate func modulo(_ n: Int64) -> Int64 { modulo(Int(n)) }
}
