import ArgumentParser

struct RestaurantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restaurants", abstract: "Manage restaurants, their API keys and webhooks.",
        subcommands: [CreateRestaurantCommand.self, AddKeyCommand.self, SetWebhookCommand.self])
}
