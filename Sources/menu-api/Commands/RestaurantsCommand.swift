import ArgumentParser

struct RestaurantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restaurants", abstract: "Manage restaurants and their API keys.",
        subcommands: [CreateRestaurantCommand.self, AddKeyCommand.self])
}
