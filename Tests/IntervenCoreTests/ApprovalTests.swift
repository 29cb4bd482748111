import IntervenCore
import IntervenTesting
import Testing

@Suite("Approvals and identical retries (decision step 3)")
struct ApprovalTests {
    /// Default rules with trust starting at 0.9, so a +0.02 reward is visible.
    func rig() throws -> Rig {
        var rules = try defaults()
        rules.trust.initial = sc("0.9")
        return Rig(rules)
    }

    /// A GitHub PR merge: the default policy P2 requires approval.
    @discardableResult
    func merge(_ r: inout Rig, _ t: SimTime, signature: UInt64 = 42) -> Verdict {
        r.scan(t, tool: "github", op: "merge_pr", verb: .write, signature: signature)
    }

    @Test("settling expires every approval past its expiry, even after the TTL was shortened mid-run")
    func settleExpiresOutOfOrder() throws {
        var r = try rig()
        let first = try #require(merge(&r, at(h: 1), signature: 1).approval)        // expires 01:10
        var shorter = r.g.rules
        shorter.approvals.pendingTTL = .minutes(1)
        r.g.updateRules(shorter)
        let second = try #require(merge(&r, at(h: 1, m: 2), signature: 2).approval) // expires 01:03
        r.g.settle(until: at(h: 1, m: 5))
        #expect(r.g.approval(second)?.status == .expired)
        #expect(r.g.approval(first)?.status == .pending)
        #expect(r.g.latestPendingApproval(of: 0, at: at(h: 1, m: 5)) == first)
        #expect(r.g.approval(ApprovalID(agent: 0, ordinal: 7)) == nil)
        #expect(r.g.approval(ApprovalID(agent: 9, ordinal: 0)) == nil)
    }

    @Test("REQUIRE_APPROVAL creates a pending approval; an identical retry while pending reuses it")
    func pendingReused() throws {
        var r = try rig()
        let v1 = merge(&r, at(h: 1))
        #expect(v1.decision == .requireApproval)
        let id = try #require(v1.approval)
        let a = try #require(r.g.approval(id))
        #expect(a.status == .pending)
        #expect(a.signature == 42)
        #expect(a.expiresAt == at(h: 1, m: 10))
        let v2 = merge(&r, at(h: 1, m: 5))
        #expect(v2.decision == .requireApproval)
        #expect(v2.approval == id)
        #expect(r.g.approvals.count == 1)
        #expect(r.g.latestPendingApproval(of: 0, at: at(h: 1, m: 5)) == id)
        #expect(merge(&r, at(h: 1, m: 6), signature: 43).approval != id)
    }

    @Test("after approval an identical retry is allowed with RECENT_APPROVAL_GRANT up to exactly the window end", arguments: [
        (SimDuration.minutes(10), true), (.minutes(10) + SimDuration(milliseconds: 1), false),
    ])
    func grantWindow(after: SimDuration, allowed: Bool) throws {
        var r = try rig()
        let id = try #require(merge(&r, at(h: 1)).approval)
        let tA = at(h: 1, m: 2)
        try r.g.decideApproval(id, approve: true, by: "ana", at: tA)
        #expect(r.g.approval(id)?.status == .approved)
        #expect(r.g.approval(id)?.decidedBy == "ana")
        let v = merge(&r, tA + after)
        if allowed {
            #expect(v.decision == .allow)
            #expect(v.reasons.contains(.recentApprovalGrant))
        } else {
            #expect(v.decision == .requireApproval)
            #expect(!v.reasons.contains(.recentApprovalGrant))
            #expect(v.approval != id)
        }
    }

    @Test("an approved retry that goes through earns +0.02 once")
    func approvalRetryReward() throws {
        var r = try rig()
        let id = try #require(merge(&r, at(h: 1)).approval)
        try r.g.decideApproval(id, approve: true, by: "ana", at: at(h: 1, m: 2))
        #expect(r.trust() == sc("0.9"))
        #expect(merge(&r, at(h: 1, m: 3)).trustAfter == sc("0.92"))
        #expect(merge(&r, at(h: 1, m: 4)).decision == .allow)
        #expect(merge(&r, at(h: 1, m: 5)).trustAfter == sc("0.92"))
        #expect(r.changes().map(\.cause) == [.approvalRetry])
    }

