import Foundation

/// Signing the sample host image with a key chain, the way a release engineer would: the EFI
/// bootloader and kernel built and signed (`Scripts/make-boot-images.sh`, which runs `sign pe`),
/// each VIB built from its sources (`vib build`) and signed at its acceptance level (`vib sign`),
/// boot.cfg loading the VIBs, and a signed image profile (`profile create`, `profile sign`).
struct DemoImages {
    let context: DemoContext
    /// boot.cfg loads the VIBs in this order (the profile records the same order).
    static let bootOrder = ["esx-base-demo", "net-demo-nic", "storage-demo-hba", "esx-ui-demo", "partner-agent-demo"]

    /// The EFI images for `keys` into `host` (bootx64.efi carries the chain's boot vendor CA).
    func bootImages(keys: URL, host: URL) async throws -> DemoChildResult {
        try await context.child.run("/bin/bash", [context.paths.bootImagesScript.path, context.paths.executable, "--keys", keys.path, "--out", host.path],
                                    label: "make-boot-images", timeout: 300)
    }

    /// Every VIB of the boot order from `Images/src/vibs`, signed with `keys`, into `host/vibs`, and
    /// boot.cfg's `modules=` line.
    func vibs(keys: URL, host: URL) async throws {
        let vibs = host.appendingPathComponent("vibs")
        try FileManager.default.createDirectory(at: vibs, withIntermediateDirectories: true)
        for name in Self.bootOrder {
            let source = context.paths.vibSources.appendingPathComponent(name)
            let descriptor = try String(contentsOf: source.appendingPathComponent("descriptor.xml"), encoding: .utf8)
            try await vib(name: name, descriptor: descriptor, payload: source.appendingPathComponent("payload"), keys: keys,
                          output: vibs.appendingPathComponent("\(name).vib"))
        }
        let cfg = host.appendingPathComponent("boot.cfg")
        let modules = "modules=" + Self.bootOrder.map { "vibs/\($0).vib" }.joined(separator: " --- ")
        var lines = try String(contentsOf: cfg, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeAll { $0.hasPrefix("modules=") }
        if lines.last == "" { lines.removeLast() }
        lines.append(modules)
        try (lines.joined(separator: "\n") + "\n").write(to: cfg, atomically: true, encoding: .utf8)
    }

    /// One VIB: the payload folder as a reproducible gzip'd tar, `vib build`, `vib sign` by the
    /// signer of the descriptor's acceptance level (with its CA carried).
    func vib(name: String, descriptor: String, payload: URL, keys: URL, output: URL) async throws {
        guard let level = Self.element("acceptance-level", in: descriptor), ["certified", "accepted", "partner"].contains(level),
              let payloadName = Self.payloadName(descriptor) else {
            throw StepFailure("\(name): the descriptor has no signed acceptance level or payload name")
        }
        let build = context.work.appendingPathComponent("vib-build/\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
        let descriptorFile = build.appendingPathComponent("descriptor.xml"), payloadFile = build.appendingPathComponent(payloadName)
        try descriptor.write(to: descriptorFile, atomically: true, encoding: .utf8)
        let tar = try await context.child.run("/bin/bash", ["-c", "set -o pipefail; tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C \"$1\" -cf - . | gzip -n -9 > \"$2\"",
                                                            "tar", payload.path, payloadFile.path], label: "payload-\(name)", timeout: 60)
        guard tar.status == 0 else { throw StepFailure("packing the payload of \(name) failed: \(tar.lastLine)") }
        let unsigned = build.appendingPathComponent("\(name).unsigned.vib").path
        try await context.must(["vib", "build", "--descriptor", descriptorFile.path, "--payload", payloadFile.path, "-o", unsigned], label: "vib-build-\(name)")
        try await context.must(["vib", "sign", unsigned, "--key", keys.appendingPathComponent("vib-\(level)-signer.key.pem").path,
                                "--cert", keys.appendingPathComponent("vib-\(level)-signer.crt.pem").path,
                                "--chain", keys.appendingPathComponent("vib-\(level)-ca.crt.pem").path, "-o", output.path], label: "vib-sign-\(name)")
    }

    /// `profile create` and `profile sign` (by the profile signer, its CA carried): PROFILE and PROFILE.p7s.
    func profile(host: URL, version: String, keys: URL, output: String) async throws {
        try await context.must(["profile", "create", host.path, "-o", output, "--name", "demo-host", "--version", version, "--host-acceptance", "partner"],
                               label: "profile-create-\(version)")
        try await context.must(["profile", "sign", output, "--key", keys.appendingPathComponent("profile-signer.key.pem").path,
                                "--cert", keys.appendingPathComponent("profile-signer.crt.pem").path,
                                "--chain", keys.appendingPathComponent("profile-ca.crt.pem").path, "-o", output + ".p7s"], label: "profile-sign-\(version)")
    }

    /// The text of the first `<tag>…</tag>`.
    static func element(_ tag: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(tag)>"), let close = xml.range(of: "</\(tag)>", range: open.upperBound..<xml.endIndex) else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
    }

    /// `descriptor` with the first `<tag>` text replaced.
    static func replacing(_ tag: String, with value: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(tag)>"), let close = xml.range(of: "</\(tag)>", range: open.upperBound..<xml.endIndex) else { return nil }
        return xml.replacingCharacters(in: open.upperBound..<close.lowerBound, with: value)
    }

    /// The `name` attribute of the first `<payload>`.
    static func payloadName(_ xml: String) -> String? {
        guard let p = xml.range(of: "<payload "), let n = xml.range(of: "name=\"", range: p.upperBound..<xml.endIndex),
              let end = xml.range(of: "\"", range: n.upperBound..<xml.endIndex) else { return nil }
        let name = String(xml[n.upperBound..<end.lowerBound])
        return name.isEmpty || name.contains("/") ? nil : name
    }
}
