import Foundation

extension GeneratedKeyChain {
    /// `README.md` for the chain's folder: what each file is and how the chain is meant to be used.
    public var readme: String {
        let dateFormatter = ISO8601DateFormatter()
        dateFormatter.formatOptions = [.withInternetDateTime]
        var lines: [String] = []
        if demoOnly {
            lines += [
                "# hostattest DEMO signing key chain",
                "",
                "**THESE PRIVATE KEYS ARE DEMO-ONLY AND PUBLIC. NEVER TRUST THEM FOR ANYTHING REAL.**",
                "**ANYONE CAN SIGN ANYTHING WITH THEM. HOSTATTEST NEVER TRUSTS THEM BY DEFAULT: NOTHING IN",
                "HOSTATTEST LOADS THESE FILES UNLESS THEY ARE PASSED EXPLICITLY WITH `--trust`.**",
                "",
                "Never enroll `platform-root.crt.pem` in a real machine's UEFI `db`, never install these",
                "certificates in any trust store, and never sign real software with these keys.",
                "",
                "The `*.key.pem` files are written with mode 0600. Git does not keep file modes (other than",
                "the executable bit), so a checked-out copy may have other modes: do not rely on them.",
                "",
            ]
        } else {
            lines += [
                "# hostattest signing key chain (\(organization))",
                "",
                "The `*.key.pem` files are private keys (PKCS#8, unencrypted, mode 0600). Keep them secret:",
                "move them to a hardware token or an offline machine for anything that matters, and",
                "distribute only the `*.crt.pem` files and `trust.json`.",
                "",
            ]
        }
        lines += [
            "Made by `hostattest keys init\(demoOnly ? " --demo" : "")` on \(dateFormatter.string(from: generatedAt)),",
            "algorithm \(algorithm.displayName), certificate signatures \(algorithm.signatureAlgorithmName).",
            "Validity starts one hour before generation: roots 20 years, intermediates 10, leaves 5.",
            "",
            "## Chain",
            "",
            "```",
            "platform-root (self-signed, UEFI db role)            signs bootx64.efi directly",
            "boot-vendor-ca (self-signed, shim vendor_cert role)  carried in bootx64.efi's .vendor_cert section",
            "  └─ kernel-signer                                   signs kernel.efi",
            "vib-root-ca (self-signed)",
            "  ├─ vib-certified-ca ─ vib-certified-signer         VIBs at acceptance level certified",
            "  ├─ vib-accepted-ca  ─ vib-accepted-signer          VIBs at acceptance level accepted",
            "  ├─ vib-partner-ca   ─ vib-partner-signer           VIBs at acceptance level partner",
            "  └─ profile-ca       ─ profile-signer               image profiles (its own extended key usage)",
            "```",
            "",
            "## Files",
            "",
            "| File | Subject | What it is |",
            "|---|---|---|",
        ]
        for e in entries {
            let subject = e.subject.replacingOccurrences(of: "|", with: "\\|")
            lines.append("| `\(e.role.certificateFile)` | \(subject) | \(e.role.purpose) |")
        }
        lines += [
            "| `<name>.key.pem` | | The private key of `<name>.crt.pem` (PKCS#8 PEM, written with mode 0600). |",
            "| `trust.json` | | Trust file (format `hostattest-trust/1`) naming the anchors above; pass it with `--trust`. |",
            "",
            "## SHA-256 fingerprints (of the DER certificates)",
            "",
            "```",
        ]
        let width = entries.map(\.role.certificateFile.count).max() ?? 0
        for e in entries {
            let name = e.role.certificateFile.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("\(name)  \(e.sha256Fingerprint)")
        }
        lines += ["```", ""]
        return lines.joined(separator: "\n")
    }
}