    @Test("a grant covers only the identical request")
    func otherSignatureUnaffected() throws {
        var r = try rig()
        let id = try #require(merge(&r, at(h: 1)).approval)
        try r.g.decideApproval(id, approve: true, by: "ana", at: at(h: 1, m: 2))
        let other = merge(&r, at(h: 1, m: 3), signature: 43)
        #expect(other.decision == .requireApproval)
        #expect(other.approval != id)
        let v = r.scan(at(h: 1, m: 4), agent: 0, tool: "gdrive", op: "share_file_external", verb: .write, signature: 44)
        #expect(v.decision == .deny)
    }

    @Test("an analyst denial lowers trust 0.10; identical retries are gate-denied with RECENT_DENY_GRANT for the window")
    func denial() throws {
        var r = try rig()
        let id = try #require(merge(&r, at(h: 1)).approval)
        let tD = at(h: 1, m: 2)
        try r.g.decideApproval(id, approve: false, by: "ana", at: tD)
        #expect(r.g.approval(id)?.status == .denied)
        #expect(r.trust() == sc("0.8"))
        #expect(r.changes().map(\.cause) == [.analystDeny])
        for m in [1, 3, 5, 7, 9, 10] as [Int64] {
            let v = merge(&r, tD + .minutes(m))
            #expect(v.decision == .deny)
            #expect(v.reasons.contains(.recentDenyGrant))
            #expect(v.isGateDeny)
            #expect(v.trustAfter == sc("0.8"))
        }
        #expect(r.changes().isEmpty)
        #expect(r.incidents(.repeatedDeny).isEmpty, "gate denies do not count toward repeated_deny")
        #expect(merge(&r, tD + .minutes(10), signature: 43).decision == .requireApproval)
        let after = merge(&r, tD + .minutes(10) + tick)
        #expect(after.decision == .requireApproval)
    }

    @Test("deciding up to the expiry instant works; one tick later is refused and moves no trust", arguments: [
        (SimDuration.minutes(10), true), (.minutes(10) + SimDuration(milliseconds: 1), false),
    ])
    func expiry(after: SimDuration, decidable: Bool) throws {
        var r = try rig()
        let t0 = at(h: 1)
        let id = try #require(merge(&r, t0).approval)
        let code = refusal { try r.g.decideApproval(id, approve: false, by: "ana", at: t0 + after) }
        if decidable {
            #expect(code == nil)
            #expect(r.g.approval(id)?.status == .denied)
            #expect(r.trust() == sc("0.8"))
        } else {
            #expect(code == .approvalExpired)
            #expect(r.g.approval(id)?.status == .expired)
            #expect(r.trust() == sc("0.9"))
            #expect(r.changes().isEmpty)
        }
    }

    @Test("an approval expires silently: no trust change, and a retry asks again")
    func expiresSilently() throws {
        var r = try rig()
        let id = try #require(merge(&r, at(h: 1)).approval)
        let later = merge(&r, at(h: 1, m: 10) + tick)
        #expect(r.g.approval(id)?.status == .expired)
        #expect(later.decision == .requireApproval)
        #expect(later.approval != id)
        #expect(r.changes().isEmpty)
        #expect(r.trust() == sc("0.9"))
    }

    @Test("a decided approval cannot be decided again; an unknown one is refused")
    func decideTwice() throws {
        var r = try rig()
        let id = try #require(merge(&r, at(h: 1)).approval)
        try r.g.decideApproval(id, approve: true, by: "ana", at: at(h: 1, m: 1))
        #expect(refusal { try r.g.decideApproval(id, approve: false, by: "bob", at: at(h: 1, m: 2)) } == .approvalNotPending)
        #expect(r.g.approval(id)?.status == .approved)
        #expect(r.trust() == sc("0.9"))
        #expect(refusal { try r.g.decideApproval(ApprovalID(agent: 0, ordinal: 9), approve: true, by: "ana", at: at(h: 1)) }
                == .unknownApproval)
    }
}

