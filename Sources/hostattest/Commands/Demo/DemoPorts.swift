import Foundation

/// Loopback ports for the swtpm daemon (the server picks its own with `--listen 127.0.0.1:0`).
enum DemoPorts {
    /// A port P with P and P+1 free on 127.0.0.1 (bind to port 0, close, check P+1).
    static func freePair() -> Int? {
        for _ in 0..<20 {
            guard let p = bindAndClose(0), p < 65535, bindAndClose(p + 1) != nil else { continue }
            return p
        }
        return nil
    }

    private static func withSocket<T>(_ body: (Int32, inout sockaddr_in) -> T?, port: Int) -> T? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return body(fd, &addr)
    }

    private static func bindAndClose(_ port: Int) -> Int? {
        withSocket({ fd, addr in
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard ok == 0 else { return nil }
            var bound = sockaddr_in()
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let got = withUnsafeMutablePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
            }
            return got == 0 ? Int(UInt16(bigEndian: bound.sin_port)) : nil
        }, port: port)
    }

    private static func canConnect(_ port: Int) -> Bool {
        withSocket({ fd, addr in
            withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0 ? true : nil
        }, port: port) ?? false
    }

    /// Waits (10 s at most) until `port` accepts connections, or the process dies.
    static func waitForListener(port: Int, pid: pid_t) async -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard DemoCleanup.isAlive(pid) else { return false }
            if canConnect(port) { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return false
    }
}
