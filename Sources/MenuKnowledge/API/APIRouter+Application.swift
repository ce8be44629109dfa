public import Logging
public import Postgres

extension APIRouter {
    /// The service's router for one worker: every controller, wired to that worker's own resources.
    /// - Parameters:
    ///   - configuration: the service configuration.
    ///   - database: the worker's PostgreSQL connection.
    ///   - logger: the worker's logger.
    public static func application(
        configuration: Configuration, database: PostgresConnection, logger: Logger
    ) -> APIRouter {
        var router = APIRouter(logger: logger)
        router.add(middleware: RequestLoggingMiddleware())
        HealthController(environment: configuration.environment, database: PostgresDatabaseProbe(connection: database))
            .addRoutes(to: &router)
        if configuration.enablesTestRoutes {
            DiagnosticsController().addRoutes(to: &router)
        }
        return router
    }
}
