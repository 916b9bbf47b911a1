/// The events a boot of a verified image extends, in order (see ``PCRMap``), computed from the
/// policy and the components alone: `hostattest boot` extends them into a TPM while writing the log,
/// and prediction replays them without one, so the two cannot drift apart.
public struct MeasuredBootPlan: Sendable {
    public let mode: MeasuredBootPolicy.Mode
    /// The policy the plan was made under (its profile names a predicted baseline).
    public let policy: MeasuredBootPolicy
    public let events: [PlannedEvent]
    /// Enforce mode: the component that failed verification and stopped the boot (nothing from it
    /// on was measured). Nil when the boot completed.
    public let stoppedAt: MeasuredComponent?
    /// Every component measured, in order, with its verdict.
    public let measured: [MeasuredComponent]

    public var completed: Bool { stoppedAt == nil }

    /// - Parameter components: in boot order: bootloader, boot configuration, kernel, kernel options,
    ///   then every module. The order of the events follows the order given.
    public init(policy: MeasuredBootPolicy, components: [MeasuredComponent]) {
        var events: [PlannedEvent] = []
        let mode = policy.mode
        let label = "secure boot policy"

        // Firmware phase: the pipeline's version, the Secure Boot policy, separators.
        events.append(PlannedEvent(pcr: PCRMap.pipelineVersion, type: .EV_S_CRTM_VERSION,
                                   data: UEFIEncoding.ucs2("hostattest boot 1"), label: "pipeline version"))
        func variable(_ guid: EFIGUID, _ name: String, _ data: [UInt8]) {
            events.append(PlannedEvent(pcr: PCRMap.secureBootPolicy, type: .EV_EFI_VARIABLE_DRIVER_CONFIG,
                                       data: UEFIEncoding.variableData(guid: guid, name: name, data: data), label: "\(label): \(name)"))
        }
        variable(UEFIEncoding.globalVariable, "SecureBoot", [mode == .enforce ? 1 : 0])
        variable(UEFIEncoding.globalVariable, "PK", [])
        variable(UEFIEncoding.globalVariable, "KEK", [])
        variable(UEFIEncoding.imageSecurityDatabase, "db",
                 UEFIEncoding.signatureLists(type: .certX509, entries: policy.trust.platform.map(\.derEncoded)))
        variable(UEFIEncoding.imageSecurityDatabase, "dbx", Self.dbxLists(policy.dbx))
        variable(UEFIEncoding.hostattest, "HostattestPolicy", policy.policyRecord)
        events.append(PlannedEvent(pcr: PCRMap.secureBootPolicy, type: .EV_SEPARATOR, data: [0, 0, 0, 0], label: "separator"))
        events.append(PlannedEvent(pcr: PCRMap.bootManagerCode, type: .EV_EFI_ACTION,
                                   data: Array("Calling EFI Application from Boot Option".utf8), label: "boot option"))
        for pcr in 0...6 {
            events.append(PlannedEvent(pcr: pcr, type: .EV_SEPARATOR, data: [0, 0, 0, 0], label: "separator"))
        }

        // Boot phase: each component, verified first.
        var stopped: MeasuredComponent? = nil
        var measured: [MeasuredComponent] = []
        var authorities = Set<[UInt8]>()
        if !policy.profile.failures.isEmpty, mode == .enforce {
            stopped = MeasuredComponent(kind: .bootConfig, path: "profile \(policy.profile.name)", failures: policy.profile.failures)
        }
        for c in components where stopped == nil {
            if !c.verified, mode == .enforce { stopped = c; break }
            measured.append(c)
            switch c.kind {
            case .bootloader, .kernel:
                if c.verified, let authority = c.authority {
                    // Each authority is measured once (PFP 10.4.4: the first time it verifies an image).
                    let (guid, name) = c.kind == .bootloader ? (UEFIEncoding.imageSecurityDatabase, "db") : (UEFIEncoding.shimLock, "Shim")
                    let data = c.kind == .bootloader ? UEFIEncoding.signatureData(certificate: authority.derEncoded) : authority.derEncoded
                    if authorities.insert([UInt8](name.utf8) + authority.derEncoded).inserted {
                        events.append(PlannedEvent(pcr: PCRMap.secureBootPolicy, type: .EV_EFI_VARIABLE_AUTHORITY,
                                                   data: UEFIEncoding.variableData(guid: guid, name: name, data: data),
                                                   label: "authority for \(c.displayName)"))
                    }
                } else {
                    events.append(PlannedEvent(pcr: PCRMap.secureBootPolicy, type: .EV_EFI_ACTION,
                                               data: Array("hostattest: \(c.displayName) \(MeasurementRecord.verdict(c.failures))".utf8),
                                               label: "verification failure of \(c.displayName)"))
                }
                events.append(PlannedEvent(pcr: PCRMap.bootManagerCode, type: .EV_EFI_BOOT_SERVICES_APPLICATION,
                                           data: UEFIEncoding.imageLoadEvent(path: c.path, imageBase: c.imageBase, imageSize: c.imageSize),
                                           fixedDigests: c.authenticode, label: c.displayName, component: c))
            case .bootConfig:
                events.append(PlannedEvent(pcr: PCRMap.bootConfig, type: .EV_IPL, data: MeasurementRecord(c).bytes, label: c.displayName, component: c))
            case .kernelOptions:
                events.append(PlannedEvent(pcr: PCRMap.kernelOptions, type: .EV_IPL, data: MeasurementRecord(c).bytes, label: "kernel options", component: c))
            case .vib, .file:
                events.append(PlannedEvent(pcr: PCRMap.modules, type: .EV_IPL, data: MeasurementRecord(c).bytes, label: c.displayName, component: c))
            }
        }
        self.mode = mode
        self.policy = policy
        self.events = events
        self.stoppedAt = stopped
        self.measured = measured
    }

