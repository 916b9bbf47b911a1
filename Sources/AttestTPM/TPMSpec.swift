import Foundation

/// Which TPM to use, as given by `--tpm` or `HOSTATTEST_TPM`:
///
/// | spec | TPM |
/// |---|---|
/// | `soft:PATH` | hostattest's ``SoftwareTPM`` with its state in PATH (created 0600 on first use) |
/// | `swtpm:host=H,port=P` | swtpm through tpm2-tss (P is the command port; P+1 is its control port) |
/// | `mssim:host=H,port=P` | the Microsoft/IBM TPM simulator |
/// | `device:/dev/tpmrm0` | a kernel TPM device (use the resource manager, `tpmrm0`) |
/// | `tabrmd:bus_type=session` … | the tpm2-abrmd resource manager |
/// | `tcti:ANY` | ANY handed to the TCTI loader unchanged |
public enum TPMSpec: Sendable, Hashable, CustomStringConvertible {
    case software(path: String)
    case tss(tcti: String)

    public static let environmentVariable = "HOSTATTEST_TPM"
    static let tctiNames: Set<String> = ["swtpm", "mssim", "device", "tabrmd", "cmd", "libtpms", "spi-ftdi", "spi-helper", "i2c-helper", "pcap"]

    public var description: String {
        switch self {
        case .software(let path): return "soft:\(path)"
        case .tss(let tcti): return tcti
        }
    }

    /// Parses a spec; a malformed one is `tpm.bad-spec` naming the problem.
    public init(parsing text: String) throws {
        func bad(_ why: String) -> TPMError { TPMError(TPMError.badSpec, "--tpm \"\(text)\": \(why)") }
        guard !text.isEmpty, text.utf8.count <= 4096 else { throw bad("empty or longer than 4096 characters") }
        guard !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { throw bad("contains control characters") }
        let name: Substring, rest: Substring
        if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            rest = text[text.index(after: colon)...]
        } else {
            name = Substring(text)
            rest = ""
        }
        switch name {
        case "soft":
            guard !rest.isEmpty else { throw bad("soft: needs a state file path (soft:PATH)") }
            self = .software(path: String(rest))
        case "tcti":
            guard !rest.isEmpty else { throw bad("tcti: needs a TCTI configuration (tcti:NAME:CONF)") }
            self = .tss(tcti: String(rest))
        case "swtpm", "mssim":
            try Self.checkSocketConf(rest, name: String(name), bad: bad)
            self = .tss(tcti: text)
        case "device":
            guard rest.isEmpty || rest.hasPrefix("/") else { throw bad("device: takes an absolute path (device:/dev/tpmrm0)") }
            self = .tss(tcti: text)
        default:
            guard Self.tctiNames.contains(String(name)) else {
                throw bad("unknown TPM \"\(name)\" (soft:PATH, swtpm:host=H,port=P, mssim:…, device:/dev/tpmrm0, tabrmd:…, tcti:CONF)")
            }
            self = .tss(tcti: text)
        }
    }

    /// `host=H,port=P` with only these keys, P in 1…65534 (P+1 is the control port).
    static func checkSocketConf(_ conf: Substring, name: String, bad: (String) -> TPMError) throws {
        guard !conf.isEmpty else { return }
        for pair in conf.split(separator: ",", omittingEmptySubsequences: false) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2, !kv[1].isEmpty else { throw bad("\(name): expects host=H,port=P, not \"\(pair)\"") }
            switch kv[0] {
            case "host": continue
            case "port":
                guard let p = Int(kv[1]), (1...65534).contains(p) else { throw bad("\(name): port \"\(kv[1])\" is not 1–65534") }
            default:
                throw bad("\(name): unknown key \"\(kv[0])\" (host, port)")
            }
        }
    }

    /// The default when neither `--tpm` nor `HOSTATTEST_TPM` is given: the software TPM in
    /// `$XDG_STATE_HOME/hostattest/software-tpm.json` (or `~/.local/state/hostattest/…`).
    public static func defaultSoftwarePath(environment: [String: String]) -> String {
        let base: String
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            base = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        }
        return base + "/hostattest/software-tpm.json"
    }

    /// `--tpm` if given, else `HOSTATTEST_TPM`, else the default software TPM.
    public static func resolve(_ option: String?, environment: [String: String]) throws -> TPMSpec {
        if let option { return try TPMSpec(parsing: option) }
        if let env = environment[environmentVariable], !env.isEmpty { return try TPMSpec(parsing: env) }
        return .software(path: defaultSoftwarePath(environment: environment))
    }

    /// Opens the TPM. The software TPM's directory is created 0700 when missing.
    public func open(timeout: TimeInterval = 10) throws -> any TPM {
        switch self {
        case .software(let path):
            let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
            if !FileManager.default.fileExists(atPath: dir) {
                do {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw TPMError(TPMError.stateWrite, "software TPM state \(path): cannot create \(dir): \(error.localizedDescription)")
                }
            }
            return try SoftwareTPM(path: path)
        case .tss(let tcti):
            return try TSSDevice(tcti: tcti, timeout: timeout)
        }
    }
}
