public import IntervenCore
import IntervenScenario
import IntervenSimulation

/// Builds JSON text with a fixed layout, so the same values always give the same bytes.
///
/// Keys come out in the order they are written, indentation is two spaces, `": "` separates a
/// key from its value, empty containers are `{}` and `[]`, and numbers are written from integers
/// or exact decimal tokens, never from a platform's float formatting. Strings are UTF-8 with
/// `"`, `\` and control characters escaped.
public struct JSONWriter: Sendable {
    /// The text so far.
    public private(set) var bytes: [UInt8] = []
    /// One entry per open container: whether it has an element yet.
    private var open: [Bool] = []
    /// Whether a key was just written, so the next value follows it on the same line.
    private var afterKey = false

    public init() {}

    /// The finished document, with a final newline.
    public var document: [UInt8] {
        precondition(open.isEmpty && !afterKey, "unbalanced JSON writer")
        return bytes + [0x0A]
    }

    /// Hands over the text written so far and forgets it (the nesting is kept), so a large
    /// document can be written out piece by piece: the pieces, joined, are `bytes` without
    /// the final newline of `document`.
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    // MARK: Containers

    public mutating func beginObject() { startValue(); bytes.append(UInt8(ascii: "{")); open.append(false) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { startValue(); bytes.append(UInt8(ascii: "[")); open.append(false) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Writes an object member's key; the next value written is its value.
    public mutating func key(_ name: String) {
        precondition(!afterKey, "a key needs a value")
        startValue()
        appendString(name)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        afterKey = true
    }

    // MARK: Scalars

    public mutating func string(_ s: String) { startValue(); appendString(s) }
    public mutating func int<T: BinaryInteger>(_ n: T) {
        startValue()
        if n < 0 { bytes.appendDecimal(Int64(n)) } else { bytes.appendDecimal(UInt64(n)) }
    }
    public mutating func bool(_ b: Bool) { number(b ? "true" : "false") }
    public mutating func null() { number("null") }
    /// Writes a number token verbatim (the caller guarantees it is valid JSON, e.g. `Score.description`).
    public mutating func number(_ token: String) { startValue(); bytes.append(contentsOf: token.utf8) }

    // MARK: Members (key and value in one call)

    public mutating func field(_ k: String, _ s: String) { key(k); string(s) }
    public mutating func field(_ k: String, _ s: String?) { key(k); if let s { string(s) } else { null() } }
    public mutating func field<T: BinaryInteger>(_ k: String, _ n: T) { key(k); int(n) }
    public mutating func field(_ k: String, _ b: Bool) { key(k); bool(b) }
    public mutating func field(_ k: String, _ score: Score) { key(k); startValue(); bytes.appendScore(score) }

    /// Writes `k` as `HH:MM:SS` and `k_ms` as integer milliseconds (both null for nil).
    /// A time as `time(k, t)` writes it, then `k_utc`: the instant in RFC 3339 (UTC,
    /// milliseconds), virtual time 0 being `start` (Unix milliseconds).
    mutating func time(_ k: String, _ t: SimTime?, start: Int64) {
        time(k, t)
        key(k + "_utc")
        if let t {
            startValue()
            bytes.append(UInt8(ascii: "\""))
            ActivityLog.appendRFC3339(start + t.milliseconds, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        } else {
            null()
        }
    }

    public mutating func time(_ k: String, _ t: SimTime?) {
        key(k)
        if let t {
            startValue()
            bytes.append(UInt8(ascii: "\""))
            bytes.appendTime(t)     // digits, colons, spaces and a dot: nothing to escape
            bytes.append(UInt8(ascii: "\""))
        } else {
            null()
        }
        key(k + "_ms")
        if let t { int(t.milliseconds) } else { null() }
    }

    /// Writes a member whose value is an object filled by `body`.
    public mutating func object(_ k: String, _ body: (inout JSONWriter) -> Void) {
        key(k); beginObject(); body(&self); endObject()
    }

    /// Writes a member whose value is an array of objects, one per element, each filled by `body`.
    public mutating func array<S: Sequence>(_ k: String, of elements: S, _ body: (inout JSONWriter, S.Element) -> Void) {
        key(k); beginArray()
        for e in elements { beginObject(); body(&self, e); endObject() }
        endArray()
    }

    // MARK: Layout

    /// Puts the separator and indentation before a value or key.
    private mutating func startValue() {
        if afterKey { afterKey = false; return }
        guard let hasElements = open.last else { return }
        if hasElements { bytes.append(UInt8(ascii: ",")) }
        open[open.count - 1] = true
        bytes.append(0x0A)
        indent(open.count)
    }

    private mutating func close(_ bracket: UInt8) {
        precondition(!afterKey, "a key needs a value")
        let hadElements = open.removeLast()
        if hadElements { bytes.append(0x0A); indent(open.count) }
        bytes.append(bracket)
    }

    private mutating func indent(_ level: Int) {
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    private mutating func appendString(_ s: String) { JSONString.append(s, to: &bytes) }
}
