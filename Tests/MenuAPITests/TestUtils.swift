import Foundation
import Logging
import MenuAPI
import MenuKnowledgeTesting
import Postgres
import Synchronization

/// Log lines a test wants to look at: a `Logger` whose handler keeps every entry.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let storage = Mutex<[Entry]>([])

    /// Everything logged so far, in order.
    var entries: [Entry] { storage.withLock { $0 } }

    /// A logger at `trace` that records into this recorder.
    var logger: Logger {
        Logger(label: "test.recorded") { _ in Handler(recorder: self) }
    }

    fileprivate func append(_ entry: Entry) { storage.withLock { $0.append(entry) } }

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
                Entry(
                    level: event.level, message: "\(event.message)",
                    metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}

/// The body of `response` as text.
func text(of response: APIResponse) -> String { String(decoding: response.body, as: UTF8.self) }

/// A scratch schema with the shipped migrations, and a connection to it; `body` runs, then both are gone.
func withMigratedSchema<Result>(_ body: (PostgresConnection) throws -> Result) throws -> Result {
    let schema = try ScratchSchema()
    defer { schema.drop() }
    let connection = try schema.makeMigratedConnection()
    defer { connection.close() }
    return try body(connection)
}
