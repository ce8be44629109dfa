import Logging
import Postgres

/// A short-lived admin connection for assertions about the server itself (pg_stat_activity).
public struct PostgresClusterConnection {
    private let url: String
    public init(url: String) { self.url = url }

    /// Runs a query returning one integer column `n`.
    public func count(_ sql: String) throws -> Int {
        let connection = PostgresConnection(
            configuration: .init(url: url, applicationName: "menu-api-tests"), logger: Logger(label: "test"))
        defer { connection.close() }
        guard let row = try connection.query(PostgresQuery(unsafeSQL: sql)).first else { return 0 }
        return try row.decode(Int.self, column: "n")
    }
}
