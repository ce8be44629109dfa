import Foundation
import Logging
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Testing

struct MigratorTests {
    let logger = Logger(label: "test.migrator")

    @Test func appliesInOrderOnceAndRecordsVersions() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        let migrator = Migrator(migrations: [
            .init(version: "0001_a", sql: "CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a VALUES (1);"),
            .init(version: "0002_b", sql: "ALTER TABLE a ADD COLUMN name text; UPDATE a SET name = '첫째';"),
        ])
        #expect(try migrator.migrate(on: connection, logger: logger) == ["0001_a", "0002_b"])
        #expect(try migrator.migrate(on: connection, logger: logger) == [])
        let versions = try connection.query("SELECT version FROM schema_migrations ORDER BY version").map {
            try $0.decode(String.self, column: "version")
        }
        #expect(versions == ["0001_a", "0002_b"])
        #expect(try connection.query("SELECT name FROM a").first?.decode(String.self, column: "name") == "첫째")
    }

    @Test func failingMigrationIsRolledBackAndNotRecorded() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        let migrator = Migrator(migrations: [
            .init(version: "0001_ok", sql: "CREATE TABLE ok (id int);"),
            .init(version: "0002_bad", sql: "CREATE TABLE half (id int); SELECT * FROM no_such_table;"),
            .init(version: "0003_after", sql: "CREATE TABLE after (id int);"),
        ])
        #expect(throws: PostgresError.self) { try migrator.migrate(on: connection, logger: logger) }
        let tables = try connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = \(schema.name) ORDER BY table_name"
        ).map { try $0.decode(String.self, column: "table_name") }
        #expect(tables == ["ok", "schema_migrations"])
        let versions = try connection.query("SELECT version FROM schema_migrations").map {
            try $0.decode(String.self, column: "version")
        }
        #expect(versions == ["0001_ok"])
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let migrations: [Migrator.Migration] = [
            .init(version: "0001_t", sql: "CREATE TABLE t (id int); SELECT pg_sleep(0.2);"),
            .init(version: "0002_u", sql: "CREATE TABLE u (id int);"),
        ]
        let results = ResultBox()
        let url = schema.url
        let threads = (0..<3).map { _ in
            Thread {
                let connection = PostgresConnection(configuration: .init(url: url), logger: Logger(label: "t"))
                do {
                    results.append(
                        .success(
                            try Migrator(migrations: migrations).migrate(on: connection, logger: Logger(label: "t"))))
                } catch {
                    results.append(.failure(error))
                }
            }
        }
        threads.forEach { $0.start() }
        while results.count < 3 { usleep(10_000) }
        let applied = try results.values.map { try $0.get() }
        #expect(applied.flatMap { $0 }.sorted() == ["0001_t", "0002_u"])
    }

    @Test func shippedMigrationsApplyToAnEmptySchema() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let migrator = try Migrator(
            directory: TestEnvironment.repositoryRoot + "/Sources/MenuStorage/Migrations")
        #expect(!migrator.migrations.isEmpty)
        #expect(try migrator.migrate(on: schema.makeConnection(), logger: logger) == migrator.migrations.map(\.version))
    }

    @Test func unreadableDirectoryIsATypedError() {
        #expect(throws: MigrationError.self) { try Migrator(directory: "/nonexistent/migrations") }
    }
}

/// Results gathered from threads.
final class ResultBox: @unchecked Sendable {
    // Sendable: every access holds the lock.
    private let lock = NSLock()
    private var stored: [Result<[String], any Error>] = []
    func append(_ result: Result<[String], any Error>) { lock.withLock { stored.append(result) } }
    var count: Int { lock.withLock { stored.count } }
    var values: [Result<[String], any Error>] { lock.withLock { stored } }
}
