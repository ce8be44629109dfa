public import Logging
public import MenuConfiguration
import MenuStorage
public import Postgres

extension APIRouter {
    /// The service's router for one worker: every controller, wired to that worker's own resources.
    /// - Parameters:
    ///   - configuration: the service configuration.
    ///   - database: the worker's PostgreSQL connection.
    ///   - orchestrator: the process's shared OCR pipeline; nil leaves the upload routes out (health-only tests).
    ///   - unfinishedTasks: the process's sweeper of tasks whose end could not be stored.
    ///   - logger: the worker's logger.
    public static func application(
        configuration: Configuration, database: PostgresConnection, orchestrator: UploadOrchestrator? = nil,
        unfinishedTasks: UnfinishedTasks? = nil, logger: Logger
    ) -> APIRouter {
        var router = APIRouter(logger: logger)
        router.add(middleware: RequestLoggingMiddleware())
        HealthController(
            environment: configuration.environment.rawValue, database: PostgresDatabaseProbe(connection: database)
        )
        .addRoutes(to: &router)
        if let orchestrator {
            UploadController(
                database: database, orchestrator: orchestrator, configuration: configuration,
                unfinishedTasks: unfinishedTasks
            )
            .addRoutes(to: &router)
            MenuController(database: database, requiresKey: configuration.uploads.requiresAPIKey)
                .addRoutes(to: &router)
        }
        MetricsController(
            database: database, adminToken: configuration.adminToken, openAI: configuration.ocr.openAI,
            breakers: orchestrator?.breakers
        )
        .addRoutes(to: &router)
        if configuration.enablesTestRoutes {
            DiagnosticsController().addRoutes(to: &router)
        }
        return router
    }
}
