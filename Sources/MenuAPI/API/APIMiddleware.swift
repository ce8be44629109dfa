/// Code that runs around a handler: logging, authentication, timing.
///
/// Like Hummingbird's `MiddlewareProtocol`: a middleware answers early by returning or throwing, or calls `next` to
/// continue down the chain, possibly with a changed request or context (``RestaurantKeyMiddleware`` puts the
/// restaurant it let through in ``RequestContext/restaurant``).
///
/// ```
/// struct TimingMiddleware: APIMiddleware {
///     func handle(
///         _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
///     ) throws -> APIResponse {
///         let start = ContinuousClock.now
///         defer { context.logger.debug("took \\(ContinuousClock.now - start)") }
///         return try next(request, context)
///     }
/// }
/// ```
public protocol APIMiddleware {
    /// Handles `request`, calling `next` to continue down the chain (or not, to answer early).
    /// - Throws: any error; ``APIErrorMapper`` turns it into the response.
    func handle(
        _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
    ) throws -> APIResponse
}
