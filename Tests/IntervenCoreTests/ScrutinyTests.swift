import IntervenCore
import IntervenTesting
import Testing

@Suite("Scrutiny (decision step 6)")
struct ScrutinyTests {
    @Test("trust exactly at the threshold is not scrutiny; one micro below is", arguments: [
        ("0.6", false), ("0.599999", true), ("0.600001", false),
    ])
    func threshold(trust: String, inScrutiny: Bool) throws {
        var rules = try defaults()
        rules.trust.initial = sc(trust)
        var r = Rig(rules)
        #expect(r.g.inScrutiny(0, at: at(m: 1)) == inScrutiny)
        let v = r.write(at(m: 1))
        #expect(v.inScrutiny == inScrutiny)
        #expect(v.decision == (inScrutiny ? .requireApproval : .allow))
        #expect(v.reasons.contains(.trustScrutiny) == inScrutiny)
        #expect((v.approval != nil) == inScrutiny)
    }

    struct Shape: Sendable, CustomTestStringConvertible {
        var label: String
        var verb: Verb
        var external: Bool
        var risk: String
        var needsApproval: Bool
        var testDescription: String { label }
    }

    @Test("in scrutiny, a would-be ALLOW needs approval when WRITE/ADMIN, external or MEDIUM+", arguments: [
        Shape(label: "internal LOW WRITE", verb: .write, external: false, risk: "0", needsApproval: true),
        Shape(label: "internal LOW ADMIN", verb: .admin, external: false, risk: "0", needsApproval: true),
        Shape(label: "external LOW READ", verb: .read, external: true, risk: "0", needsApproval: true),
        Shape(label: "internal MEDIUM READ", verb: .read, external: false, risk: "0.25", needsApproval: true),
        Shape(label: "internal HIGH READ", verb: .read, external: false, risk: "0.6", needsApproval: true),
        Shape(label: "internal LOW READ (top of LOW)", verb: .read, external: false, risk: "0.249999", needsApproval: false),
        Shape(label: "internal LOW READ", verb: .read, external: false, risk: "0", needsApproval: false),
    ])
    func shapes(shape: Shape) throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.5")
        var r = Rig(rules)
        let v = r.scan(at(m: 1), tool: "jira", op: "touch", verb: shape.verb, external: shape.external, risk: sc(shape.risk))
        #expect(v.decision == (shape.needsApproval ? .requireApproval : .allow))
        #expect(v.reasons.contains(.trustScrutiny) == shape.needsApproval)
    }

    @Test("scrutiny leaves SANITIZE and DENY decisions alone")
    func onlyAllowsChange() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.5")
        var r = Rig(rules)
        let sanitize = r.scan(at(m: 1), tool: "slack", op: "post_message", verb: .write, classes: [.pii])
        #expect(sanitize.decision == .sanitize)
        #expect(!sanitize.reasons.contains(.trustScrutiny))
        let deny = r.deny(at(m: 2))
        #expect(deny.decision == .deny)
        #expect(!deny.reasons.contains(.trustScrutiny))
    }

    @Test("scrutiny pinned by an incident holds for 24 h even with trust above the threshold, then clears")
    func pinHolds24Hours() throws {
        var r = Rig(try defaults())
        let t0 = at(h: 1)
        r.deny(t0, risk: sc("0.8"))                     // critical deny: incident, pin for 24 h
        #expect(r.incidents(.criticalDeny).count == 1)
        #expect(r.trust() >= sc("0.6"))
        #expect(r.g.inScrutiny(0, at: t0 + .hours(24) - tick))
        #expect(!r.g.inScrutiny(0, at: t0 + .hours(24)))

        let before = r.write(t0 + .hours(24) - tick)
        #expect(before.decision == .requireApproval)
        #expect(before.reasons.contains(.trustScrutiny))
        #expect(r.trust() >= sc("0.6"))
        let after = r.write(t0 + .hours(24))
        #expect(after.decision == .allow)
        #expect(!after.inScrutiny)
    }

    @Test("scrutiny clears itself when trust recovers above the threshold")
    func clearsOnRecovery() throws {
        var rules = try defaults()
        rules.trust.initial = sc("0.595")
        var r = Rig(rules)
        #expect(r.scan(at(h: 1)).decision == .allow)                // a LOW internal READ is fine in scrutiny
        #expect(r.write(at(h: 1, s: 1)).decision == .requireApproval)
        // One full idle hour later: +0.01 lifts trust to 0.605 before the scan is decided.
        let v = r.write(at(h: 2, s: 1))
        #expect(v.trustAfter == sc("0.605"))
        #expect(v.decision == .allow)
    }
}
