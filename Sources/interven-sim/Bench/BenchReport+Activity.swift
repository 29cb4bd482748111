import IntervenResults

// `bench --activity FILE`: each engine configuration also runs with the activity log of every
// scan, and the report sets the two side by side.

extension BenchReport {
    /// The run of the same shard count without the log.
    func unlogged(_ r: RunFigures, in runs: [RunFigures]) -> RunFigures? {
        runs.first { $0.configuration == "engine:\(r.shards)" && !$0.logsActivity }
    }

    /// One line per run with the log: records, bytes, records per second, the cost against the
    /// same run without it.
    func activityLines(_ runs: [RunFigures]) -> [String] {
        let logged = runs.filter(\.logsActivity)
        guard !logged.isEmpty else { return [] }
        var lines = ["activity:    every scan logged; records/s over the run's wall time plus closing the file (last writes,",
                     "             fsync, rename); cost against the same run without the log"]
        for r in logged {
            guard let a = r.activity else { continue }
            var text = "  " + label(r) + ": \(a.records) records, \(BenchReport.mebibytes(a.bytes)) in "
                + fmt(r.wallWithLogSeconds, 3) + " s (closing " + fmt(a.closeSeconds, 3) + " s): "
                + BenchReport.rate(r.recordsPerSecond ?? 0) + " records/s"
            if let off = unlogged(r, in: runs), off.wallSeconds > 0 {
                let extra = r.wallWithLogSeconds - off.wallSeconds
                text += "; +" + fmt(extra, 3) + " s (+" + fmt(extra / off.wallSeconds * 100, 0) + "%) over "
                    + fmt(off.wallSeconds, 3) + " s without the log"
                if a.records > 0 { text += ", " + fmt(extra / Double(a.records) * 1e9, 0) + " ns of wall per record" }
            }
            lines.append(text)
        }
        return lines
    }

    /// The activity log's target, when some run wrote it.
    func activityTarget(_ runs: [RunFigures]) -> Target? {
        let logged = runs.filter(\.logsActivity)
        guard !logged.isEmpty else { return nil }
        let figure = logged.map { "\($0.shards) shard\($0.shards == 1 ? "" : "s") " + BenchReport.rate($0.recordsPerSecond ?? 0) + " records/s" }
            .joined(separator: ", ")
        return Target(goal: ">= 2 M activity records/s to a local file, every scan logged", figure: figure,
                      status: logged.contains { ($0.recordsPerSecond ?? 0) >= 2e6 } ? .met : .notMet)
    }

    /// The `activity` object of a run in the JSON document (null without the log).
    func activityJSON(_ r: RunFigures, _ runs: [RunFigures], _ w: inout JSONWriter) {
        w.key("activity")
        guard let a = r.activity else { w.null(); return }
        w.beginObject()
        w.field("records", a.records)
        w.field("bytes", a.bytes)
        w.key("close_seconds"); w.number(fmt(a.closeSeconds, 6))
        w.key("records_per_second"); w.number(fmt(r.recordsPerSecond ?? 0, 1))
        w.key("extra_seconds_vs_unlogged")
        if let off = unlogged(r, in: runs) { w.number(fmt(r.wallWithLogSeconds - off.wallSeconds, 6)) } else { w.null() }
        w.endObject()
    }
}
