import Foundation
import Logging
import MenuStorage
public import Postgres

/// A schema of its own for one test in the shared test database, dropped afterwards.
///
/// ```
/// let schema = try ScratchSchema()
/// defer { schema.drop() }
/// let connection = schema.makeConnection()
/// ```
public final class ScratchSchema {
    /// The schema's name.
    public let name: String
    /// A URL whose connections use this schema first (`search_path`).
    public let url: String
    private let admin: PostgresConnection

    /// Creates the schema in the database `MENU_API_TEST_DATABASE_URL` names.
    public init() throws {
        let baseURL = try TestEnvironment.databaseURL()
        name = "test_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let separator = baseURL.contains("?") ? "&" : "?"
        url = baseURL + separator + "options=-csearch_path%3D\(name)"
        admin = PostgresConnection(configuration: .init(url: baseURL), logger: Logger(label: "test.scratch"))
        // The name is ours (letters and digits): no user input reaches this identifier.
        try admin.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(name)"))
    }

    /// A new connection to the schema.
    public func makeConnection() -> PostgresConnection {
        PostgresConnection(configuration: .init(url: url), logger: Logger(label: "test.postgres"))
    }

    /// A new connection to the schema after the shipped migrations ran in it.
    public func makeMigratedConnection() throws -> PostgresConnection {
        let connection = makeConnection()
        let migrator = try Migrator(
            directory: TestEnvironment.repositoryRoot + "/Sources/MenuStorage/Migrations")
        _ = try migrator.migrate(on: connection, logger: Logger(label: "test.migrate"))
        return connection
    }

    /// Drops the schema and everything in it.
    public func drop() {
        _ = try? admin.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(name) CASCADE"))
        admin.close()
    }
}
