import Foundation

public enum FreePort {
    /// A port P with P and P+1 free on 127.0.0.1 (the swtpm TCTI uses P+1 for its control channel).
    public static func pair() -> Int? { SWTPM.freePortPair() }
}

/// A TCP listener on 127.0.0.1 (P and P+1) that accepts connections in the kernel backlog and never
/// answers: a TPM that hangs.
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    private var fds: [Int32] = []

    public init() throws {
        for _ in 0..<20 {
            guard let p = SWTPM.freePortPair() else { continue }
            if let a = Self.listen(p), let b = Self.listen(p + 1) {
                port = p
                fds = [a, b]
                return
            }
        }
        throw SWTPMError("no free port pair for a silent listener")
    }

    public func close() {
        for fd in fds { Foundation.close(fd) }
        fds = []
    }

    deinit { close() }

    private static func listen(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0, Foundation.listen(fd, 16) == 0 else { Foundation.close(fd); return nil }
        return fd
    }
}
