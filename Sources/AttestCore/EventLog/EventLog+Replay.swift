import Crypto

extension EventLog {
    /// Replays the log into every bank it declares that hostattest can hash (TCG PC Client PFP
    /// r1.05, 10.2.2 / TPM 2.0 Part 1, 17.7 "PCR Extend"): for each extended event,
    /// `PCR[i] = H(PCR[i] ‖ digest)` in that bank.
    ///
    /// - EV_NO_ACTION is never extended (PFP 10.4.5).
    /// - A StartupLocality event (PFP 10.4.5.3) sets PCR 0's start to 0x00…0L with L = the
    ///   locality (3, or 4 when an H-CRTM sequence ran: the TPM resets PCR 0 to 0x00…04 before
    ///   extending the H-CRTM measurement, TPM 2.0 Part 1, 34.3 "H-CRTM"). "H-CRTM CompMeas"
    ///   events (PFP 10.4.5.4) only describe that measurement and are not extended.
    /// - PCRs 17–22 start at 0xFF… .
    public func replay() -> PCRBanks {
        var banks: [PCRBanks.Bank] = []
        var unsupported: [PCRBanks.UnsupportedBank] = []
        let algs: [(id: UInt16, size: Int)]
        if let specID {
            algs = specID.algorithms.map { ($0.algorithmID, Int($0.digestSize)) }
        } else {
            algs = [(DigestAlgorithm.sha1.tpmAlgorithmID, 20)]
        }
        var locality: UInt8 = 0
        for e in events where e.pcrIndex == 0 && e.type == .EV_NO_ACTION {
            if let l = e.startupLocality { locality = l; break }
        }
        for (id, size) in algs {
            guard let alg = DigestAlgorithm(tpmAlgorithmID: id) else {
                unsupported.append(PCRBanks.UnsupportedBank(algorithmID: id, digestSize: size))
                continue
            }
            switch alg {
            case .sha1: banks.append(replayBank(Insecure.SHA1.self, alg, locality: locality))
            case .sha256: banks.append(replayBank(SHA256.self, alg, locality: locality))
            case .sha384: banks.append(replayBank(SHA384.self, alg, locality: locality))
            case .sha512: banks.append(replayBank(SHA512.self, alg, locality: locality))
            }
        }
        return PCRBanks(banks: banks, unsupported: unsupported)
    }

    private func replayBank<H: HashFunction>(_: H.Type, _ alg: DigestAlgorithm, locality: UInt8) -> PCRBanks.Bank {
        let size = alg.digestSize
        let id = alg.tpmAlgorithmID
        var pcrs = (0..<Self.pcrCount).map { PCRBanks.resetValue(pcr: $0, size: size) }
        var touched = Set<Int>()
        var missing: [Int] = []
        if locality != 0 {
            pcrs[0][size - 1] = locality
            touched.insert(0)
        }
        for e in events where e.type != .EV_NO_ACTION {
            var digest: ArraySlice<UInt8>? = nil
            for d in e.digests where d.algorithmID == id { digest = d.digest; break }
            guard let digest else { missing.append(e.number); continue }
            var h = H()
            pcrs[e.pcrIndex].withUnsafeBytes { h.update(bufferPointer: $0) }
            digest.withUnsafeBytes { h.update(bufferPointer: $0) }
            let next = h.finalize()
            next.withUnsafeBytes { src in
                pcrs[e.pcrIndex].withUnsafeMutableBytes { $0.copyMemory(from: src) }
            }
            touched.insert(e.pcrIndex)
        }
        return PCRBanks.Bank(algorithm: alg, values: pcrs, touched: touched, eventsMissingDigest: missing)
    }

    /// Most events a `pcr.replay-mismatch` finding names.
    static let maxEventsNamed = 32

