@testable import IntervenResults
import IntervenSimulation
import IntervenScenario
import IntervenTesting
import Testing

@Suite("CSV text")
struct CSVWriterTests {
    @Test("fields are quoted only when they must be, with quotes doubled", arguments: [
        ("fin-bot-1", "fin-bot-1"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("1d 02:00:00", "1d 02:00:00"),
        ("", ""),
        ("bot-é", "bot-é"),
    ])
    func quoting(_ c: (String, String)) {
        var w = CSVWriter()
        w.row([c.0, "x"])
        #expect(String(decoding: w.bytes, as: UTF8.self) == c.1 + ",x\n")
    }
}