@Suite("Ephemeral keys (decision step 2)")
struct EphemeralKeyTests {
    /// A key for GitHub READs, 10 min, 3 uses, minted at 01:00.
    func rig() throws -> (Rig, Int32) {
        var r = Rig(try defaults())
        let key = r.g.mintEphemeralKey(for: 0, scope: EphemeralScope(tools: ["github"], verbs: VerbSet([.read]), ttl: .minutes(10), maxUses: 3),
                                       at: at(h: 1))
        return (r, key)
    }

    func expectViolation(_ v: Verdict, _ r: inout Rig, _ violation: ScopeViolation) {
        #expect(v.decision == .deny)
        #expect(v.reasons.contains(.ephemeralScopeViolation))
        #expect(v.violation == violation)
        #expect(!v.isGateDeny)
        let inc = r.incidents(.ephemeralScope)
        #expect(inc.count == 1)
        #expect(inc.first?.severity == .high)
        // Not a gate deny: the deny lowers trust (then the incident's auto-response does).
        #expect(r.changes().map(\.cause) == [.deny, .scrutinyPinned, .incidentOpen])
    }

    @Test("a key that was never minted is refused as an unknown key")
    func unknownKey() throws {
        let made = try rig()
        var r = made.0
        let v = r.scan(at(h: 1, m: 1), key: made.1 + 5)
        expectViolation(v, &r, .unknownKey)
    }

    @Test("an in-scope use is decided normally")
    func inScope() throws {
        let made = try rig()
        var r = made.0
        let key = made.1
        let v = r.scan(at(h: 1, m: 1), tool: "github", op: "list_repos", verb: .read, key: key)
        #expect(v.decision == .allow)
        #expect(v.violation == nil)
    }

    @Test("a tool or verb out of scope is denied with EPHEMERAL_SCOPE_VIOLATION and opens an ephemeral_scope incident",
          arguments: [("slack", Verb.read, ScopeViolation.toolOutOfScope), ("github", .write, .verbOutOfScope)])
    func outOfScope(tool: String, verb: Verb, violation: ScopeViolation) throws {
        let made = try rig()
        var r = made.0
        let key = made.1
        let v = r.scan(at(h: 1, m: 1), tool: tool, op: "op", verb: verb, key: key)
        expectViolation(v, &r, violation)
    }

    @Test("a key works exactly at its expiry and not one tick after", arguments: [
        (SimDuration.minutes(10), true), (.minutes(10) + SimDuration(milliseconds: 1), false),
    ])
    func expiry(after: SimDuration, ok: Bool) throws {
        let made = try rig()
        var r = made.0
        let key = made.1
        let v = r.scan(at(h: 1) + after, tool: "github", op: "list_repos", key: key)
        if ok {
            #expect(v.decision == .allow)
        } else {
            expectViolation(v, &r, .expired)
        }
    }

    @Test("the maxUses-th use is fine; the next is refused")
    func uses() throws {
        let made = try rig()
        var r = made.0
        let key = made.1
        for i in 1...3 {
            #expect(r.scan(at(h: 1, m: Int64(i)), tool: "github", op: "list_repos", key: key).decision == .allow)
        }
        _ = r.changes()
        let v = r.scan(at(h: 1, m: 4), tool: "github", op: "list_repos", key: key)
        expectViolation(v, &r, .exhausted)
    }

    @Test("refused uses do not use up the key")
    func refusedUsesDoNotCount() throws {
        let made = try rig()
        var r = made.0
        let key = made.1
        for i in 1...3 { r.scan(at(h: 1, m: Int64(i)), tool: "slack", op: "post", key: key) }
        for i in 4...6 {
            #expect(r.scan(at(h: 1, m: Int64(i)), tool: "github", op: "list_repos", key: key).decision == .allow)
        }
    }
}
