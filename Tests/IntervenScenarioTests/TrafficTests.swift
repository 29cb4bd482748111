import IntervenCore
import IntervenScenario
import IntervenTesting
import Testing

private func ms(_ h: Int64, _ m: Int64 = 0) -> SimDuration { .hours(h) + .minutes(m) }

@Suite("Rates")
struct RateTests {
    /// (text, events, per this many milliseconds)
    static let valid: [(String, Double, Double)] = [
        ("30/min", 30, 60_000), ("2/h", 2, 3_600_000), ("0.5/s", 0.5, 1000), ("100/d", 100, 86_400_000),
        ("50000/hour", 50_000, 3_600_000), ("5/sec", 5, 1000), ("0/min", 0, 60_000),
    ]

    @Test("rates parse in the usual units", arguments: valid)
    func parses(_ c: (String, Double, Double)) throws {
        let r = try #require(Rate(c.0))
        let expected = c.1 / c.2
        #expect(abs(r.perMillisecond - expected) <= expected * 1e-12)
    }

    @Test("malformed rates are refused", arguments: ["30", "30/", "/min", "-2/h", "2/week", "1.2.3/s", "abc/min", "30 per min"])
    func refuses(_ text: String) { #expect(Rate(text) == nil) }

    @Test("a rate prints in a normal form") func normalForm() { #expect(Rate("30/m")?.description == "30/min") }
}

@Suite("Arrival processes")
struct ArrivalTests {
    /// Arrivals of one process from 0 until `end`.
    func times(_ a: Arrivals, until end: SimTime, seed: UInt64 = 1, stream: UInt64 = 1) -> [SimTime] {
        var rng = RandomStream(seed: seed, stream: stream)
        var out: [SimTime] = []
        var t = a.first(from: .zero, rng: &rng)
        while let now = t, now < end {
            out.append(now)
            t = a.next(after: now, rng: &rng)
        }
        return out
    }

    @Test("Poisson arrivals come at the requested mean rate and never go back in time")
    func poisson() throws {
        let t = times(Arrivals(.poisson(try #require(Rate("30/min")))), until: SimTime(milliseconds: SimDuration.hours(24).milliseconds))
        #expect(abs(t.count - 43_200) < 700, "got \(t.count)")
        #expect(zip(t, t.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("constant arrivals are exactly one period apart, from a phase inside the first period")
    func constant() throws {
        let t = times(Arrivals(.constant(try #require(Rate("2/min")))), until: SimTime(milliseconds: 3_600_000))
        #expect(t.count == 120)
        #expect(t[0].milliseconds < 30_000)
        #expect(zip(t, t.dropFirst()).allSatisfy { $1 - $0 == .seconds(30) })
    }

    @Test("agents get different phases and sequences from their own streams")
    func perAgent() throws {
        let a = Arrivals(.poisson(try #require(Rate("1/min"))))
        let end = SimTime(milliseconds: 3_600_000)
        #expect(times(a, until: end, stream: 1) != times(a, until: end, stream: 2))
        #expect(times(a, until: end, stream: 1) == times(a, until: end, stream: 1))
    }

    @Test("bursts arrive only in their on-phases")
    func bursts() throws {
        let a = Arrivals(.bursts(rate: try #require(Rate("60/min")), on: .minutes(5), off: .minutes(25)))
        let t = times(a, until: SimTime(milliseconds: 48 * 3_600_000))
        #expect(!t.isEmpty)
        #expect(t.allSatisfy { $0.milliseconds % 1_800_000 < 300_000 })
        // 96 bursts of 5 min at 1/s: 28,800 expected (σ ≈ 170).
        #expect(abs(t.count - 28_800) < 600, "got \(t.count)")
    }

    @Test("a daily window keeps arrivals inside it, also across midnight", arguments: [
        (SimDuration.hours(9), SimDuration.hours(18)), (SimDuration.hours(22), SimDuration.hours(6)),
    ])
    func window(_ start: SimDuration, _ end: SimDuration) throws {
        let w = DailyWindow(start: start, end: end)
        for process in [ArrivalProcess.poisson(try #require(Rate("20/h"))), .constant(try #require(Rate("20/h")))] {
            let t = times(Arrivals(process, window: w), until: SimTime(milliseconds: 3 * 86_400_000))
            #expect(t.count > 300)
            #expect(t.allSatisfy { w.contains($0) })
        }
    }

    @Test("the window boundary: open at its start, closed at its end")
    func windowEdges() {
        let w = DailyWindow(start: ms(9), end: ms(18))
        #expect(w.contains(SimTime.zero + ms(9)))
        #expect(!w.contains(SimTime.zero + ms(18)))
        #expect(!w.contains(SimTime.zero + ms(9) - SimDuration(milliseconds: 1)))
        #expect(w.nextOpen(atOrAfter: SimTime.zero + ms(20)) == SimTime.zero + ms(33))
    }

    @Test("a zero rate, or bursts that never meet the window, never arrive")
    func silent() throws {
        var rng = RandomStream(seed: 1, stream: 1)
        #expect(Arrivals(.poisson(try #require(Rate("0/min")))).first(from: .zero, rng: &rng) == nil)
        #expect(Arrivals(.constant(try #require(Rate("0/h")))).first(from: .zero, rng: &rng) == nil)
        // On-phases are the first hour of each day; the window is the afternoon.
        let never = Arrivals(.bursts(rate: try #require(Rate("1/s")), on: .hours(1), off: .hours(23)),
                             window: DailyWindow(start: ms(13), end: ms(17)))
        #expect(never.first(from: .zero, rng: &rng) == nil)
    }
}
