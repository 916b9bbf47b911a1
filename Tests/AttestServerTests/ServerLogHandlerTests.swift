@testable import AttestServer
import Foundation
import Logging
import Testing

/// The server's log handler renders metadata only for a line it writes: setting a key (Hummingbird
/// sets `hb.request.id` on every request) costs no rendering; a written line carries every key.
@Suite struct ServerLogHandlerTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var all: [String] = []
        func add(_ s: String) { lock.withLock { all.append(s) } }
        var lines: [String] { lock.withLock { all } }
    }

    /// Counts how often it is rendered.
    final class Counted: CustomStringConvertible, @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        var renders: Int { lock.withLock { n } }
        var description: String { lock.withLock { n += 1 }; return "req-42" }
    }

    @Test func metadataIsRenderedOnlyWhenALineIsWritten() {
        let lines = Lines()
        var logger = Logger(label: "hostattest.serve") { ServerLogHandler(label: $0, sink: lines.add) }
        logger.logLevel = .notice
        let id = Counted()
        logger[metadataKey: "hb.request.id"] = .stringConvertible(id)
        logger[metadataKey: "a"] = "1"
        #expect(id.renders == 0)
        logger.info("below the level")
        #expect(id.renders == 0 && lines.lines.isEmpty)
        logger.error("internal error: boom", metadata: ["b": "2", "a": "override"])
        #expect(id.renders == 1)
        let line = lines.lines.first
        #expect(lines.lines.count == 1)
        #expect(line?.hasSuffix(" error hostattest.serve: a=override b=2 hb.request.id=req-42 internal error: boom\n") == true, "\(line ?? "")")
        // A copy of the logger is a value: its keys do not leak back.
        var other = logger
        other[metadataKey: "c"] = "3"
        logger.error("again")
        #expect(lines.lines.last?.contains("c=3") == false)
        #expect(logger[metadataKey: "a"] == "1")
    }

    @Test func theMetadataProviderIsMergedAtWriteTime() {
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["provided": "yes"] }
        let logger = Logger(label: "x") { ServerLogHandler(label: $0, metadataProvider: provider, sink: lines.add) }
        logger.warning("w")
        #expect(lines.lines.first?.contains(" warning x: provided=yes w") == true, "\(lines.lines)")
    }
}
