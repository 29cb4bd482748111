/// An order-sensitive 64-bit hash for telling two runs apart cheaply.
///
/// Built from SplitMix64 steps over integers, so it is the same on every machine and process.
public struct Fingerprint: Sendable, Equatable, CustomStringConvertible {
    /// The hash so far, starting from a fixed constant (SHA-512's first initial word).
    public var value: UInt64 = 0x6A09_E667_F3BC_C908

    /// The fingerprint of nothing, the same in every process.
    public init() {}

    /// Mixes in one integer.
    public mutating func combine(_ x: UInt64) { value = splitMix64(value ^ x) }
    /// Mixes in a signed integer.
    public mutating func combine(_ x: Int64) { combine(UInt64(bitPattern: x)) }
    /// Mixes in a string (by its stable hash).
    public mutating func combine(_ s: String) { combine(stableHash(s)) }

    /// 16 lowercase hex digits.
    public var description: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

extension Gateway {
    /// A fingerprint of the incident timeline (every incident with its traces, actions, notes
    /// and status) and every agent's trust, suspension and pin.
    public func stateFingerprint() -> Fingerprint {
        var f = Fingerprint()
        for i in desk.incidents.sorted(by: { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }) {
            f.combine(Int64(i.id.agent)); f.combine(UInt64(i.id.ordinal)); f.combine(UInt64(i.trigger.kind.rawValue))
            f.combine(symbols[i.trigger.key]); f.combine(UInt64(i.severity.rawValue)); f.combine(i.openedAt.milliseconds)
            f.combine(UInt64(i.status.rawValue)); f.combine(UInt64(i.resolution?.rawValue ?? 255))
            for t in i.traces { f.combine(t.trace); f.combine(t.time.milliseconds) }
            for a in i.actions { f.combine(UInt64(a.kind.rawValue)); f.combine(a.time.milliseconds); f.combine(a.detail) }
            for n in i.notes { f.combine(n.author); f.combine(n.time.milliseconds); f.combine(n.text) }
        }
        for a in 0..<roster.count {
            f.combine(Int64(trust.score(a).micros))
            f.combine(UInt64(trust.isSuspended(a) ? 1 : 0))
            f.combine(trust.pinnedUntil(a).milliseconds)
        }
        return f
    }
}
