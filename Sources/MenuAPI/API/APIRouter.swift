public import Logging
import MenuModel

/// A handler: answers one request, or throws (an ``APIError`` for a client-facing failure).
public typealias APIHandler = (APIRequest, RequestContext) throws -> APIResponse

/// Matches requests to handlers by method and path pattern, and turns every failure into a JSON error response.
///
/// ```
/// var router = APIRouter(logger: logger)
/// router.add("GET", "/api/v1/health", health.health)
/// router.add("POST", "/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images", upload.upload)
/// let response = router.respond(to: request, requestID: id)
/// ```
/// An unknown path is 404; a known path with another method is 405 with `Allow`; `HEAD` is served by the `GET`
/// route. Every response carries `X-Request-Id`.
public struct APIRouter {
    private struct Route {
        var method: String
        var pattern: [Segment]
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
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping APIHandler) {
        let segments = APIRequest.segments(of: pattern).map { segment -> Segment in
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(segment)
        }
        routes.append(Route(method: method.uppercased(), pattern: segments, handler: handler))
    }

    /// Adds a middleware; the first added is the outermost.
    public mutating func add(middleware: any APIMiddleware) {
        middlewares.append(middleware)
    }

    /// Answers a request. Never throws: failures become JSON error responses.
    /// - Parameters:
    ///   - request: the decoded request.
    ///   - requestID: the id for logs and the `X-Request-Id` header.
    public func respond(to request: APIRequest, requestID: String) -> APIResponse {
        var context = RequestContext(requestID: requestID, logger: logger)
        var response = run(middlewareIndex: 0, request: request, context: &context)
        response.headers.append(("X-Request-Id", requestID))
        return response
    }

    private func run(middlewareIndex: Int, request: APIRequest, context: inout RequestContext) -> APIResponse {
        if middlewareIndex < middlewares.count {
            let capturedContext = context
            return middlewares[middlewareIndex].handle(request, context: capturedContext) { request, context in
                var context = context
                return run(middlewareIndex: middlewareIndex + 1, request: request, context: &context)
            }
        }
        do {
            return try dispatch(request, context: &context)
        } catch let error as APIError {
            return .error(error)
        } catch {
            context.logger.error(
                "Unexpected error answering request",
                metadata: [LogKey.error: "\(String(reflecting: error))", LogKey.path: "\(request.path)"])
            return .error(.internalError(requestID: context.requestID))
        }
    }

    private func dispatch(_ request: APIRequest, context: inout RequestContext) throws -> APIResponse {
        var allowed: [String] = []
        for route in routes {
            guard let parameters = match(route.pattern, request.pathSegments) else { continue }
            if route.method == request.method || (request.method == "HEAD" && route.method == "GET") {
                context.parameters = parameters
                return try route.handler(request, context)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            if route.method == "GET", !allowed.contains("HEAD") { allowed.append("HEAD") }
        }
        guard allowed.isEmpty else { throw APIError.methodNotAllowed(method: request.method, allowed: allowed) }
        throw APIError.notFound(path: request.path)
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

/// Code that runs around every handler: logging, authentication, timing.
public protocol APIMiddleware {
    /// Handles `request`, calling `next` to continue down the chain (or not, to answer early).
    func handle(
        _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) -> APIResponse
    ) -> APIResponse
}
