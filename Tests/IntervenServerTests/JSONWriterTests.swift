import IntervenServer
import Testing

@Suite("JSON text")
struct JSONWriterTests {
    @Test func escapesWhatJSONRequiresAndNothingElse() {
        let v = JSON.object([("a\"b", .string("q\"uote \\ back\nline\rret\ttab \u{01}\u{1f} é 日本 🙂 </script>")),
                             ("n", .null), ("t", .bool(true)), ("f", .bool(false))])
        #expect(v.text == #"{"a\"b":"q\"uote \\ back\nline\rret\ttab \u0001\u001f é 日本 🙂 </script>","n":null,"t":true,"f":false}"#)
    }

    @Test func writesNumbers() {
        let v = JSON.array([.int(0), .int(-7), .int(Int64.max), .int(Int64.min), .double(2), .double(-0.25), .double(.nan), .double(1e20)])
        #expect(v.text == "[0,-7,9223372036854775807,-9223372036854775808,2,-0.25,null,1e+20]")
    }

    @Test func textParsesBackToTheSameValue() throws {
        let v = JSON.object([("s", .string("x\u{00}y\"z")), ("a", .array([.int(1), .object([]), .array([])])), ("d", .double(0.5))])
        let back = try JSON.parse(Array(v.text.utf8)).get()
        #expect(back == v)
        #expect(v.bytes == Array(v.text.utf8))
    }
}
