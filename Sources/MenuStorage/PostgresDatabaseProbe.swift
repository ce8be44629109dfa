public import Logging
import MenuModel
public import Postgres

/// Probes PostgreSQL with `SELECT 1` on a worker's connection, which reconnects by itself after an outage, and
/// reads the job queue's depth.
public struct PostgresDatabaseProbe: DatabaseProbe {
    private let connection: PostgresConnection

    /// - Parameter connection: the worker's connection; the probe uses it on the worker's thread only.
    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    public func isReachable(logger: Logger) -> Bool {
        do {
            try connection.ping()
            return true
        } catch {
            logger.warning("Database not reachable", metadata: [LogKey.error: "\(error.debugDescription)"])
            return false
        }
    }

    public func queueStatus(logger: Logger) -> (queued: Int, oldestAge: Duration)? {
        do {
            return try PostgresJobQueue(connection: connection).waiting()
        } catch {
            logger.warning("Job queue not readable", metadata: [LogKey.error: "\(String(reflecting: error))"])
            return nil
        }
    }
}
