import AttestCore
import AttestWire
import Crypto
import Foundation

/// Challenges and attestations: the hot path. One read (host and nonce), one quote verification with log
/// replay, one appraisal, one transaction (nonce consumed + audit row + host state), then the token.
public struct AttestationService: Sendable {
    let store: any AttestationStore
    let config: ServerConfiguration
    let baselines: BaselineCatalog
    let tokens: TokenIssuer
    /// Logs already parsed, replayed and appraised (found again by their exact bytes).
    let logMemo: EventLogMemo
    /// Enrolled hosts' AKs, loaded once each.
    let akCache: AttestationKeyCache

    public init(store: any AttestationStore, config: ServerConfiguration, baselines: BaselineCatalog, tokens: TokenIssuer) {
        self.store = store; self.config = config; self.baselines = baselines; self.tokens = tokens
        logMemo = EventLogMemo()
        akCache = AttestationKeyCache()
    }

    /// A 32-byte random nonce for this host, single use, expiring after `nonceLifetime`.
    ///
    /// Design: a nonce table (nonce, host, expiry, used) rather than a stateless MAC'd nonce: one
    /// small write per challenge, and single use is an `UPDATE … WHERE used = 0` in the verdict's
    /// transaction. Expired rows are purged on each insert, so the table stays bounded. A re-attesting
    /// host skips this: its verdict's next challenge is kept in its own row (``HostRecord/nextChallenge``).
    public func challenge(hostID: String, now: Date) async throws -> ChallengeResponse {
        guard let host = try await store.host(id: hostID) else { throw APIError.unknownHost(hostID) }
        guard host.state != .pending else { throw APIError(409, .hostNotActivated, "host \(host.name) has not activated its AK yet") }
        let record = newNonce(hostID: hostID, now: now)
        try await store.insertNonce(record, purgeBefore: now.addingTimeInterval(-config.nonceLifetime))
        return Self.challenge(record)
    }

    /// 32 random bytes for `hostID`, expiring after `nonceLifetime` (not yet stored).
    func newNonce(hostID: String, now: Date) -> NonceRecord {
        // One getrandom call for the 32 bytes.
        NonceRecord(nonce: SystemRandom.bytes(32), hostId: hostID, expiresAt: now.addingTimeInterval(config.nonceLifetime))
    }

    static func challenge(_ r: NonceRecord) -> ChallengeResponse {
        ChallengeResponse(nonce: Data(r.nonce).base64EncodedString(), expiresAt: Timestamp.string(r.expiresAt))
    }

    struct Evidence: Sendable {
        var nonce: [UInt8]
        var quote: [UInt8]
        var signature: TPMTSignature
        var pcrs: PCRValues
        var log: EventLog
        /// The log as the request carried it (base64): what the memo is keyed by.
        var logText: String
        /// The memo's entry for exactly this log text (parsed, replayed), when there is one.
        var memo: EventLogMemo.Entry?
    }

    /// `memo`: where a log seen before is found by its text (then neither decoded nor parsed again).
    static func parse(_ r: AttestationRequest, memo: EventLogMemo? = nil) throws -> Evidence {
        let nonce = try Base64Field.decode(r.nonce, field: "nonce")
        let quote = try Base64Field.decode(r.quote, field: "quote")
        let sig = try Base64Field.decode(r.signature, field: "signature")
        let pcrs = try Base64Field.decode(r.pcrs, field: "pcrs")
        let entry = memo?.entry(for: r.eventLog)
        let log: EventLog
        if let entry { log = entry.replayed.log } else {
            let bytes = try Base64Field.decode(r.eventLog, field: "eventLog")
            do { log = try EventLog(bytes: bytes) } catch let e as ParseError { throw APIError(400, .evidenceMalformed, "\(e)") }
        }
        do {
            return Evidence(nonce: nonce, quote: quote, signature: try TPMTSignature(bytes: sig),
                            pcrs: try PCRValues(tpm2ToolsSerialized: pcrs), log: log, logText: r.eventLog, memo: entry)
        } catch let e as ParseError {
            throw APIError(400, .evidenceMalformed, "\(e)")
        }
    }

