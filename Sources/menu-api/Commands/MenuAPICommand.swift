import ArgumentParser
import MenuModel

/// `menu-api`: the Menu Knowledge Engine's OCR service.
struct MenuAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "menu-api",
        abstract: "Menu Knowledge Engine OCR service: a FastCGI responder behind nginx.",
        version: ServiceVersion.current,
        subcommands: [
            ServeCommand.self, WorkerCommand.self, MigrateCommand.self, RestaurantsCommand.self, ReportCommand.self,
            OCRCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
