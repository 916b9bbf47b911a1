import Foundation
@testable import AttestCore

/// A host's boot as an event log: firmware in PCR 0, a separator in PCR 7, one component event per
/// VIB in PCR 13 (``ComponentEventData``), and the quoted PCR values it replays to.
struct BootLog {
    static let pcrs = [0, 7, 13]
    var vibs: [(name: String, version: String)] = [("esx-base", "8.0.3-1"), ("net-demo-nic", "1.1.0-1")]
    var firmware = "demo firmware 1.0"

    func log() -> [UInt8] {
        var w = EventLogWriter(banks: [.sha256])
        w.measure(pcr: 0, type: .EV_S_CRTM_VERSION, data: Array(firmware.utf8))
        w.separators(pcrs: [0, 7])
        for v in vibs {
            let c = ComponentEventData(kind: "vib", name: v.name, version: v.version, vendor: "demo",
                                       digest: DigestAlgorithm.sha256.hash(Array("\(v.name) \(v.version)".utf8)).hex)
            w.measure(pcr: 13, type: .EV_EVENT_TAG, data: c.encoded())
        }
        return w.bytes
    }

    /// The PCR values the log replays to, for a quote of PCRs 0, 7, 13 in sha256.
    func pcrValues() throws -> PCRValues {
        let replayed = try EventLog(bytes: log()).replay()
        let sel = TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, indices: Self.pcrs)])
        return try PCRValues(selection: sel, digests: Self.pcrs.map { replayed[.sha256, $0]! })
    }
}
