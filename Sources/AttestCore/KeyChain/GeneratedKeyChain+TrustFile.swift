extension GeneratedKeyChain {
    /// The `trust.json` (format `hostattest-trust/1`) naming this chain's anchors, with paths relative
    /// to the folder the chain is written to:
    /// - `platform`: anchors for bootloaders (the UEFI db role);
    /// - `bootVendor`: the vendor certificate a bootloader must carry in `.vendor_cert`;
    /// - `vib.<level>`: the pinned CA for each signed acceptance level (need not be self-signed);
    /// - `profile`: the profile CA, the only anchor for image-profile signatures;
    /// - `dbx`: deny-list files (none for a fresh chain).
    public var trustJSON: String {
        func list(_ roles: [KeyChainRole]) -> String {
            "[" + roles.map { "\"\($0.certificateFile)\"" }.joined(separator: ", ") + "]"
        }
        return """
        {
          "format": "hostattest-trust/1",
          "demoOnly": \(demoOnly),
          "platform": \(list([.platformRoot])),
          "bootVendor": \(list([.bootVendorCA])),
          "vib": {
            "root": \(list([.vibRootCA])),
            "certified": \(list([.vibCertifiedCA])),
            "accepted": \(list([.vibAcceptedCA])),
            "partner": \(list([.vibPartnerCA]))
          },
          "profile": \(list([.profileCA])),
          "dbx": []
        }

        """
    }
}
