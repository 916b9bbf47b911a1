import Foundation

/// A swtpm (TPM 2.0 simulator) for the demo's last step, reached through tpm2-tss. Its EK
/// certificates come from a local CA in the work folder (`swtpm_setup --create-ek-cert` with
/// swtpm_localca configured there), whose certificates the server gets as `--ek-ca`. swtpm runs as a
/// daemon on a free loopback port pair and is stopped on every exit path.
struct DemoSWTPM {
    let folder: URL
    var state: URL { folder.appendingPathComponent("state") }
    var ca: URL { folder.appendingPathComponent("ca") }
    /// The local CA's certificates (root and issuer), for `serve --ek-ca`.
    var caCertificates: [String] {
        [ca.appendingPathComponent("swtpm-localca-rootca-cert.pem").path, ca.appendingPathComponent("issuercert.pem").path]
    }

    /// swtpm and swtpm_setup on PATH (both, or the step is skipped).
    static func tools() -> (swtpm: String, setup: String, localca: String)? {
        guard let swtpm = which("swtpm"), let setup = which("swtpm_setup") else { return nil }
        return (swtpm, setup, which("swtpm_localca") ?? "/usr/bin/swtpm_localca")
    }

    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin", "/usr/sbin", "/bin"] {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// `swtpm_setup --tpm2 --create-ek-cert` with the local CA of this folder: the TPM's NV then holds
    /// EK certificates, as a manufactured TPM's does.
    func manufacture(_ child: DemoChild) async throws -> DemoChildResult {
        guard let tools = Self.tools() else { throw DemoError.setup("swtpm is not installed") }
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: ca, withIntermediateDirectories: true)
        let localca = folder.appendingPathComponent("swtpm-localca.conf"), options = folder.appendingPathComponent("swtpm-localca.options")
        let setup = folder.appendingPathComponent("swtpm_setup.conf")
        try """
        statedir = \(ca.path)
        signingkey = \(ca.path)/signkey.pem
        issuercert = \(ca.path)/issuercert.pem
        certserial = \(ca.path)/certserial

        """.write(to: localca, atomically: true, encoding: .utf8)
        try "--platform-manufacturer hostattest-demo\n--platform-version 1.0\n--platform-model demo\n".write(to: options, atomically: true, encoding: .utf8)
        try """
        create_certs_tool = \(tools.localca)
        create_certs_tool_config = \(localca.path)
        create_certs_tool_options = \(options.path)
        active_pcr_banks = sha256

        """.write(to: setup, atomically: true, encoding: .utf8)
        return try await child.run(tools.setup, ["--tpm2", "--tpmstate", state.path, "--create-ek-cert", "--lock-nvram", "--overwrite",
                                                 "--config", setup.path], label: "swtpm-setup", timeout: 120)
    }

    /// A running swtpm daemon: its TCTI and pid.
    struct Running { var port: Int; var pid: pid_t; var spec: String { "swtpm:host=127.0.0.1,port=\(port)" } }

    /// Starts swtpm as a daemon (through bash, which first closes every inherited descriptor above 2,
    /// so swtpm holds none of the demo's pipes or sockets) on a free port pair (up to five attempts).
    func start(_ child: DemoChild, cleanup: DemoCleanup) async throws -> Running {
        guard let tools = Self.tools() else { throw DemoError.setup("swtpm is not installed") }
        var last = "swtpm did not start"
        for attempt in 1...5 {
            guard let port = DemoPorts.freePair() else { continue }
            let pidFile = folder.appendingPathComponent("swtpm.pid")
            try? FileManager.default.removeItem(at: pidFile)
            let script = #"cd /proc/self/fd 2>/dev/null && for fd in *; do case "$fd" in 0|1|2) ;; *) eval "exec $fd>&-" 2>/dev/null ;; esac; done; cd /; exec "$0" "$@" </dev/null >/dev/null 2>&1"#
            let r = try await child.run("/bin/bash", ["-c", script, tools.swtpm, "socket", "--tpm2",
                                                      "--server", "type=tcp,port=\(port),bindaddr=127.0.0.1",
                                                      "--ctrl", "type=tcp,port=\(port + 1),bindaddr=127.0.0.1",
                                                      "--tpmstate", "dir=\(state.path)", "--flags", "not-need-init,startup-clear",
                                                      "--log", "file=\(folder.path)/swtpm.log", "--pid", "file=\(pidFile.path)", "--daemon"],
                                        label: "swtpm-start-\(attempt)", timeout: 30)
            guard r.status == 0, let text = try? String(contentsOf: pidFile, encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                last = "swtpm on port \(port) did not start (exit \(r.status))"
                continue
            }
            cleanup.startedDaemon(pid)
            if await DemoPorts.waitForListener(port: port + 1, pid: pid) { return Running(port: port, pid: pid) }
            DemoCleanup.stop(pid)
            cleanup.endedDaemon(pid)
            last = "swtpm on port \(port) does not accept connections"
        }
        throw DemoError.setup(last)
    }

    func stop(_ running: Running, cleanup: DemoCleanup) {
        DemoCleanup.stop(running.pid)
        cleanup.endedDaemon(running.pid)
    }
}
