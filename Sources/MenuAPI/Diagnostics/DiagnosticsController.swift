import Glibc
import JSON
import Logging

/// Routes that exist only for the end-to-end tests (`MENU_API_TEST_ROUTES=1`, refused in production).
///
/// `GET /api/v1/_test/sleep?ms=N` holds its worker for N milliseconds (at most 10 s): the tests use it to have a
/// slow request in flight while they send SIGTERM or fill every worker.
public struct DiagnosticsController {
    public init() {}

    /// Registers the routes.
    public func addRoutes(to router: inout APIRouter) {
        router.add("GET", "/api/v1/_test/sleep", sleep)
    }

    /// Sleeps, then answers `{"slept_ms": N}`.
    public func sleep(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        guard let text = request.query["ms"], let milliseconds = Int(text), (0...10_000).contains(milliseconds) else {
            throw APIError.badRequest(code: "invalid_parameter", "ms must be an integer from 0 to 10000")
        }
        context.logger.debug("slow request started", metadata: ["mke.sleep.ms": "\(milliseconds)"])
        // A blocking sleep is the point: it occupies the worker thread like a slow OCR call would.
        usleep(UInt32(milliseconds) * 1000)
        return .json(.object([("slept_ms", .int(milliseconds))]))
    }
}
