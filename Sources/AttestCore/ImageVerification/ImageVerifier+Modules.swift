import Foundation

extension ImageVerifier {
    /// One module as loaded from the image (before it is matched to the profile).
    struct ModuleOutcome: Sendable {
        var path: String
        /// Nil when the file is not in the image or was too large to read.
        var sha256: [UInt8]?
        /// Set (to the file size) when the file is larger than anything the profile binds; it was not read.
        var tooLarge: Int?
        var vib: VIBOutcome?
    }

    struct VIBOutcome: Sendable {
        var name: String
        var version: String
        var vendor: String
        var level: AcceptanceLevel
        var descriptorSHA256: [UInt8]
        var verification: VIBVerification
    }

    private final class Results: @unchecked Sendable {
        let lock = NSLock()
        var outcomes: [ModuleOutcome?]
        var errors: [(Int, ImageInputError)] = []
        var done = 0
        init(count: Int) { outcomes = Array(repeating: nil, count: count) }
    }

    /// Loads every module concurrently; each is mapped, hashed, (for a VIB) parsed and verified, and
    /// released inside its iteration. The first input error in load order is thrown.
    static func loadModules(_ paths: [String], image: ImageContents, sizeLimit: Int, trust: TrustAnchors, revoked: VIBRevocations,
                            options: VIBVerificationOptions, progress: (@Sendable (Int) -> Void)?) throws -> [ModuleOutcome] {
        let results = Results(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            let path = paths[i]
            var outcome = ModuleOutcome(path: path)
            var failure: ImageInputError? = nil
            if !image.missing.contains(path) {
                autoreleasepool {
                    do {
                        let data = try image.load(path)
                        if data.count > sizeLimit {
                            outcome.tooLarge = data.count
                            return
                        }
                        outcome.sha256 = DigestAlgorithm.sha256.hash(data)
                        if ImagePath.isVIB(path) {
                            let vib = try VIB(data: data)
                            let d = vib.descriptor
                            let v = VIBVerifier.verify(vib, trust: trust, revoked: revoked, options: options, component: d.name)
                            outcome.vib = VIBOutcome(name: d.name, version: d.version, vendor: d.vendor, level: d.acceptanceLevel,
                                                     descriptorSHA256: vib.descriptorSHA256, verification: v)
                        }
                    } catch {
                        failure = ImageInputError(file: path, error: error)
                    }
                }
            }
            results.lock.lock()
            results.outcomes[i] = outcome
            if let failure { results.errors.append((i, failure)) }
            results.done += 1
            let done = results.done
            results.lock.unlock()
            progress?(done)
        }
        if let first = results.errors.min(by: { $0.0 < $1.0 }) { throw first.1 }
        return results.outcomes.enumerated().map { $0.element ?? ModuleOutcome(path: paths[$0.offset]) }
    }

    /// Matches each loaded module to the profile binding at the same position: path, kind, file digest,
    /// and for a VIB its descriptor (a VIB that the profile binds to another file is named with both files).
    static func matchModules(_ outcomes: [ModuleOutcome], profile: ImageProfile) -> [(kind: String, name: String, report: VerificationReport)] {
        var descriptorOwner: [String: Int] = [:]
        for (j, m) in profile.modules.enumerated() { if let v = m.vib { descriptorOwner[v.descriptorSHA256.lowercased()] = j } }
        var byName: [String: [Int]] = [:]
        for (i, o) in outcomes.enumerated() { if let v = o.vib { byName[v.name, default: []].append(i) } }

        return outcomes.enumerated().map { i, o in
            let position = i + 1
            var r = o.vib?.verification.report ?? VerificationReport()
            let kind = ImagePath.isVIB(o.path) ? "vib" : "module"
            let name = o.vib.map { "\($0.name) (\(o.path))" } ?? o.path
            if let size = o.tooLarge {
                r.fail(.imageFileTooLarge, "\(o.path) (module \(position)) is \(size) bytes, larger than any file the profile binds (\(profile.largestFileSize) bytes): not read", component: o.path)
                return (kind, name, r)
            }
            guard let sha = o.sha256 else {
                r.fail(.imageModuleMissing, "boot.cfg loads \(o.path) (module \(position)), which is not in the image", component: o.path)
                return (kind, name, r)
            }
            guard i < profile.modules.count else {
                r.fail(.imageModuleUnexpected, "boot.cfg loads \(o.path) as module \(position); the profile binds no module there", component: o.path)
                return (kind, name, r)
            }
            let bound = profile.modules[i]
            if bound.path != o.path {
                r.fail(.imageModulePathMismatch, "module \(position) is loaded from \(o.path); the profile binds \(bound.path) there", component: o.path)
            }
            checkDigest(sha, expected: bound.sha256, name: o.path, code: .imageModuleDigestMismatch, into: &r)
            if let v = o.vib, let b = bound.vib {
                let digest = v.descriptorSHA256.hex
                if let owner = descriptorOwner[digest], owner != i {
                    let other = profile.modules[owner].path
                    r.fail(.imageVibMisplaced, "\(o.path) holds VIB \"\(v.name)\" \(v.version), which the profile binds to \(other) (module \(owner + 1)); the profile binds \(o.path) to \"\(b.name)\"", component: o.path)
                } else if digest != b.descriptorSHA256.lowercased() {
                    if v.name != b.name {
                        r.fail(.imageVibNameMismatch, "\(o.path) holds VIB \"\(v.name)\"; the profile binds \"\(b.name)\" \(b.version) there", component: o.path)
                    } else if v.version != b.version {
                        if VIBVersion.isLower(v.version, than: b.version) {
                            r.fail(.vibDowngrade, "version \(v.version) is a downgrade from the profile's \(b.version)", component: v.name)
                        } else {
                            r.fail(.imageVibVersionMismatch, "version \(v.version) differs from the profile's \(b.version)", component: v.name)
                        }
                    } else {
                        r.fail(.imageVibDescriptorMismatch, "descriptor.xml SHA-256: expected \(b.descriptorSHA256), actual \(digest)", component: v.name)
                    }
                    if v.vendor != b.vendor || v.level != b.acceptanceLevel {
                        r.fail(.imageVibMetadataMismatch, "vendor/level \(v.vendor)/\(v.level) differ from the profile's \(b.vendor)/\(b.acceptanceLevel)", component: v.name)
                    }
                } else {
                    r.pass("descriptor.xml matches the profile's binding for \(o.path)")
                }
                if let same = byName[v.name], same.count > 1 {
                    // At most a few files named per message: n copies must not cost n² text.
                    let files = same.prefix(4).map { outcomes[$0].path }.joined(separator: ", ") + (same.count > 4 ? ", …" : "")
                    r.fail(.imageVibDuplicate, "VIB \"\(v.name)\" is loaded \(same.count) times: \(files)", component: o.path)
                }
            }
            return (kind, name, r)
        }
    }
}
