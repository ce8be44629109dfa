import Foundation
import Logging
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
        let isServerError = response.status >= 500
        // Built only when a line will be written: this runs on every request.
        guard isServerError || context.logLevel <= .info else { return response }
        let microseconds = start.duration(to: clock.now).microseconds
        var metadata: Logger.Metadata = [
            LogKey.method: .string(request.method), LogKey.route: .string(context.route ?? Self.unmatchedRoute),
            LogKey.status: .stringConvertible(response.status),
            LogKey.durationMilliseconds: .string(Self.milliseconds(microseconds: microseconds)),
        ]
        // Only a well-formed id: the segment is the client's text until the key middleware has checked it.
        if let restaurant = context.parameter("restaurant_id").flatMap(UUID.init(uuidString:)) {
            metadata[LogKey.restaurant] = .string(restaurant.uuidString.lowercased())
        }
        if isServerError {
            context.logger.error("Request failed", metadata: metadata)
        } else {
            context.logger.info("Request answered", metadata: metadata)
        }
        return response
    }

    /// `41.207`: milliseconds with three decimals, since a health request takes well under one.
    static func milliseconds(microseconds: Int) -> String {
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
