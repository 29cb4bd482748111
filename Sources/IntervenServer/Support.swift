import Foundation
import IntervenCore
import Synchronization

/// Per-key token buckets: `rate` calls per second with a burst of one second's worth.
final class RateLimiter: Sendable {
    struct Bucket { var tokens: Double; var last: ContinuousClock.Instant }
    private let buckets = Mutex<[String: Bucket]>([:])

    /// nil when allowed; otherwise the seconds to wait before a call is allowed again.
    func take(key: String, rate: Double) -> Int? {
        let now = ContinuousClock.now
        let capacity = max(1, rate)
        return buckets.withLock { all -> Int? in
            var b = all[key] ?? Bucket(tokens: capacity, last: now)
            let d = now - b.last
            let secs = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            b.tokens = min(capacity, b.tokens + secs * rate)
            b.last = now
            if b.tokens >= 1 {
                b.tokens -= 1
                all[key] = b
                return nil
            }
            all[key] = b
            return max(1, Int(((1 - b.tokens) / rate).rounded(.up)))
        }
    }
}

/// API keys already checked against the configured hashes, so a key is hashed once rather than on
/// every request. Only keys that matched a configured hash are kept (at most one per configured
/// key), so the table cannot grow with requests.
final class KnownTokens: Sendable {
    private let entries = Mutex<[String: KeyEntry]>([:])
    func entry(_ token: String) -> KeyEntry? { entries.withLock { $0[token] } }
    func remember(_ token: String, _ entry: KeyEntry) { entries.withLock { $0[token] = entry } }
}

/// Timestamps: gateway milliseconds shown as UTC ISO 8601 from the database's epoch.
struct Timestamps: Sendable {
    let epochWall: Int64

    func iso(_ t: SimTime) -> String { Timestamps.format(epochWall + t.milliseconds) }
    func isoOrNull(_ t: SimTime?) -> JSON { t.map { .string(iso($0)) } ?? .null }

    /// Parses `2026-01-02T03:04:05Z` (optionally with `.sss`) into gateway time.
    func parse(_ s: String) -> SimTime? { Timestamps.parseWall(s).map { SimTime(milliseconds: $0 - epochWall) } }

    static func format(_ ms: Int64) -> String {
        let days = Int64((Double(ms) / 86_400_000).rounded(.down))
        var rem = ms - days * 86_400_000
        let (y, m, d) = civil(days)
        let h = rem / 3_600_000; rem %= 3_600_000
        let mi = rem / 60_000; rem %= 60_000
        let s = rem / 1000, f = rem % 1000
        func p(_ v: Int64, _ w: Int) -> String { let t = String(v); return String(repeating: "0", count: max(0, w - t.count)) + t }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(h, 2)):\(p(mi, 2)):\(p(s, 2)).\(p(f, 3))Z"
    }

    /// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
    static func civil(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func days(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func parseWall(_ s: String) -> Int64? {
        var b = Array(s.utf8)
        func num(_ r: Range<Int>) -> Int64? {
            guard r.upperBound <= b.count else { return nil }
            var v: Int64 = 0
            for i in r { guard b[i] >= 48 && b[i] <= 57 else { return nil }; v = v * 10 + Int64(b[i] - 48) }
            return v
        }
        // A trailing Z, or a +hh:mm / -hh:mm offset (RFC 3339).
        var offset: Int64 = 0
        if b.last == 122 { b[b.count - 1] = 90 }
        if b.count >= 25, b[b.count - 6] == 43 || b[b.count - 6] == 45, b[b.count - 3] == 58 {
            let sign = b[b.count - 6]
            let n = b.count
            guard let oh = num(n - 5..<n - 3), let om = num(n - 2..<n), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60_000 * (sign == 43 ? 1 : -1)
            b = Array(b[..<(n - 6)]) + [90]
        }
        return parseZ(b).map { $0 - offset }
    }

    private static func parseZ(_ b: [UInt8]) -> Int64? {
        func num(_ r: Range<Int>) -> Int64? {
            guard r.upperBound <= b.count else { return nil }
            var v: Int64 = 0
            for i in r { guard b[i] >= 48 && b[i] <= 57 else { return nil }; v = v * 10 + Int64(b[i] - 48) }
            return v
        }
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58, b.last == 90,
              let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16),
              let sec = num(17..<19), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        var ms: Int64 = 0
        if b.count > 20 {
            guard b[19] == 46, b.count >= 22 else { return nil }
            let digits = b.count - 21
            guard digits <= 9, let f = num(20..<(b.count - 1)) else { return nil }
            var v = f
            if digits < 3 {
                for _ in 0..<(3 - digits) { v *= 10 }
            } else {
                for _ in 0..<(digits - 3) { v /= 10 }
            }
            ms = v
        } else if b.count != 20 { return nil }
        return ((days(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms
    }
}