    public func attest(hostID: String, _ request: AttestationRequest, now: Date) async throws -> Verdict {
        // Parsed first (pure), so that the host and the nonce are read together; a malformed request for
        // an unknown or pending host still gets the 404 or 409 first.
        let parsed = Result(catching: { try Self.parse(request, memo: logMemo) })
        let (read, record) = try await store.attestationContext(hostID: hostID, nonce: (try? parsed.get())?.nonce ?? [])
        guard var host = read else { throw APIError.unknownHost(hostID) }
        guard host.state != .pending else { throw APIError(409, .hostNotActivated, "host \(host.name) has not activated its AK yet") }
        let evidence = try parsed.get()
        var findings: [Finding] = []
        var notes: [String] = []

        if host.state == .revoked {
            findings.append(Finding(.hostRevoked, "host \(host.name) is revoked by an admin", component: "host \(host.name)"))
        }
        // The nonce: issued by this server, to this host, unused, unexpired.
        var consume: [UInt8]? = nil
        // Issued to this host, unused and unexpired: only then may the verdict carry a next challenge.
        var nonceValid = false
        if let record {
            if record.hostId != host.id {
                findings.append(Finding(.nonceOtherHost, "the nonce was issued to another host", component: "nonce"))
            } else {
                if record.used {
                    findings.append(Finding(.nonceReused, "the nonce was already used by an earlier attestation", component: "nonce"))
                } else {
                    consume = evidence.nonce
                }
                if record.expiresAt < now {
                    findings.append(Finding(.nonceExpired, "the nonce expired at \(Timestamp.string(record.expiresAt))", component: "nonce"))
                } else {
                    nonceValid = !record.used
                }
            }
        } else {
            findings.append(Finding(.nonceUnknown, "the nonce was not issued by this server (or has been purged)", component: "nonce"))
        }

        // The quote, with the AK bound at enrollment, and the log replay; then the counters and the
        // baselines. This runs on the request's own task (Hummingbird runs handlers off the event
        // loop), with no hop to another executor.
        let active = try await baselines.active(group: host.group, now: now)
        let outcome = Self.verify(evidence, akPublic: host.akPublic, allowWeak: config.allowWeakAlgorithms, baselines: active, memo: logMemo, keys: akCache)
        let (quoteReport, verifiedQuote, appraisal) = outcome
        findings += quoteReport.failures
        if let verified = verifiedQuote {
            let counters = counterFindings(host: host, clock: verified.clockInfo, notes: &notes)
            findings += counters
            // A clock that went back is not recorded, so a later honest quote is still compared
            // with the highest values seen.
            if counters.isEmpty {
                host.lastResetCount = verified.clockInfo.resetCount
                host.lastRestartCount = verified.clockInfo.restartCount
                host.lastClock = verified.clockInfo.clock
            }
        }
        // Any matching baseline admits; only when none does are the reasons of every baseline reported.
        if let appraisal, !appraisal.isAdmitted { findings += appraisal.failures }

        let admitted = findings.isEmpty && appraisal?.isAdmitted == true
        let attestationID = RandomUUID.v7(now: now)
        var token: String? = nil
        if admitted, let matched = appraisal?.matched {
            token = try await tokens.sign(tokens.claims(hostID: host.id, attestationID: attestationID, nonce: evidence.nonce,
                                                              baseline: matched, now: now))
        }
        var verdict = Verdict(attestationId: attestationID, hostId: host.id, status: admitted ? .admitted : .rejected,
                              at: Timestamp.string(now), findings: findings.map(\.wire), notes: notes,
                              baseline: appraisal?.matched?.baseline.label, token: token)
        // Only the holder of the host's TPM answering a valid challenge of this host (a quote that verified
        // under the host's AK over an unused, unexpired nonce issued to it) changes the host: its state,
        // last verdict, attestation time and counters. Attestation requests are unauthenticated, so any
        // other verdict (a forged, garbage, replayed or late request) goes to the audit trail only: nobody
        // can flip a host to `rejected` or overwrite its last verdict by posting on its behalf.
        var updatingHost = verifiedQuote != nil && nonceValid
        if updatingHost {
            if host.state != .revoked { host.state = admitted ? .admitted : .rejected }
            host.lastAttestationAt = now
            host.lastVerdict = verdict.recorded
        }
        // The next challenge rides in the verdict's own transaction, in the host's row (no extra
        // write). It is issued on the same rule (a forged, garbage, replayed or late request gets none,
        // so it cannot void the host's current one), and only for a host that may attest again. It is
        // added to the answer, never to the audit trail.
        var next = host.state == .revoked || !updatingHost ? nil : newNonce(hostID: host.id, now: now)
        // The commit re-reads the host in its transaction. What changed since the read above makes
        // the verdict a rejection, committed again over the current record (each retry resolves
        // one concurrent change; an admin changing the host over and over gets a 409).
        for attempt in 1... {
            do {
                try await store.commit(verdict: verdict.recorded, host: host, consumingNonce: consume, issuing: next, updatingHost: updatingHost)
                break
            } catch StoreError.nonceAlreadyUsed {
                // Another attestation consumed the nonce between the check and the commit: this one
                // no longer answers a valid challenge.
                Self.reject(&verdict, .nonceReused, "the nonce was used by a concurrent attestation", component: "nonce")
                consume = nil
                next = nil
                updatingHost = false
            } catch StoreError.notFound {
                // Deleted by an admin meanwhile: nothing is written, nothing admitted.
                throw APIError.unknownHost(hostID)
            } catch StoreError.hostChanged(let current) {
                if host.identityChanged(in: current) {
                    Self.reject(&verdict, .hostChanged, "an admin changed host \(current.name) (group, AK or enrollment) while this attestation was verified",
                                component: "host \(current.name)")
                    next = nil
                }
                if current.state == .revoked {
                    Self.reject(&verdict, .hostRevoked, "host \(current.name) is revoked by an admin", component: "host \(current.name)")
                    next = nil
                }
                // The current record, with none of this quote's counters (they may belong to an old AK).
                let lastAttestationAt = host.lastAttestationAt
                host = current
                host.lastAttestationAt = lastAttestationAt
            }
            if attempt >= 4 { throw APIError(409, .hostChanged, "host \(host.name) changed repeatedly while attesting; retry") }
            if updatingHost { host.lastVerdict = verdict.recorded }
        }
        verdict.nextChallenge = next.map(Self.challenge)
        return verdict
    }

