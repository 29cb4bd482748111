import Foundation
public import IntervenCore
import Synchronization

/// The gateway's clock: gateway milliseconds since the database was created, running `speed`
/// times faster than the wall clock. Windows, TTLs and idle recovery all follow it.
public protocol GatewayClock: Sendable {
    func now() -> SimTime
}

/// Wall clock (monotonic while running), resumed after a restart from the last event.
public final class ScaledClock: GatewayClock {
    let start: SimTime
    let origin = ContinuousClock.now
    let speed: Double
    private let last = Mutex<Int64>(0)

    public init(start: SimTime, speed: Double) {
        self.start = start
        self.speed = speed
    }

    public func now() -> SimTime {
        let d = ContinuousClock.now - origin
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        let t = start.milliseconds + Int64(ms * speed)
        // Never backwards, even across threads.
        return SimTime(milliseconds: last.withLock { v in v = max(v, t); return v })
    }
}

/// A clock tests set by hand.
public final class ManualClock: GatewayClock {
    private let t = Mutex<Int64>(0)
    public init(_ start: SimTime = .zero) { t.withLock { $0 = start.milliseconds } }
    public func now() -> SimTime { SimTime(milliseconds: t.withLock { $0 }) }
    public func set(_ time: SimTime) { t.withLock { $0 = time.milliseconds } }
    public func advance(by d: SimDuration) { t.withLock { $0 += d.milliseconds } }
}

/// Wall-clock milliseconds since 1970.
func wallMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
