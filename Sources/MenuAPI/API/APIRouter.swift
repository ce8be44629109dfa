public import Logging
import MenuModel

/// A handler: answers one request, or throws (an ``APIError`` for a client-facing failure).
public typealias APIHandler = (APIRequest, RequestContext) throws -> APIResponse

/// Matches requests to handlers by method and path pattern, and turns every failure into a JSON error response.
///
/// ```
/// var router = APIRouter(logger: logger)
/// router.add(middleware: RequestLoggingMiddleware())
/// router.add("GET", "/api/v1/health", health.health)
/// router.add(
///     "POST", "/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images", middleware: [restaurantKey],
///     upload.upload)
/// let response = router.respond(to: request, requestID: id)
/// ```
/// An unknown path is 404; a known path with another method is 405 with `Allow`; `HEAD` is served by the `GET`
/// route. Every response carries `X-Request-Id`. Router middleware runs around every request; a route's own
/// middleware (authentication) runs only once the route matched, so an unknown path is 404 whatever the
/// credentials. Every error thrown is turned into a response by ``APIErrorMapper`` where it was thrown, so the
/// middleware outside sees the status the client gets.
public struct APIRouter {
    private struct Route {
        var method: String
        /// The pattern as registered, `{name}` segments included: what the request log names the route by.
        var template: String
        var pattern: [Segment]
        var middlewares: [any APIMiddleware]
        var handler: APIHandler
    }

    private enum Segment: Equatable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []
    private var middlewares: [any APIMiddleware] = []
    private let logger: Logger

    /// - Parameter logger: the worker's logger; each request gets a copy carrying its id.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Registers `handler` for `method` on `pattern`; `{name}` segments capture a path segment as a parameter.
    /// - Parameters:
    ///   - method: the HTTP method, any case.
    ///   - pattern: the path, with `{name}` for a captured segment.
    ///   - middleware: middleware for this route only, the first outermost, run after the router's own and after
    ///     the parameters are captured. Defaults to none.
    ///   - handler: answers the request.
    public mutating func add(
        _ method: String, _ pattern: String, middleware: [any APIMiddleware] = [], _ handler: @escaping APIHandler
    ) {
        let segments = APIRequest.segments(of: pattern).map { segment -> Segment in
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(segment)
        }
        routes.append(
            Route(
                method: method.uppercased(), template: pattern, pattern: segments, middlewares: middleware,
                handler: handler))
    }

    /// Adds a middleware; the first added is the outermost.
    public mutating func add(middleware: any APIMiddleware) {
        middlewares.append(middleware)
    }

    /// Answers a request. Never throws: failures become JSON error responses.
    ///
    /// The route is matched before the router's middleware runs, so that middleware (the request log) sees the
    /// route's template and parameters in the context; a router middleware therefore must not change the path.
    /// - Parameters:
    ///   - request: the decoded request.
    ///   - requestID: the id for logs and the `X-Request-Id` header.
    public func respond(to request: APIRequest, requestID: String) -> APIResponse {
        var context = RequestContext(requestID: requestID, logger: logger)
        let resolution = resolve(request)
        if case .found(let route, let parameters) = resolution {
            context.route = route.template
            context.parameters = parameters
        }
        var response = run(middlewareIndex: 0, request: request, context: context, resolution: resolution)
        response.headers.append(("X-Request-Id", requestID))
        return response
    }

    /// What the method and path matched.
    private enum Resolution {
        case found(Route, parameters: [String: String])
        /// The path matched routes of other methods only.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private func run(
        middlewareIndex: Int, request: APIRequest, context: RequestContext, resolution: Resolution
    ) -> APIResponse {
        do {
            if middlewareIndex < middlewares.count {
                return try middlewares[middlewareIndex].handle(request, context: context) { request, context in
                    run(
                        middlewareIndex: middlewareIndex + 1, request: request, context: context, resolution: resolution
                    )
                }
            }
            switch resolution {
            case .found(let route, _):
                return try Self.run(route.middlewares[...], around: route.handler, request: request, context: context)
            case .methodNotAllowed(let allowed):
                throw APIError.methodNotAllowed(method: request.method, allowed: allowed)
            case .notFound:
                throw APIError.notFound(path: request.path)
            }
        } catch {
            return .error(APIErrorMapper.apiError(for: error, request: request, context: context))
        }
    }

    private func resolve(_ request: APIRequest) -> Resolution {
        var allowed: [String] = []
        for route in routes {
            guard let parameters = match(route.pattern, request.pathSegments) else { continue }
            if route.method == request.method || (request.method == "HEAD" && route.method == "GET") {
                return .found(route, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            if route.method == "GET", !allowed.contains("HEAD") { allowed.append("HEAD") }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// A route's own middleware, then its handler. Errors go up to
    /// ``run(middlewareIndex:request:context:resolution:)``, which
    /// maps them inside the router's middleware.
    private static func run(
        _ middlewares: ArraySlice<any APIMiddleware>, around handler: APIHandler, request: APIRequest,
        context: RequestContext
    ) throws -> APIResponse {
        guard let middleware = middlewares.first else { return try handler(request, context) }
        return try middleware.handle(request, context: context) { request, context in
            try run(middlewares.dropFirst(), around: handler, request: request, context: context)
        }
    }

    private func match(_ pattern: [Segment], _ segments: [String]) -> [String: String]? {
        guard pattern.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(pattern, segments) {
            switch expected {
            case .literal(let literal): guard literal == actual else { return nil }
            case .parameter(let name): parameters[name] = actual
            }
        }
        return parameters
    }
}
