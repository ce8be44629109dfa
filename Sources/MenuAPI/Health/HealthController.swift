import JSON
import MenuModel
public import MenuStorage

/// The liveness and readiness probes.
///
/// `GET /api/v1/health` never touches the database: it answers as long as the process can. `GET
/// /api/v1/health/ready` checks PostgreSQL through this worker's own connection.
public struct HealthController {
    /// The service name in the health body.
    public static let serviceName = "Menu Knowledge Engine"

    private let database: any DatabaseProbe
    /// The liveness body never changes for a process: encoded once, not per request.
    private let healthBody: [UInt8]

    /// - Parameters:
    ///   - environment: `APP_ENV`, echoed in the body.
    ///   - database: the worker's database probe.
    public init(environment: String, database: any DatabaseProbe) {
        self.database = database
        self.healthBody =
            JSONValue.object([
                ("status", "ok"), ("service", .string(Self.serviceName)), ("version", .string(ServiceVersion.current)),
                ("environment", .string(environment)),
            ]).encoded
    }

    /// Registers the routes.
    public func addRoutes(to router: inout APIRouter) {
        router.add("GET", "/api/v1/health", health)
        router.add("GET", "/api/v1/health/ready", ready)
    }

    /// `{"status":"ok","service":"Menu Knowledge Engine","version":"0.1.0","environment":"development"}`
    public func health(_ request: APIRequest, context: RequestContext) -> APIResponse {
        APIResponse(status: 200, headers: [("Content-Type", APIResponse.jsonContentType)], body: healthBody)
    }

    /// 200 `{"status":"ok","checks":{"database":"ok"},"queue":{"queued":0,"oldest_queued_age_seconds":0}}`, or
    /// 503 with `"database":"unavailable"`. The queue is reported, not judged: a long queue is a reason to start
    /// workers, not to take this process out of the load balancer.
    public func ready(_ request: APIRequest, context: RequestContext) -> APIResponse {
        let isReachable = database.isReachable(logger: context.logger)
        var members: [(String, JSONValue)] = [
            ("status", isReachable ? "ok" : "unavailable"),
            ("checks", .object([("database", isReachable ? "ok" : "unavailable")])),
        ]
        if isReachable, let queue = database.queueStatus(logger: context.logger) {
            members.append(
                (
                    "queue",
                    .object([
                        ("queued", .int(queue.queued)),
                        ("oldest_queued_age_seconds", .double(Double(queue.oldestAge.milliseconds) / 1000)),
                    ])
                ))
        }
        var response = APIResponse.json(.object(members), status: isReachable ? 200 : 503)
        if !isReachable { response.headers.append(("Retry-After", "5")) }
        return response
    }
}
