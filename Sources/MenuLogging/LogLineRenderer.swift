public import Logging

/// Turns one log event into one line, in logfmt or JSON, ending in a newline.
///
/// ```
/// let renderer = LogLineRenderer(format: .logfmt)
/// renderer.line(timestamp: "2026-12-02T15:04:05.123Z", level: .info, message: "Request answered",
///               metadata: ["mke.response.status": "200"])
/// // ts=2026-12-02T15:04:05.123Z level=info msg="Request answered" mke.response.status=200\n
/// ```
/// Key order is stable so lines diff and grep the same way every time: the fixed keys `ts`, `level`, `msg` (and
/// `error` when the event carries one), then the metadata sorted by key. A metadata key that equals a fixed key is
/// written with a leading `_`, so no line ever has a key twice (JSON readers keep only one of two equal keys).
public struct LogLineRenderer: Sendable {
    /// The format lines are written in.
    public var format: LogFormat

    /// The keys every line starts with, in this order.
    static let fixedKeys: Set<String> = ["ts", "level", "msg", "error"]

    /// - Parameter format: logfmt or JSON.
    public init(format: LogFormat) {
        self.format = format
    }

    /// One line for an event, newline included.
    /// - Parameters:
    ///   - timestamp: when it happened, as ``LogTimestamp`` writes it.
    ///   - level: its level, written in lower case (`info`, `warning`, ...).
    ///   - message: the message.
    ///   - error: the error the event carries, written as its `description`; nil writes no `error` key. Defaults
    ///     to nil.
    ///   - metadata: the handler's, provider's and call's metadata, merged.
    /// - Returns: the line's UTF-8 bytes.
    public func line(
        timestamp: String, level: Logger.Level, message: String, error: String? = nil, metadata: Logger.Metadata
    ) -> [UInt8] {
        var fields: [(key: String, value: Logger.MetadataValue)] = [
            ("ts", .string(timestamp)), ("level", .string(level.rawValue)), ("msg", .string(message)),
        ]
        if let error { fields.append(("error", .string(error))) }
        fields.reserveCapacity(fields.count + metadata.count)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            fields.append((Self.fixedKeys.contains(key) ? "_" + key : key, value))
        }
        switch format {
        case .logfmt: return Self.logfmtLine(fields)
        case .json: return Self.jsonLine(fields)
        }
    }
}
