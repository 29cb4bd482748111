import Histogram
import Synchronization

/// Why a request failed.
public enum FailureCause: String, Sendable, CaseIterable {
    case connect, timeout, status4xx = "4xx", status5xx = "5xx", other
}

/// Latencies in microseconds, from 1 µs to 10 minutes, 3 significant digits.
typealias Latency = Histogram<UInt64>

func newLatency() -> Latency { Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three) }

/// Everything the load generator measures, shared by the request tasks.
final class LoadStats: Sendable {
    struct State {
        /// Corrected latency (from the intended send time) per endpoint and per decision.
        var byEndpoint: [String: Latency] = [:]
        var byDecision: [String: Latency] = [:]
        /// Scans measured from the actual send time (what a closed-loop tool would report).
        var naiveScans = newLatency()
        var allScans = newLatency()
        var sent = 0
        var completed = 0
        var errorsByStatus: [Int: Int] = [:]
        var errorsByCause: [FailureCause: Int] = [:]
        var errorSamples: [String] = []
        /// Sends that left later than planned (more than 1 ms), and by how much (µs).
        var behind = 0
        var lag = newLatency()
        /// Completed requests per wall second since the start.
        var perSecond: [Int] = []
        var decisions: [String: Int] = [:]
        var retriesAfterApproval = 0
        var polls = 0
        var backoffs = 0
        var skippedWhileBlocked = 0
        var operatorActions: [String] = []
        /// Approvals and incidents handed to the analyst, its decisions sent, and those the target refused (409).
        var analystWork = 0
        var analystActions = 0
        var analystRefused = 0
        /// Per-second interval histograms of every latency, for the `.hlog` files.
        var logs = IntervalLogs()
    }

    let state = Mutex(State())

    func started(lagMicros: Int64) {
        state.withLock { s in
            s.sent += 1
            if lagMicros > 1000 { s.behind += 1; _ = s.lag.record(UInt64(lagMicros)) }
        }
    }

    /// A finished request: `corrected` from the intended time, `naive` from the actual send.
    func finished(endpoint: String, decision: String?, corrected: Int64, naive: Int64, second: Int, failure: (FailureCause, Int?, String)?) {
        state.withLock { s in
            s.completed += 1
            let c = UInt64(max(1, corrected)), n = UInt64(max(1, naive))
            _ = s.byEndpoint[endpoint, default: newLatency()].record(c)
            let t = max(0, second)
            if endpoint == "scan" {
                _ = s.allScans.record(c)
                _ = s.naiveScans.record(n)
                s.logs.record("scan", c, second: t)
                s.logs.record("scan-naive", n, second: t)
            } else {
                s.logs.record(endpoint, c, second: t)
            }
            if let d = decision {
                _ = s.byDecision[d, default: newLatency()].record(c)
                s.decisions[d, default: 0] += 1
                s.logs.record("scan-" + d.lowercased(), c, second: t)
            }
            if second >= 0 {
                while s.perSecond.count <= second { s.perSecond.append(0) }
                s.perSecond[second] += 1
            }
            if let (cause, status, message) = failure {
                s.errorsByCause[cause, default: 0] += 1
                if let status { s.errorsByStatus[status, default: 0] += 1 }
                if s.errorSamples.count < 10 { s.errorSamples.append(message) }
            }
        }
    }

    /// Ends the last interval of the logs at `micros` after the start.
    func closeIntervals(atMicros micros: Int64) {
        state.withLock { s in s.logs.close(length: max(0.001, Double(micros) / 1e6 - Double(s.logs.second))) }
    }

    func note(_ body: (inout State) -> Void) { state.withLock { body(&$0) } }
    func snapshot() -> State { state.withLock { $0 } }
}