    /// The quote against the stored AK (with the log replay), then the appraisal of a verified quote.
    /// With `memo`: a log seen before is not replayed or appraised again (the quote is verified afresh
    /// against the kept replay), and the log of a quote that verified is kept. With `keys`: the AK is
    /// loaded once per distinct stored public area.
    static func verify(_ evidence: Evidence, akPublic: [UInt8], allowWeak: Bool,
                       baselines: [VerifiedBaseline], memo: EventLogMemo? = nil,
                       keys: AttestationKeyCache? = nil) -> (VerificationReport, VerifiedQuote?, Appraisal?) {
        let loaded = keys.map { $0.key(akPublic) } ?? (try? TPMTPublic(bytes: akPublic)).flatMap { try? AttestationKey(publicArea: $0) }
        guard let ak = loaded else {
            var r = VerificationReport()
            r.fail(.akUnusable, "the stored attestation key cannot be loaded", component: "AK")
            return (r, nil, nil)
        }
        let replayed = evidence.memo?.replayed ?? ReplayedEventLog(evidence.log)
        let q = QuoteVerifier(attestationKey: ak, allowWeakAlgorithms: allowWeak)
            .verify(attest: evidence.quote, signature: evidence.signature, pcrs: evidence.pcrs, nonce: evidence.nonce, replayedLog: replayed)
        guard let verified = q.verified else { return (q.report, nil, nil) }
        guard let memo, let entry = evidence.memo ?? memo.keep(bytes: Array(evidence.logText.utf8), replayed: replayed) else {
            return (q.report, verified, Appraiser.appraise(quote: verified, log: replayed.log, baselines: baselines))
        }
        let key = EventLogMemo.AppraisalKey(baselines: baselines.map(\.digest), selection: verified.pcrs.selection,
                                            eventLogChecked: verified.eventLogChecked)
        if let known = memo.appraisal(entry, key) { return (q.report, verified, known) }
        let appraisal = Appraiser.appraise(quote: verified, log: replayed.log, baselines: baselines)
        memo.keep(appraisal, in: entry, key)
        return (q.report, verified, appraisal)
    }

    /// Turns `verdict` into a rejection for `code` (once): no token, no baseline.
    static func reject(_ verdict: inout Verdict, _ code: VerificationCode, _ message: String, component: String) {
        verdict.status = .rejected
        verdict.token = nil
        verdict.baseline = nil
        if !verdict.findings.contains(where: { $0.code == code.rawValue }) {
            verdict.findings.append(WireFinding(code: code.rawValue, message: message, component: component))
        }
    }

    /// TPMS_CLOCK_INFO against the last verified quote (TPM 2.0 Part 2, 10.11.1): resetCount never
    /// decreases (it grows on every TPM reset: a reboot, noted); within one reset, restartCount
    /// never decreases and clock never goes back.
    func counterFindings(host: HostRecord, clock: TPMSClockInfo, notes: inout [String]) -> [Finding] {
        guard let lastReset = host.lastResetCount else { return [] }
        if clock.resetCount < lastReset {
            return [Finding(.counterResetBackwards, "the TPM resetCount went back from \(lastReset) to \(clock.resetCount): a replayed quote or a reset TPM", component: "TPM clock")]
        }
        if clock.resetCount > lastReset {
            notes.append("reboot: the TPM resetCount went from \(lastReset) to \(clock.resetCount)")
            return []
        }
        if let lastRestart = host.lastRestartCount, clock.restartCount < lastRestart {
            return [Finding(.counterRestartBackwards, "the TPM restartCount went back from \(lastRestart) to \(clock.restartCount) without a reset", component: "TPM clock")]
        }
        if let lastClock = host.lastClock, clock.clock < lastClock {
            return [Finding(.counterClockBackwards, "the TPM clock went back from \(lastClock) to \(clock.clock) without a reset", component: "TPM clock")]
        }
        return []
    }
}

extension Verdict {
    /// The verdict as the audit trail and the host's last verdict keep it: without the token. A token
    /// is a bearer credential; the store never holds one (a database copy or backup lends no
    /// admission). The token names its attestation (`hostattest_attestation_id`), which is this
    /// entry's `attestationId`.
    var recorded: Verdict {
        var v = self
        v.token = nil
        v.nextChallenge = nil
        return v
    }
}
