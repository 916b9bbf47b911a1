import AttestAgent
import AttestWire
import Foundation
import Testing

/// When the agent uses a verdict's next challenge: for the lifetime the server gave it, counted on
/// this machine's clock from when the request was sent, less a margin; never on unparseable dates.
@Suite struct NextChallengeUseTests {
    let sent = Date(timeIntervalSince1970: 1_000_000)

    @Test func theServersLifetimeCountsFromTheSendTimeLessAMargin() throws {
        let next = ChallengeResponse(nonce: "AAAA", expiresAt: "2026-01-01T00:01:00.000Z")
        // The server's clock is far from ours: only the difference of its two times matters.
        let until = try #require(Agent.usableUntil(next, verdictAt: "2026-01-01T00:00:00.000Z", sent: sent))
        #expect(until == sent.addingTimeInterval(54))
        let wholeSeconds = try #require(Agent.usableUntil(ChallengeResponse(nonce: "AAAA", expiresAt: "2026-01-01T00:01:00Z"),
                                                          verdictAt: "2026-01-01T00:00:00Z", sent: sent))
        #expect(wholeSeconds == until)
    }

    @Test(arguments: [
        ("2026-01-01T00:00:01.000Z", "2026-01-01T00:00:00.000Z"),  // one second: less than the margin
        ("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"),  // already expired
        ("2025-12-31T23:00:00.000Z", "2026-01-01T00:00:00.000Z"),  // expired before it was issued
        ("tomorrow", "2026-01-01T00:00:00.000Z"),
        ("2026-01-01T00:01:00.000Z", ""),
    ])
    func anUnusableNextChallengeIsNotUsed(expires: String, at: String) {
        #expect(Agent.usableUntil(ChallengeResponse(nonce: "AAAA", expiresAt: expires), verdictAt: at, sent: sent) == nil)
    }
}
