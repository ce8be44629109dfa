import Logging
import MenuModel

/// Logs each request once it is answered: method, path, status and duration, never the body or credentials.
///
/// Server errors are logged at `error` (an operator must look); the rest at `debug`, since nginx's access log
/// already records every request.
public struct RequestLoggingMiddleware: APIMiddleware {
    public init() {}

    public func handle(
        _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
    ) throws -> APIResponse {
        let clock = ContinuousClock()
        let start = clock.now
        // The router maps errors to responses inside this middleware, so a failure arrives here as a response.
        let response = try next(request, context)
        let isServerError = response.status >= 500
        // Built only when a line will be written: this runs on every request.
        guard isServerError || context.logLevel <= .debug else { return response }
        let elapsed = start.duration(to: clock.now)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        let metadata: Logger.Metadata = [
            LogKey.method: "\(request.method)", LogKey.path: "\(request.path)", LogKey.status: "\(response.status)",
            LogKey.durationMilliseconds: "\(Int(milliseconds.rounded()))",
        ]
        if isServerError {
            context.logger.error("Request failed", metadata: metadata)
        } else {
            context.logger.debug("Request answered", metadata: metadata)
        }
        return response
    }
}
