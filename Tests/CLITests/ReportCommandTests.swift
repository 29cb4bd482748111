import Foundation
import IntervenTesting
import Testing

/// `run` writes report.html; `report DIR` rebuilds it; the page renders in a real browser.
@Suite("report command")
struct ReportCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Headless Chromium, when installed.
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("report DIR rebuilds the page run wrote, byte for byte; a directory that is not results is refused with exit 2")
    func rebuild() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let out = dir.appendingPathComponent("results")
        let run = try CLIProcess.run(["run", Self.root.appendingPathComponent("Scenarios/trust/movements.yaml").path,
                                      "--out", out.path, "--quiet"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let page = out.appendingPathComponent("report.html")
        let written = try Data(contentsOf: page)
        try FileManager.default.removeItem(at: page)
        let again = try CLIProcess.run(["report", out.path])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(try Data(contentsOf: page) == written)

        let bad = try CLIProcess.run(["report", dir.appendingPathComponent("nothing").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("error: ") && bad.stderr.contains("summary.json"), "\(bad.stderr)")
        #expect(bad.stderr.split(separator: "\n").count == 1)
    }

    @Test("the shipped example's page renders in headless Chromium: sections, charts, table rows, no console error",
          .enabled(if: chromium != nil, "headless Chromium is not installed (Debian: apt-get install chromium; make test installs it)"))
    func rendersInChromium() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let out = dir.appendingPathComponent("results")
        let run = try CLIProcess.run(["run", Self.root.appendingPathComponent("Scenarios/examples/fin-exfiltration.yaml").path,
                                      "--out", out.path, "--quiet"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let (dom, log) = try Self.render(out.appendingPathComponent("report.html"), profile: dir.appendingPathComponent("profile"))
        for id in ["overview", "charts", "agents", "incidents", "chart-trust-groups", "chart-trust-agents", "chart-incidents-time",
                   "chart-decisions", "chart-decisions-nonallow", "chart-ttd"] {
            #expect(dom.contains("id=\"\(id)\""), "missing #\(id)")
        }
        // The script ran: it filled the tables from the embedded data.
        #expect(dom.contains("330 agents"), "the agents table was not filled")
        #expect(dom.components(separatedBy: "class=\"incident\"").count > 100, "the incidents table was not filled")
        let errors = log.split(separator: "\n").filter { $0.contains("CONSOLE") }
        #expect(errors.isEmpty, "console: \(errors.joined(separator: "\n"))")
    }

    @Test("every shipped scenario's page renders in headless Chromium: its sections, no console error",
          .enabled(if: chromium != nil, "headless Chromium is not installed (Debian: apt-get install chromium; make test installs it)"),
          .enabled(if: ProcessInfo.processInfo.environment["INTERVEN_SIM_RELEASE_BIN"] != nil,
                   "set INTERVEN_SIM_RELEASE_BIN to a release build (make test does): the library's day of 10,100 agents is slow in a debug build"))
    func everyShippedPageRenders() throws {
        let dir = try CLIProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = dir.appendingPathComponent("results")
        let binary = URL(fileURLWithPath: ProcessInfo.processInfo.environment["INTERVEN_SIM_RELEASE_BIN"]!)
        let r = try CLIProcess.run(["check", Self.root.appendingPathComponent("Scenarios").path, "--quiet",
                                    "--results", results.path, "--report", dir.appendingPathComponent("check.json").path,
                                    "--junit", dir.appendingPathComponent("junit.xml").path], binary: binary, timeout: 600)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: results.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names.count >= 16, "\(names)")
        for name in names {
            let (dom, log) = try Self.render(results.appendingPathComponent(name).appendingPathComponent("report.html"),
                                             profile: dir.appendingPathComponent("profile-\(name)"))
            for id in ["overview", "charts", "agents", "incidents"] {
                #expect(dom.contains("id=\"\(id)\""), "\(name): missing #\(id)")
            }
            // The script ran to its end: it wrote the agents table's count ("3 agents", "10,100 agents").
            #expect(dom.range(of: #"id="agent-count" class="muted">[0-9][0-9,]* agents<"#, options: .regularExpression) != nil,
                    "\(name): the agents table was not filled")
            let errors = log.split(separator: "\n").filter { $0.contains("CONSOLE") }
            #expect(errors.isEmpty, "\(name): console: \(errors.joined(separator: "\n"))")
        }
    }

    @Test("check --html: the scenario table, every failure with its evidence, and a working link to each scenario's report")
    func checkPage() throws {
        let dir = try CLIProcess.temporaryDirectory()
        let html = dir.appendingPathComponent("check.html").path
        let r = try CLIProcess.run(["check", Self.root.appendingPathComponent("Scenarios/triggers").path, "--quiet",
                                    "--set", "triggers.repeated_deny.count=6", "--results", dir.appendingPathComponent("results").path,
                                    "--report", dir.appendingPathComponent("check.json").path, "--html", html])
        #expect(r.status == 1, "one expectation fails with the raised count: \(r.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("FAIL trigger-repeated-deny"))
        #expect(page.contains("at-1: at most 5 denies within 1h (threshold 6)"))
        let links = page.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }.filter { $0.hasSuffix("report.html") }
        #expect(links.count == 6)
        for link in links {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(link).path), "\(link)")
        }
    }

    /// The DOM after scripts ran, and the browser's log; the browser is killed after 60 s at most.
    static func render(_ page: URL, profile: URL) throws -> (dom: String, log: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["--kill-after=5", "60", chromium!, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
                       "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                       "--dump-dom", page.absoluteString]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
