import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One simulated host's keep-alive HTTP/1.1 connection for the measured loop of `bench server`: a
/// SwiftNIO channel carrying one request at a time, each written as one buffer with one flush, its
/// response parsed by ``BenchResponseParser``. Lighter than AsyncHTTPClient's pool, request state
/// machine and llhttp (about a quarter of the load generator's CPU went there), so the server
/// under test gets the CPU. Any failure (closed connection, timeout, malformed response) closes the
/// connection; the host connects again for its next round.
final class BenchConnection: Sendable {
    let channel: any Channel
    private let handler: BenchConnectionHandler

    private init(channel: any Channel, handler: BenchConnectionHandler) {
        self.channel = channel
        self.handler = handler
    }

    static func connect(to endpoint: BenchEndpoint, group: any EventLoopGroup, timeout: TimeAmount,
                        isolation: isolated (any Actor)? = #isolation) async throws -> BenchConnection {
        let handler = BenchConnectionHandler()
        let tls = try endpoint.tls.map { try NIOSSLContext(configuration: $0) }
        let host = endpoint.host
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let sni = host.isIPAddress ? nil : host
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: sni))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: endpoint.port).get()
        return BenchConnection(channel: channel, handler: handler)
    }

    var isActive: Bool { channel.isActive }

    /// Sends `request` (a whole HTTP/1.1 request: head and body) and returns the response, or throws
    /// ``BenchHTTPError`` when the connection closes, `timeout` passes or the response is malformed.
    /// Called on the channel's event loop (a ``BenchHostExecutor`` of it), the request is written at once.
    func send(_ request: ByteBuffer, timeout: TimeAmount, isolation: isolated (any Actor)? = #isolation) async throws -> BenchHTTPResponse {
        try await withUnsafeThrowingContinuation(isolation: isolation) { continuation in
            if channel.eventLoop.inEventLoop {
                handler.send(request, timeout: timeout, continuation)
            } else {
                channel.eventLoop.execute { [handler] in handler.send(request, timeout: timeout, continuation) }
            }
        }
    }

    func close() { channel.close(promise: nil) }
}

/// The channel handler behind ``BenchConnection``: at most one request in flight, whose continuation
/// it resumes exactly once (with the response, or an error on close, timeout or a bad response).
/// Confined to its channel's event loop (every method runs there), hence `@unchecked Sendable`.
final class BenchConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?
    private var pending: UnsafeContinuation<BenchHTTPResponse, any Error>?
    private var timer: Scheduled<Void>?
    private var deadline: NIODeadline?
    private var timeout: TimeAmount = .seconds(30)
    private var received = ByteBuffer()
    private var parser = BenchResponseParser()
    private var closed = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { fail(BenchHTTPError("the connection's handler was removed")); self.context = nil }

    func send(_ request: ByteBuffer, timeout: TimeAmount, _ continuation: UnsafeContinuation<BenchHTTPResponse, any Error>) {
        guard let context, !closed, context.channel.isActive else {
            continuation.resume(throwing: BenchHTTPError("the connection is closed")); return
        }
        guard pending == nil else { continuation.resume(throwing: BenchHTTPError("a request is already in flight on this connection")); return }
        pending = continuation
        self.timeout = timeout
        let due = NIODeadline.now() + timeout
        deadline = due
        if timer == nil { arm(context, at: due) }
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    /// The timeout's timer is not scheduled per request (a timer-heap insertion and removal each
    /// time): one stays armed, and when it fires before the current request's deadline it is armed
    /// again for that deadline.
    private func arm(_ context: ChannelHandlerContext, at due: NIODeadline) {
        timer = context.eventLoop.scheduleTask(deadline: due) { [self] in
            timer = nil
            guard pending != nil, let deadline, let context = self.context else { return }
            if NIODeadline.now() >= deadline {
                fail(BenchHTTPError("no response within \(timeout.nanoseconds / 1_000_000_000) s"))
            } else {
                arm(context, at: deadline)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if received.readableBytes == 0 { received = incoming } else { received.writeBuffer(&incoming) }
        guard pending != nil else { fail(BenchHTTPError("the server sent \(received.readableBytes) bytes with no request in flight")); return }
        do {
            guard let response = try parser.parse(&received) else { return }
            if received.readableBytes > 0 {
                fail(BenchHTTPError("the server sent \(received.readableBytes) bytes after the response")); return
            }
            received.clear()
            deadline = nil
            let continuation = pending!
            pending = nil
            if parser.mustClose { close() }
            continuation.resume(returning: response)
        } catch {
            fail(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        fail(BenchHTTPError("the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { fail(error) }

    /// Resumes the request in flight (if any) with `error` and closes the connection.
    private func fail(_ error: any Error) {
        timer?.cancel(); timer = nil; deadline = nil
        let continuation = pending
        pending = nil
        close()
        continuation?.resume(throwing: error)
    }

    private func close() {
        guard !closed else { return }
        closed = true
        context?.close(promise: nil)
    }
}

/// Where the bench's client connects: `http://host[:port][/prefix]` (or `https://`, with TLS over the
/// system's trust roots), and the request-line prefix and Host header that go with it.
struct BenchEndpoint: Sendable {
    var host: String
    var port: Int
    var tls: TLSConfiguration?
    /// The URL's path without a trailing slash ("" for none), put before every request path.
    var pathPrefix: String
    /// The Host header's value.
    var authority: String

    init(url: String) throws {
        let scheme: String
        var rest: Substring
        if url.hasPrefix("http://") { scheme = "http"; rest = url.dropFirst(7) } else if url.hasPrefix("https://") {
            scheme = "https"; rest = url.dropFirst(8)
        } else { throw BenchHTTPError("\(url) is not an http:// or https:// URL") }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        rest = authority
        var host: Substring
        var port: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw BenchHTTPError("\(url): an unclosed [ in the host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() } else if !after.isEmpty { throw BenchHTTPError("\(url): text after the host") }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]; port = rest[rest.index(after: colon)...]
        } else { host = rest }
        guard !host.isEmpty, !host.contains("@") else { throw BenchHTTPError("\(url) has no host (or has user info)") }
        var number = scheme == "https" ? 443 : 80
        if let port {
            guard let p = Int(port), (1...65535).contains(p) else { throw BenchHTTPError("\(url): the port is not 1–65535") }
            number = p
        }
        self.host = String(host)
        self.port = number
        self.tls = scheme == "https" ? TLSConfiguration.makeClientConfiguration() : nil
        self.pathPrefix = path
        self.authority = String(authority)
    }
}

private extension String {
    /// An IPv4 or IPv6 literal (no SNI for those).
    var isIPAddress: Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, self, &v4) == 1 || inet_pton(AF_INET6, self, &v6) == 1
    }
}
