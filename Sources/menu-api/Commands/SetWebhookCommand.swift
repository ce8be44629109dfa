import ArgumentParser
import Foundation
import Logging
import MenuAPI
import MenuConfiguration
import MenuStorage
import Postgres

struct SetWebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-webhook",
        abstract: "Set a restaurant's webhook URL and print its new signing secret (shown once), or --clear it.")

    @Argument(help: "The restaurant id.")
    var restaurantID: String

    @Option(help: "https:// URL that receives task.completed and task.failed (http:// to loopback outside production).")
    var url: String?

    @Flag(help: "Remove the webhook and its secret.")
    var clear = false

    func validate() throws {
        guard (url != nil) != clear else { throw ValidationError("Give either --url URL or --clear") }
    }

    func run() throws {
        let (configuration, logger) = try Application.loadConfiguration()
        let id = try Application.restaurantID(restaurantID)
        let connection = Application.makeDatabaseConnection(configuration, logger: logger)
        defer { connection.close() }
        let store = PostgresWebhookStore(connection: connection)
        do {
            if clear {
                guard try store.clearWebhook(of: id) else { throw NoSuchRestaurant(id: id) }
                print("webhook: cleared")
                return
            }
            let checked: WebhookURL
            do {
                checked = try WebhookURL(url ?? "", isProduction: configuration.isProduction)
            } catch {
                FileHandle.standardError.write(Data("menu-api: \(error.message)\n".utf8))
                throw ExitCode(64)
            }
            guard let secret = try store.setWebhook(of: id, url: checked.text) else { throw NoSuchRestaurant(id: id) }
            print("webhook_url: \(checked.text)")
            print("webhook_secret: \(secret)")
        } catch let missing as NoSuchRestaurant {
            FileHandle.standardError.write(Data("menu-api: no restaurant has id \(missing.id)\n".utf8))
            throw ExitCode(1)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            logger.critical("Cannot set the webhook: \(String(reflecting: error))")
            throw ExitCode(1)
        }
    }

    private struct NoSuchRestaurant: Error {
        var id: UUID
    }
}
