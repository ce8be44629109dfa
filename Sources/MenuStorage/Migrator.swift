import Foundation
public import Logging
import MenuModel
public import Postgres

/// Applies the schema migrations: plain `.sql` files run in file-name order, each in its own transaction,
/// recorded in `schema_migrations`.
///
/// Safe to re-run (applied files are skipped) and safe when several processes start at once: they serialise on a
/// PostgreSQL advisory lock, so the second one finds the work done.
///
/// ```
/// let applied = try Migrator(directory: Migrator.defaultDirectory()).migrate(on: connection, logger: logger)
/// ```
public struct Migrator {
    /// A migration file.
    public struct Migration: Sendable, Equatable {
        /// The file name without `.sql`, e.g. `0001_restaurants`; the version recorded once applied.
        public var version: String
        /// The SQL script.
        public var sql: String

        public init(version: String, sql: String) {
            self.version = version
            self.sql = sql
        }
    }

    /// An arbitrary constant shared by every menu-api process: the advisory lock serialising migrations.
    static let advisoryLockKey: Int64 = 0x6D6B_655F_6D69_6772  // "mke_migr"

    /// The migrations, in order.
    public let migrations: [Migration]

    /// Loads every `*.sql` file of `directory`, in file-name order.
    /// - Throws: `MigrationError.unreadableDirectory` when it cannot be read.
    public init(directory: String) throws(MigrationError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }
                .sorted()
        } catch {
            throw MigrationError.unreadableDirectory(directory)
        }
        var migrations: [Migration] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw MigrationError.unreadableDirectory(path)
            }
            migrations.append(Migration(version: String(name.dropLast(4)), sql: String(decoding: data, as: UTF8.self)))
        }
        self.migrations = migrations
    }

    /// Migrations given directly (tests).
    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// The migrations shipped with the program: `MENU_API_MIGRATIONS_DIR` when configured, else the resource copy
    /// SwiftPM builds beside the executable (`menu-api_MenuStorage.resources/Migrations`), else the source tree.
    public static func defaultDirectory(configured: String? = nil) -> String {
        if let configured { return configured }
        let executable = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        let besideExecutable = executable.deletingLastPathComponent()
            .appendingPathComponent("menu-api_MenuStorage.resources/Migrations").path
        if FileManager.default.fileExists(atPath: besideExecutable) { return besideExecutable }
        return "Sources/MenuStorage/Migrations"
    }

    /// Applies the migrations not applied yet.
    /// - Returns: the versions applied by this call, in order (empty when the schema was current).
    /// - Throws: `PostgresError` from the failing statement; that migration is rolled back and the later ones not run.
    /// - Note: Blocks the calling thread.
    @available(*, noasync, message: "Blocks the thread")
    public func migrate(on connection: PostgresConnection, logger: Logger) throws -> [String] {
        try connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
        defer {
            do {
                try connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
            } catch {
                // The lock is the session's: it is released anyway when the connection closes.
                logger.debug("advisory unlock failed", metadata: [LogKey.error: "\(error.debugDescription)"])
            }
        }
        try connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let applied = Set(
            try connection.query("SELECT version FROM schema_migrations").map {
                try $0.decode(String.self, column: "version")
            })
        var newlyApplied: [String] = []
        for migration in migrations where !applied.contains(migration.version) {
            try connection.withTransaction {
                try connection.executeScript(unsafeSQL: migration.sql)
                try connection.query("INSERT INTO schema_migrations (version) VALUES (\(migration.version))")
            }
            logger.info("Applied migration", metadata: ["mke.migration": "\(migration.version)"])
            newlyApplied.append(migration.version)
        }
        return newlyApplied
    }
}

/// The migrations could not be loaded.
public enum MigrationError: Error, Sendable, CustomStringConvertible {
    case unreadableDirectory(String)

    public var description: String {
        switch self {
        case .unreadableDirectory(let path): "cannot read migrations at \(path) (set MENU_API_MIGRATIONS_DIR)"
        }
    }
}
