import IntervenCore
import IntervenScenario
import IntervenSimulation

/// Builds CSV text (RFC 4180 quoting, `\n` line ends), one row at a time.
///
/// A field is quoted only when it holds a comma, a double quote, a carriage return or a line
/// feed; quotes inside a quoted field are doubled. So `fin-bot-1` stays bare and `a,"b"` becomes
/// `"a,""b"""`.
struct CSVWriter {
    /// The text so far.
    private(set) var bytes: [UInt8] = []

    init() {}

    /// Appends one row of text fields.
    mutating func row(_ fields: [String]) {
        for f in fields { field(f) }
        endRow()
    }

    /// Appends a text field, quoted when it must be.
    mutating func field(_ text: String) {
        separate()
        var text = text
        text.withUTF8 { utf8 in
            let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            guard needsQuotes else { bytes.append(contentsOf: utf8); return }
            bytes.append(UInt8(ascii: "\""))
            for b in utf8 {
                if b == UInt8(ascii: "\"") { bytes.append(b) }
                bytes.append(b)
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// Appends an integer field.
    mutating func field(_ n: Int64) { separate(); bytes.appendDecimal(n) }
    /// Appends a time field as `SimTime.description` gives it.
    mutating func field(_ t: SimTime) { separate(); bytes.appendTime(t) }
    /// Appends a score field as `Score.description` gives it.
    mutating func field(_ s: Score) { separate(); bytes.appendScore(s) }
    /// Appends Unix milliseconds as an RFC 3339 instant (the activity log's formatter).
    mutating func utc(_ unixMilliseconds: Int64) { separate(); ActivityLog.appendRFC3339(unixMilliseconds, to: &bytes) }
    /// Appends `true` or `false`.
    mutating func field(_ b: Bool) { separate(); bytes.append(contentsOf: (b ? "true" : "false").utf8) }

    /// Ends the current row.
    mutating func endRow() {
        bytes.append(0x0A)
        atRowStart = true
    }

    /// Hands over the text so far and forgets it, so a large file can be written piece by piece.
    mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// Makes room for `count` more bytes.
    mutating func reserve(_ count: Int) { bytes.reserveCapacity(bytes.count + count) }

    private var atRowStart = true

    private mutating func separate() {
        if !atRowStart { bytes.append(UInt8(ascii: ",")) }
        atRowStart = false
    }
}
