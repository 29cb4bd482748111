import IntervenCore
@testable import IntervenResults
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

@Suite("JSON text")
struct JSONWriterTests {
    private func text(_ body: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter()
        body(&w)
        return String(decoding: w.document, as: UTF8.self)
    }

    @Test("quotes, backslashes and control characters are escaped; other characters stay UTF-8")
    func escaping() {
        let out = text { $0.string("say \"hi\" \\ back\nslash\r\t\u{01}\u{1F}\u{08}\u{0C} é 日本 🙂 \u{7F}") }
        #expect(out == #""say \"hi\" \\ back\nslash\r\t\u0001\u001f\b\f é 日本 🙂 \#u{7F}""# + "\n")
        // Non-ASCII goes out as its UTF-8 bytes, not as \u escapes.
        var w = JSONWriter()
        w.string("é")
        #expect(w.bytes == [0x22, 0xC3, 0xA9, 0x22])
    }

    @Test("keys are escaped like values")
    func keyEscaping() {
        let out = text { w in w.beginObject(); w.field("a\"b", 1); w.endObject() }
        #expect(out == "{\n  \"a\\\"b\": 1\n}\n")
    }

    @Test("two-space indentation, keys in written order, empty containers on one line")
    func layout() {
        let out = text { w in
            w.beginObject()
            w.field("z", 1)
            w.field("a", "x")
            w.object("empty") { _ in }
            w.array("none", of: [Int]()) { _, _ in }
            w.array("rows", of: [1, 2]) { w, n in w.field("n", n) }
            w.field("missing", nil as String?)
            w.field("yes", true)
            w.endObject()
        }
        #expect(out == """
            {
              "z": 1,
              "a": "x",
              "empty": {},
              "none": [],
              "rows": [
                {
                  "n": 1
                },
                {
                  "n": 2
                }
              ],
              "missing": null,
              "yes": true
            }

            """)
    }

    @Test("scores are exact decimals and times come with milliseconds")
    func numbers() {
        let out = text { w in
            w.beginObject()
            w.field("trust", Score(micros: 600_000))
            w.field("delta", Score(micros: -50_000))
            w.field("big", UInt64.max)
            w.time("at", SimTime(milliseconds: 86_400_000 + 3_723_004))
            w.time("never", nil)
            w.endObject()
        }
        #expect(out == """
            {
              "trust": 0.6,
              "delta": -0.05,
              "big": 18446744073709551615,
              "at": "1d 01:02:03.004",
              "at_ms": 90123004,
              "never": null,
              "never_ms": null
            }

            """)
    }

    @Test("fixed-decimal formatting", arguments: [
        (0.25, "0.250"), (12.3456, "12.346"), (0, "0.000"), (3600.5, "3600.500"), (.nan, "0.000"),
        (-.infinity, "0.000"), (-1, "0.000"),
    ] as [(Double, String)])
    func decimals(_ c: (Double, String)) {
        #expect(SummaryFile.decimal(c.0, places: 3) == c.1)
    }

    @Test("run lengths use hours as the largest unit", arguments: [
        (SimDuration.hours(24), "24h"), (.hours(36) + .minutes(30), "36h30m"), (.hours(2), "2h"),
        (.seconds(90), "1m30s"), (SimDuration(milliseconds: 86_400_250), "24h250ms"),
    ])
    func hours(_ c: (SimDuration, String)) {
        #expect(c.0.hoursText == c.1)
    }
}
