public import MenuModel
public import OCR
public import Postgres
import Synchronization

/// The service's OpenAI spend, read from the metrics events (``PostgresMetricsStore/openAISpend()``) on a
/// connection of its own: the budget reads it every few seconds from whichever file thread finds the figure
/// stale, never from a worker's connection.
public final class PostgresOpenAISpendSource: OpenAISpendSource {
    // Sendable: the connection lives inside the mutex, so one thread at a time uses it, as libpq requires (a
    // connection may move between threads, it may not be used by two at once).
    private let connection: Mutex<PostgresConnection>

    /// - Parameter connection: opened on first use, reconnecting after an outage; owned by this source from now on.
    public init(connection: sending PostgresConnection) {
        self.connection = Mutex(connection)
    }

    /// - Note: Blocks the calling thread for a query (and a roll-up of the hours that are over, when one is due).
    public func spend() throws -> OpenAISpend {
        try connection.withLock { try PostgresMetricsStore(connection: $0).openAISpend() }
    }
}
