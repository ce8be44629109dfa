import ArgumentParser
import Foundation
import JSON
import Logging
import MenuStorage
import Postgres

struct CreateRestaurantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a restaurant; prints its id and a new API key (shown once).")

    @Option(help: "The restaurant's name.")
    var name: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let (configuration, logger) = try Application.loadConfiguration()
        let connection = Application.makeDatabaseConnection(configuration, logger: logger)
        do {
            let created = try PostgresRestaurantStore(connection: connection).create(name: name)
            if json {
                print(
                    JSONValue.object([
                        ("id", .string(created.id.uuidString.lowercased())), ("api_key", .string(created.apiKey)),
                    ]).encodedString)
            } else {
                print("restaurant_id: \(created.id.uuidString.lowercased())")
                print("api_key: \(created.apiKey)")
            }
        } catch {
            logger.critical("Cannot create the restaurant: \(String(reflecting: error))")
            throw ExitCode(1)
        }
    }
}
