import Foundation
import Logging

/// The server's log handler: one line per message on standard error, like swift-log's
/// `StreamLogHandler`, except that metadata is rendered only when a line is written.
///
/// `StreamLogHandler` renders all of its metadata every time a key is set, and Hummingbird sets one
/// (`hb.request.id`) on every request's logger: that rendering was 1 % of the server's CPU under
/// `bench server`, for lines that are almost never written (the server logs at `notice`).
public struct ServerLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    /// Where a finished line goes (standard error; tests collect the lines).
    let sink: @Sendable (String) -> Void

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, metadataProvider: metadataProvider) { line in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    init(label: String, metadataProvider: Logger.MetadataProvider? = nil, sink: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty { all.merge(provided) { _, new in new } }
        if let given = event.metadata, !given.isEmpty { all.merge(given) { _, new in new } }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let rendered = fields.isEmpty ? "" : " " + fields.joined(separator: " ")
        sink("\(Self.time.format(Date())) \(event.level) \(label):\(rendered) \(event.message)\n")
    }

    private static let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
