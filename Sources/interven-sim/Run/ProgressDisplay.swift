#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IntervenCore
import IntervenScenario
import IntervenSimulation
import Synchronization

/// Shows a run's progress on stderr: a redrawn bar on a terminal, a plain line every 10%
/// otherwise, nothing when quiet.
///
/// The simulation reports about once per virtual-time percent from its coordinator; the display
/// may be called from any thread, so its state sits behind a mutex.
final class ProgressDisplay: Sendable {
    /// How progress is shown.
    enum Style: Sendable {
        /// One line redrawn in place (at most ten times a second): bar, virtual time, scans/s, ETA.
        case terminal
        /// `progress: 50% virtual 12:00:00 of 24h, 1.2 M scans/s` at every 10%.
        case lines
        /// Nothing.
        case silent

        /// `terminal` when stderr is a terminal, `lines` otherwise; `silent` when quiet.
        static func forStandardError(quiet: Bool) -> Style {
            quiet ? .silent : isatty(2) != 0 ? .terminal : .lines
        }
    }

    private struct State {
        var lastDraw: UInt64? = nil
        var lastTenth = 0
        var latest: RunProgress? = nil
        var drawnLatest = false
    }

    let style: Style
    private let started: UInt64
    private let state = Mutex(State())
    /// Nanoseconds between two redraws of the terminal line.
    private static let redrawInterval: UInt64 = 100_000_000
    private static let barWidth = 24

    init(style: Style) {
        self.style = style
        started = Stopwatch.nanoseconds()
    }

    /// The callback to hand the simulation (nil when silent, so a quiet run pays nothing).
    var callback: (@Sendable (RunProgress) -> Void)? {
        guard style != .silent else { return nil }
        return { @Sendable [self] p in update(p) }
    }

    /// Records progress and redraws if it is time.
    func update(_ p: RunProgress) {
        let now = Stopwatch.nanoseconds()
        state.withLock { s in
            s.latest = p
            s.drawnLatest = false
            switch style {
            case .silent:
                return
            case .terminal:
                if let last = s.lastDraw, now - last < Self.redrawInterval { return }
                s.lastDraw = now
                s.drawnLatest = true
                writeStandardError("\r" + terminalLine(p, now: now) + "\u{1B}[K")
            case .lines:
                let tenth = Int(min(10, Self.percent(p) / 10))
                guard tenth > s.lastTenth else { return }
                s.lastTenth = tenth
                writeStandardError(plainLine(p, now: now) + "\n")
            }
        }
    }

    /// Ends the display: the terminal line is drawn a last time and the cursor moved past it.
    func finish() {
        guard style == .terminal else { return }
        let now = Stopwatch.nanoseconds()
        state.withLock { s in
            guard let p = s.latest else { return }
            if !s.drawnLatest { writeStandardError("\r" + terminalLine(p, now: now) + "\u{1B}[K") }
            writeStandardError("\n")
            s.lastDraw = now
        }
    }

    // MARK: Text

    /// `[##########--------------]  42%  10:04:00 / 24h  1.2 M scans/s  ETA 1m05s`
    private func terminalLine(_ p: RunProgress, now: UInt64) -> String {
        let percent = Self.percent(p)
        let filled = Int(percent) * Self.barWidth / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: Self.barWidth - filled)
        let pct = percent < 10 ? "  \(percent)%" : percent < 100 ? " \(percent)%" : "\(percent)%"
        return "[\(bar)] \(pct)  \(Self.clock(p.virtualTime.milliseconds)) / \(p.duration.hoursText)  "
            + "\(Self.rate(p.scans, elapsed: now - started)) scans/s  ETA \(eta(p, now: now))"
    }

    /// `progress: 50% virtual 12:00:00 of 24h, 1.2 M scans/s`
    private func plainLine(_ p: RunProgress, now: UInt64) -> String {
        "progress: \(Self.percent(p))% virtual \(Self.clock(p.virtualTime.milliseconds)) of \(p.duration.hoursText), "
            + "\(Self.rate(p.scans, elapsed: now - started)) scans/s"
    }

    /// Remaining wall time, extrapolated from the share of virtual time done so far.
    private func eta(_ p: RunProgress, now: UInt64) -> String {
        let done = p.virtualTime.milliseconds, total = p.duration.milliseconds
        // Before 1% the extrapolation is mostly start-up time.
        guard total > 0, done > 0, done * 100 >= total else { return "--" }
        guard done < total else { return "0s" }
        let elapsed = Double(now - started) / 1e9
        return Self.wallDuration(elapsed * Double(total - done) / Double(done))
    }

    /// Virtual-time percent done, 0...100.
    static func percent(_ p: RunProgress) -> Int64 {
        let total = p.duration.milliseconds
        guard total > 0 else { return 100 }
        return min(100, max(0, p.virtualTime.milliseconds) * 100 / total)
    }

    /// Virtual time as `HH:MM:SS` with hours past 24 (`36:00:00`), matching a run length in hours.
    static func clock(_ ms: Int64) -> String {
        let s = max(0, ms) / 1000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    }

    /// Scans per second as `950`, `12.3 k`, `1.2 M`.
    static func rate(_ scans: UInt64, elapsed ns: UInt64) -> String {
        ns > 0 ? rate(perSecond: Double(scans) / (Double(ns) / 1e9)) : "0"
    }

    /// A rate as `950`, `12.3 k`, `1.2 M`.
    static func rate(perSecond r: Double) -> String {
        guard r.isFinite, r >= 0 else { return "0" }
        if r >= 1e6 { return fmt(r / 1e6, 1) + " M" }
        if r >= 1e3 { return fmt(r / 1e3, 1) + " k" }
        return "\(Int64(r.rounded()))"
    }

    /// A wall-clock length as `42s`, `3m05s`, `1h02m`.
    static func wallDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--" }
        let s = Int64(seconds.rounded())
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
        return "\(s / 3600)h\(two(s / 60 % 60))m"
    }
}