    /// The deny list as the EFI_SIGNATURE_LISTs of a dbx variable: digests by algorithm, then
    /// certificates, then TBS digests of revoked certificates.
    static func dbxLists(_ dbx: DenyList) -> [UInt8] {
        var out: [UInt8] = []
        let types: [(DigestAlgorithm, EFIGUID)] = [(.sha1, .certSHA1), (.sha256, .certSHA256), (.sha384, .certSHA384), (.sha512, .certSHA512)]
        for (alg, guid) in types {
            out += UEFIEncoding.signatureLists(type: guid, entries: dbx.digests.filter { $0.algorithm == alg }.map(\.value))
        }
        out += UEFIEncoding.signatureLists(type: .certX509, entries: dbx.certificates)
        // EFI_CERT_X509_SHA256: ToBeSignedHash (32) ‖ TimeOfRevocation (EFI_TIME, 16 bytes; zero = always).
        out += UEFIEncoding.signatureLists(type: .certX509SHA256, entries: dbx.certificateTBSDigests.map { $0 + [UInt8](repeating: 0, count: 16) })
        return out
    }

    /// The crypto-agile event log of this plan (Spec ID event, then every event), as firmware would write it.
    public func eventLog(banks: [DigestAlgorithm]) throws -> [UInt8] {
        var writer = EventLogWriter(banks: banks)
        for e in events {
            try writer.extend(pcr: e.pcr, type: e.type, digests: try e.digests(banks: writer.banks), data: e.data)
        }
        return writer.bytes
    }

    /// The PCR values this plan produces from reset PCRs, per bank (only the PCRs it extends).
    public func predictedPCRs(banks: [DigestAlgorithm]) throws -> [DigestAlgorithm: [Int: [UInt8]]] {
        var values: [DigestAlgorithm: [Int: [UInt8]]] = [:]
        for bank in banks {
            var pcrs: [Int: [UInt8]] = [:]
            for e in events {
                let current = pcrs[e.pcr] ?? [UInt8](repeating: 0, count: bank.digestSize)
                pcrs[e.pcr] = bank.hash(current + (try e.digests(banks: [bank])[bank]!))
            }
            values[bank] = pcrs
        }
        return values
    }
}
