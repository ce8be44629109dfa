public import Foundation
public import Logging
import MenuModel

/// Logs each request once it is answered, at `info`: request id, method, route template, status, milliseconds and
/// the restaurant when the route names one; never the body, the query or credentials.
///
/// ```
/// ts=... level=info msg="Request answered" mke.request.id=6f1c... mke.request.method=POST
///   mke.request.route=/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images mke.response.ms=41.207
///   mke.response.status=200 mke.restaurant=1b9d...
/// ```
/// Server errors are logged at `error` (an operator must look). A request no route matched (404, 405) is logged
/// with the route `unmatched`: the raw path is the client's text, and nginx's access log has it.
public struct RequestLoggingMiddleware: APIMiddleware {
    /// The route written for a request no route matched.
    static let unmatchedRoute = "unmatched"

    public init() {}

    public func handle(
        _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
    ) throws -> APIResponse {
        let clock = ContinuousClock()
        let start = clock.now
        // The router maps errors to responses inside this middleware, so a failure arrives here as a response.
        let response = try next(request, context)
        // Nothing to build when no line will be written: this runs on every request.
        guard response.status >= 500 || context.logLevel <= .info else { return response }
        // Only a well-formed id: the segment is the client's text until the key middleware has checked it.
        let restaurant = context.parameter("restaurant_id").flatMap(UUID.init(uuidString:))
        Self.log(
            method: request.method, route: context.route, restaurant: restaurant, status: response.status,
            elapsed: start.duration(to: clock.now), logger: context.logger)
        return response
    }

    /// Writes the request line: what the middleware writes for every routed request, and what the FastCGI adapter
    /// writes for a request answered before the router (a body over the limit).
    /// - Parameters:
    ///   - method: the request's method.
    ///   - route: the matched route's template; nil writes `unmatched`.
    ///   - restaurant: the restaurant the route names, when it names a well-formed one.
    ///   - status: the response's status; 5xx is written at `error`, the rest at `info`.
    ///   - elapsed: the time the answer took.
    ///   - logger: a logger carrying the request's id.
    public static func log(
        method: String, route: String?, restaurant: UUID?, status: Int, elapsed: Duration, logger: Logger
    ) {
        let isServerError = status >= 500
        guard isServerError || logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            LogKey.method: .string(method), LogKey.route: .string(route ?? unmatchedRoute),
            LogKey.status: .stringConvertible(status),
            LogKey.durationMilliseconds: .string(milliseconds(microseconds: elapsed.microseconds)),
        ]
        if let restaurant { metadata[LogKey.restaurant] = .string(restaurant.uuidString.lowercased()) }
        if isServerError {
            logger.error("Request failed", metadata: metadata)
        } else {
            logger.info("Request answered", metadata: metadata)
        }
    }

    /// `41.207`: milliseconds with three decimals, since a health request takes well under one.
    static func milliseconds(microseconds: Int) -> String {
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
