import AttestCore

/// The seam to the event log parser (branch `evlog`): replays a TCG event log into PCR values per bank.
/// The integrator replaces the body with `EventLog(bytes:).replay()` (mapped to this shape) after merging.
func replayEventLog(_ bytes: [UInt8]) throws -> [DigestAlgorithm: [Int: [UInt8]]] {
    throw CLIError("event log support not merged yet")
}
