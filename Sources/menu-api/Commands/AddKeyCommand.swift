import ArgumentParser
import Foundation
import Logging
import MenuStorage
import Postgres

struct AddKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-key", abstract: "Issue another API key for a restaurant (shown once).")

    @Argument(help: "The restaurant id.")
    var restaurantID: String

    func run() throws {
        let (configuration, logger) = try Application.loadConfiguration()
        let id = try Application.restaurantID(restaurantID)
        let connection = Application.makeDatabaseConnection(configuration, logger: logger)
        do {
            let store = PostgresRestaurantStore(connection: connection)
            guard try store.exists(id) else {
                FileHandle.standardError.write(Data("menu-api: no restaurant has id \(id)\n".utf8))
                throw ExitCode(1)
            }
            print("api_key: \(try store.addKey(to: id))")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            logger.critical("Cannot add a key: \(String(reflecting: error))")
            throw ExitCode(1)
        }
    }
}