    /// Compares the replayed log with PCR values the TPM reported (e.g. in a verified quote).
    ///
    /// Every expected PCR is checked, in every bank given; each mismatch is a `pcr.replay-mismatch`
    /// finding that names the bank and PCR, the expected (quoted) and the replayed digest, and the
    /// events extended into that PCR. A bank the log lacks is `pcr.bank-missing`; one it declares
    /// but hostattest cannot hash is `pcr.bank-unsupported`; a bank where some event has no digest
    /// is `pcr.replay-incomplete`; a PCR index outside 0–23 is `pcr.index-invalid`.
    ///
    /// Only the PCRs in `expected` are checked: a valid report says nothing about events extended
    /// into other PCRs, so a caller that relies on an event must have quoted that event's PCR in
    /// every bank it uses.
    public func verifyReplay(against expected: [DigestAlgorithm: [Int: [UInt8]]]) -> VerificationReport {
        verifyReplay(against: expected, replayed: replay())
    }

    /// ``verifyReplay(against:)`` with this log's replay already computed (``ReplayedEventLog``).
    func verifyReplay(against expected: [DigestAlgorithm: [Int: [UInt8]]], replayed: PCRBanks) -> VerificationReport {
        var report = VerificationReport()
        for alg in expected.keys.sorted(by: { $0.tpmAlgorithmID < $1.tpmAlgorithmID }) {
            guard let values = expected[alg], !values.isEmpty else { continue }
            guard let bank = replayed.bank(alg) else {
                if replayed.unsupported.contains(where: { $0.algorithmID == alg.tpmAlgorithmID }) {
                    report.fail(.pcrBankUnsupported, "the event log's \(alg) bank cannot be replayed", component: "\(alg) bank")
                } else {
                    let have = replayed.banks.map(\.algorithm.rawValue) + replayed.unsupported.map(\.name)
                    report.fail(.pcrBankMissing, "the event log has no \(alg) bank (it has \(have.joined(separator: ", ")))", component: "\(alg) bank")
                }
                continue
            }
            if !bank.isComplete {
                let list = bank.eventsMissingDigest.prefix(8).map { events[$0].label }.joined(separator: ", ")
                report.fail(.pcrReplayIncomplete, "\(bank.eventsMissingDigest.count) extended event(s) carry no \(alg) digest (\(list)), so the \(alg) bank cannot be replayed", component: "\(alg) bank")
                continue
            }
            for pcr in values.keys.sorted() {
                guard let want = values[pcr] else { continue }
                let component = "PCR[\(pcr)] \(alg)"
                guard (0..<Self.pcrCount).contains(pcr) else {
                    report.fail(.pcrIndexInvalid, "PCR index \(pcr) is not a PCR (0–\(Self.pcrCount - 1))", component: component)
                    continue
                }
                let got = bank.values[pcr]
                if ConstantTime.equal(got, want) {
                    report.pass("\(component) matches the replayed event log")
                } else {
                    let involved = events.filter { $0.pcrIndex == pcr && $0.isExtended }
                    // Name at most 32 events: a finding per PCR listing every event of a huge log
                    // would make the report grow with PCRs × events.
                    let names = involved.prefix(Self.maxEventsNamed).map(\.label) + (involved.count > Self.maxEventsNamed ? ["…"] : [])
                    let eventText = involved.isEmpty
                        ? "no events were extended into it"
                        : "\(involved.count) event\(involved.count == 1 ? "" : "s") extended into it: \(names.joined(separator: ", "))"
                    report.fail(.pcrReplayMismatch,
                                "expected 0x\(want.hex) but replaying the event log gives 0x\(got.hex); \(eventText)",
                                component: component)
                }
            }
        }
        return report
    }
}

/// An event log with its replay (``EventLog/replay()``), computed once: the banks always belong to
/// this log (only this initializer makes one), so a verifier that is handed one can skip the replay
/// without trusting anyone's PCR values. A server that sees the same log again (a host re-attesting,
/// hosts booted from one image) keeps it and replays once.
public struct ReplayedEventLog: Sendable {
    public let log: EventLog
    public let banks: PCRBanks

    public init(_ log: EventLog) {
        self.log = log
        banks = log.replay()
    }

    /// ``EventLog/verifyReplay(against:)`` on the kept replay.
    public func verifyReplay(against expected: [DigestAlgorithm: [Int: [UInt8]]]) -> VerificationReport {
        log.verifyReplay(against: expected, replayed: banks)
    }
}
