import Foundation
import IntervenCore
import IntervenServer
import IntervenTesting
import Testing

@Suite("Config file")
struct ConfigTests {
    static func write(_ text: String, rules: String? = nil) throws -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("interven-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if let rules { try rules.write(to: dir.appendingPathComponent("strict.yaml"), atomically: true, encoding: .utf8) }
        let path = dir.appendingPathComponent("tenants.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    @Test func loadsTenantsRulesAndHashedKeys() throws {
        let hash = KeyHash.sha256("iv_live_x")
        let (dir, path) = try Self.write("""
            tenants:
              - id: acme
                rules: strict.yaml
                keys:
                  - {name: ci, sha256: \(hash), agent: ci-bot, runtime: langchain, rate_limit: 600/min}
            """, rules: "triggers:\n  repeated_deny:\n    count: 3\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try ServerConfig.load(path: path)
        #expect(config.tenants.count == 1)
        #expect(config.tenants[0].rules.triggers.repeatedDenyCount == 3)
        let key = config.tenants[0].keys[0]
        #expect(key.sha256 == hash)
        #expect(key.runtime == .langchain)
        #expect(key.ratePerSecond == 10)
        #expect(hash.count == 64)
        #expect(hash != KeyHash.sha256("iv_live_y"))
    }

    @Test func errorsNameTheLineAndWhatWasExpected() throws {
        let (dir, path) = try Self.write("""
            tenants:
              - id: acme
                keys:
                  - {sha256: abc, agent: a}
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: ServerConfigError.self) { try ServerConfig.load(path: path) }
        do {
            _ = try ServerConfig.load(path: path)
        } catch {
            #expect(error.description.contains("tenants.yaml:4:"))
            #expect(error.description.contains("expected 64 hex digits"))
        }
        let (dir2, path2) = try Self.write("tenants:\n  - id: acme\n    keyz: []\n")
        defer { try? FileManager.default.removeItem(at: dir2) }
        do {
            _ = try ServerConfig.load(path: path2)
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.description.contains("tenants.yaml:3:5: unknown key 'keyz'"))
        }
    }
}
