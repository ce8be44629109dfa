public import Logging
import Synchronization

/// Keeps every line logged through its loggers, so a test can assert what was said (by the orchestrator, a circuit
/// breaker) and at which level.
public final class LogRecorder: Sendable {
    public struct Line: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
    }

    private let recorded = Mutex<[Line]>([])

    public init() {}

    /// A logger that records here, at every level.
    public func makeLogger(label: String = "test.recorded") -> Logger {
        Logger(label: label) { _ in Handler(recorder: self) }
    }

    public var lines: [Line] { recorded.withLock { $0 } }

    /// The lines with `message`, in order.
    public func lines(_ message: String) -> [Line] { lines.filter { $0.message == message } }

    fileprivate func append(_ line: Line) { recorded.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append(
                Line(
                    level: event.level, message: event.message.description,
                    metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}
