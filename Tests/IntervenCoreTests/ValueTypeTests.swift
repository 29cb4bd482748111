import IntervenCore
import IntervenTesting
import Testing

@Suite("Score: exact fixed-point decimals")
struct ScoreTests {
    @Test("parses decimals with up to six places exactly", arguments: [
        ("0.6", Int32(600_000)), ("-0.05", -50_000), ("1", 1_000_000), ("1.0", 1_000_000), (".25", 250_000),
        ("0.000001", 1), ("0.999999", 999_999), ("+0.3", 300_000), (" 0.15 ", 150_000), ("0", 0), ("5.", 5_000_000),
    ])
    func parses(text: String, micros: Int32) {
        #expect(Score.parse(text) == Score(micros: micros))
    }

    @Test("refuses what it cannot represent exactly or is not a number", arguments: [
        "0.0000001", "0.1234567", "", ".", "-", "abc", "0.5x", "1e-3", "0,5", "--0.1", "0.1.2", "12345",
    ])
    func refuses(text: String) {
        #expect(Score.parse(text) == nil)
    }

    @Test("prints the shortest exact decimal", arguments: [
        (Int32(600_000), "0.6"), (-50_000, "-0.05"), (1_000_000, "1"), (1, "0.000001"), (0, "0"),
        (-1, "-0.000001"), (310_000, "0.31"), (1_500_000, "1.5"),
    ])
    func prints(micros: Int32, text: String) {
        #expect(Score(micros: micros).description == text)
        #expect(Score.parse(text) == Score(micros: micros))
    }

    @Test("eight movements of -0.05 from 1.0 land exactly on 0.6")
    func exactArithmetic() {
        var s = Score.one
        for _ in 0..<8 { s = s + sc("-0.05") }
        #expect(s == sc("0.6"))
        #expect(!(s < sc("0.6")))
    }

    @Test("clamping keeps a score in [0, 1]")
    func clamping() {
        #expect((sc("0.1") + sc("-0.3")).clampedToUnit == .zero)
        #expect((sc("0.9") + sc("0.3")).clampedToUnit == .one)
        #expect(sc("0.4").clampedToUnit == sc("0.4"))
    }
}

@Suite("SimDuration: compact durations")
struct SimDurationTests {
    @Test("parses compact durations", arguments: [
        ("90s", Int64(90_000)), ("5m", 300_000), ("1h30m", 5_400_000), ("2d", 172_800_000), ("250ms", 250),
        ("1h", 3_600_000), ("1m5ms", 60_005), ("1d2h3m4s5ms", 93_784_005), ("0s", 0), (" 10m ", 600_000),
    ])
    func parses(text: String, ms: Int64) {
        #expect(SimDuration.parse(text) == SimDuration(milliseconds: ms))
    }

    @Test("a leading minus parses as a negative duration", arguments: [
        ("-5m", Int64(-300_000)), ("-1h30m", -5_400_000), ("-250ms", -250),
    ])
    func negative(text: String, ms: Int64) {
        #expect(SimDuration.parse(text) == SimDuration(milliseconds: ms))
    }

    @Test("refuses bare numbers, bad or repeated units and wrong order", arguments: [
        "", "5", "m", "5x", "5 m", "1.5h", "30m1h", "1h1h", "5M", "1w", "-", "--5m", "h1", "5mss",
        "99999999999999999d",
    ])
    func refuses(text: String) {
        #expect(SimDuration.parse(text) == nil)
    }

    @Test("prints the compact form, which parses back to the same length", arguments: [
        (Int64(5_400_000), "1h30m"), (90_000, "1m30s"), (172_800_000, "2d"), (250, "250ms"), (0, "0s"),
        (-300_000, "-5m"), (86_400_001, "1d1ms"),
    ])
    func prints(ms: Int64, text: String) {
        let d = SimDuration(milliseconds: ms)
        #expect(d.description == text)
        #expect(SimDuration.parse(text) == d)
    }
}

@Suite("Glob: *, ? and [abc] patterns")
struct GlobTests {
    @Test("matches the whole text", arguments: [
        ("github", "github", true), ("github", "githubx", false), ("github", "GitHub", false),
        ("git*", "github", true), ("git*", "git", true), ("git*", "legit", false),
        ("*hub", "github", true), ("*", "", true), ("*", "anything", true),
        ("a*b*c", "aXXbYYc", true), ("a*b*c", "abc", true), ("a*b*c", "acb", false),
        ("?lack", "slack", true), ("?lack", "lack", false), ("?lack", "sslack", false),
        ("[gs]drive", "gdrive", true), ("[gs]drive", "sdrive", true), ("[gs]drive", "xdrive", false),
        ("[a-c]x", "bx", true), ("[a-c]x", "dx", false), ("[!abc]x", "dx", true), ("[!abc]x", "ax", false),
        ("*AdministratorAccess*", "arn:aws:iam::aws:policy/AdministratorAccess", true),
        ("*AdministratorAccess*", "arn:aws:iam::aws:policy/ReadOnlyAccess", false),
        ("https://*.example.com/*", "https://api.example.com/v1/x", true),
        ("https://*.example.com/*", "http://api.example.com/v1/x", false),
        ("https://*.example.com/*", "https://example.org/x", false),
        ("[unclosed", "[unclosed", true), ("[unclosed", "uunclosed", false),
    ])
    func matches(pattern: String, text: String, expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected)
    }

    @Test("knows which patterns are literal")
    func literal() {
        #expect(Glob("github").isLiteral)
        #expect(!Glob("git*").isLiteral)
        #expect(!Glob("?x").isLiteral)
        #expect(!Glob("[ab]").isLiteral)
    }
}
