import Foundation
import IntervenTesting
import Testing

/// `sweep` and `merge` write sweep.html; `report DIR` rebuilds it; it renders in a real browser.
@Suite("sweep page")
struct SweepPageCommandTests {
    /// A temporary directory holding the sweep's scenario and the sweep written to `sweep/`
    /// (the caller removes the directory).
    private func swept() throws -> (dir: URL, file: String, out: URL) {
        let dir = try CLIProcess.temporaryDirectory()
        do {
            let file = try CLIProcess.write(SweepCommandTests.scenario, named: "tiny-sweep.yaml", in: dir)
            let out = dir.appendingPathComponent("sweep")
            let r = try sweep(file, ["--out", out.path])
            #expect(r.status == 0, "\(r.stderr)")
            return (dir, file, out)
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    private func sweep(_ file: String, _ extra: [String]) throws -> CLIProcess.Result {
        try CLIProcess.run(["sweep", file, "--vary", "triggers.repeated_deny.count=2..5", "--vary", "trust.deny=-0.05,-0.1",
                            "--seeds", "1..2", "--quiet", "--min-detection", "0.5"] + extra, environment: SweepCommandTests.clean)
    }

    @Test("sweep and merge write sweep.html; report DIR rebuilds it byte for byte from sweep.json; --activity on a sweep is refused")
    func rebuild() throws {
        let (dir, file, out) = try swept()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = out.appendingPathComponent("sweep.html")
        let written = try Data(contentsOf: page)
        #expect(String(decoding: written, as: UTF8.self).contains("<h1>sweep tiny-sweep</h1>"))
        try FileManager.default.removeItem(at: page)
        let again = try CLIProcess.run(["report", out.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "report: \(out.path)/sweep.html\n")
        #expect(try Data(contentsOf: page) == written)
        // No temporary file is left beside it.
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { !$0.hasPrefix(".interven") }.sorted()
        #expect(names == ["cells.csv", "runs.csv", "sweep.html", "sweep.json"])

        let refused = try CLIProcess.run(["report", out.path, "--activity", "x.csv"])
        #expect(refused.status == 2)
        #expect(refused.stderr.hasPrefix("error: --activity: ") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")

        var slices: [String] = []
        for i in 0..<2 {
            let s = dir.appendingPathComponent("slice-\(i)").path
            #expect(try sweep(file, ["--out", s, "--slice", "\(i)/2"]).status == 0)
            #expect(try String(contentsOfFile: s + "/sweep.html", encoding: .utf8).contains("This is slice \(i) of 2"))
            slices.append(s)
        }
        let merged = dir.appendingPathComponent("merged")
        let m = try CLIProcess.run(["merge"] + slices + ["--out", merged.path])
        #expect(m.status == 0, "\(m.stderr)")
        let mergedPage = try String(contentsOfFile: merged.path + "/sweep.html", encoding: .utf8)
        #expect(!mergedPage.contains("This is slice"))
        #expect(mergedPage.components(separatedBy: "<tr").count == String(decoding: written, as: UTF8.self).components(separatedBy: "<tr").count)
    }

    @Test("the sweep page renders in headless Chromium: sections, charts, the sortable table, no console error",
          .enabled(if: ReportCommandTests.chromium != nil, "headless Chromium is not installed (Debian: apt-get install chromium; make test installs it)"))
    func rendersInChromium() throws {
        let (dir, _, out) = try swept()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (dom, log) = try ReportCommandTests.render(out.appendingPathComponent("sweep.html"), profile: dir.appendingPathComponent("profile"))
        for id in ["question", "answer", "tradeoff", "grid", "cells", "chart-sweep-scatter", "heat-metric", "cells-table",
                   "chart-heat-false_positive_ratio-0", "chart-heat-detection_rate-0"] {
            #expect(dom.contains("id=\"\(id)\""), "missing #\(id)")
        }
        // The script ran to its end.
        #expect(dom.contains("data-ready=\"true\""), "the page's script did not finish")
        #expect(dom.components(separatedBy: "class=\"cell\"").count - 1 == 8, "a dot per cell")
        let errors = log.split(separator: "\n").filter { $0.contains("CONSOLE") }
        #expect(errors.isEmpty, "console: \(errors.joined(separator: "\n"))")
    }
}
