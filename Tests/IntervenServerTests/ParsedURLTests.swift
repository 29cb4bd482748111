@testable import IntervenServer
import Testing

@Suite("URL parsing")
struct ParsedURLTests {
    static let urls = [
        "https://api.github.com/repos/acme/app/pulls", "HTTPS://API.GitHub.COM/Repos/X?Q=1#Frag",
        "https://slack.com/api/chat.postMessage", "https://user:pw@host.example:8443/a//b/?x=1&y=2#h?i",
        "http://[::1]:8080/x", "http://[fe80::1", "mcp://server/tool", "exec://localhost", "shell://exec",
        "https://acme.atlassian.net/wiki/spaces/X", "no-scheme/path?q", "", "://", "a://", "https://",
        "https://host", "https://host?only=query", "https://host#only-fragment", "https://h/a#b?c",
        "https://x.amazonaws.com/?Action=AttachUserPolicy&PolicyArn=arn", "//host/path", "https://@/p",
        "https://a@b@c/d", "https://host:/p", "https://host/a\r\nb/c", "HtTp://LOCALHOST:80",
    ]

    @Test("the byte parse of an ASCII URL gives what the character parse gives")
    func asciiMatchesCharacters() {
        for url in Self.urls {
            let a = ParsedURL(ascii: Array(url.utf8)), c = ParsedURL(characters: url)
            #expect(a.scheme == c.scheme, "\(url)")
            #expect(a.host == c.host, "\(url)")
            #expect(a.path == c.path, "\(url)")
            #expect(a.query == c.query, "\(url)")
            #expect(a.segments == c.segments, "\(url)")
        }
    }

    @Test("parts of a URL")
    func parts() {
        let p = ParsedURL("HTTPS://u@API.GitHub.com:443/Repos/acme//app?X=1#f")
        #expect(p.scheme == "https")
        #expect(p.host == "api.github.com")
        #expect(p.path == "/Repos/acme//app")
        #expect(p.query == "X=1")
        #expect(p.segments == ["Repos", "acme", "app"])
        let n = ParsedURL("https://ÉXAMPLE.com/é/ü?ß")
        #expect(n.host == "éxample.com")
        #expect(n.segments == ["é", "ü"])
        #expect(n.query == "ß")
    }
}
