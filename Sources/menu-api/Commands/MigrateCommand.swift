import ArgumentParser
import Logging
import MenuConfiguration
import MenuStorage
import Postgres

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the database migrations not applied yet (safe to re-run).")

    func run() throws {
        let (configuration, logger) = try Application.loadConfiguration()
        let connection = Application.makeDatabaseConnection(configuration, logger: logger)
        do {
            let migrator = try Migrator(
                directory: Migrator.defaultDirectory(configured: configuration.migrationsDirectory))
            let applied = try migrator.migrate(on: connection, logger: logger)
            print(applied.isEmpty ? "schema is up to date" : "applied: \(applied.joined(separator: ", "))")
        } catch let error as PostgresError {
            logger.critical("Migration failed: \(error.debugDescription)")
            throw ExitCode(1)
        } catch {
            logger.critical("Migration failed: \(error)")
            throw ExitCode(1)
        }
    }
}
