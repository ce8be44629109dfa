import FastCGI
import Logging
import MenuAPI
import MenuModel

/// Adapts FastCGI to the API layer: exchange parameters and body in, ``APIResponse`` out.
struct FastCGIAPIResponder: FastCGIResponder {
    let router: APIRouter
    let maxBodyBytes: Int
    let logger: Logger

    func respond(to exchange: borrowing FastCGIExchange) {
        let start = ContinuousClock.now
        let parameters = exchange.parameters
        // nginx passes its $request_id as REQUEST_ID (see nginx/); a trusted proxy may send X-Request-Id instead.
        let requestID = RequestContext.requestID(
            fromUpstream: exchange.parameter("REQUEST_ID") ?? exchange.parameter("HTTP_X_REQUEST_ID"))
        var response: APIResponse
        do {
            let body = try exchange.readBody(maxBytes: maxBodyBytes)
            response = router.respond(to: APIRequest(cgiParameters: parameters, body: body), requestID: requestID)
        } catch {
            let apiError: APIError =
                switch error.code {
                case .bodyTooLarge: .payloadTooLarge(limitBytes: maxBodyBytes)
                case .invalidContentLength:
                    .badRequest(code: "invalid_content_length", "Content-Length is not a valid length")
                default: .badRequest(code: "incomplete_body", "The request body ended before Content-Length bytes")
                }
            logger.debug(
                "Request body refused",
                metadata: [LogKey.requestID: "\(requestID)", LogKey.error: "\(error.debugDescription)"])
            response = .error(apiError)
            response.headers.append(("X-Request-Id", requestID))
            // Answered before the router, so the request line is written here: one line for every request.
            var requestLogger = logger
            requestLogger[metadataKey: LogKey.requestID] = .string(requestID)
            RequestLoggingMiddleware.log(
                method: exchange.parameter("REQUEST_METHOD") ?? "-", route: nil, restaurant: nil,
                status: response.status, elapsed: start.duration(to: .now), logger: requestLogger)
        }
        response.headers.append(("Content-Length", String(response.body.count)))
        do {
            try exchange.writeResponse(
                status: response.status, reason: APIResponse.reasonPhrase(for: response.status),
                headers: response.headers, body: response.body)
        } catch {
            // The client went away (nginx closed the stream): nothing to answer, nothing an operator must do.
            logger.debug(
                "Response not delivered",
                metadata: [LogKey.requestID: "\(requestID)", LogKey.error: "\(error.debugDescription)"])
        }
    }
}
