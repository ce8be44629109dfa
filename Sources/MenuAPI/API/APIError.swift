public import JSON

/// An error a handler reports to the client: an HTTP status, a stable machine code and a safe message.
///
/// The body is always `{"error": {"code": "...", "message": "..."}}`. Anything else a route throws is turned into
/// one by ``APIErrorMapper`` (503 when storage is unavailable, else 500 with a generic message): server details never
/// reach a client.
public struct APIError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// A stable, machine-readable code, e.g. `not_found`.
    public var code: String
    /// A message for the person reading the response.
    public var message: String
    /// Extra headers the status calls for (`Allow` on 405, `WWW-Authenticate` on 401, `Retry-After` on 503).
    public var headers: [(name: String, value: String)]

    /// - Parameters: the status, code and message; `headers` defaults to none.
    public init(status: Int, code: String, message: String, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status) \(code): \(message)" }

    /// 400 with the given code.
    public static func badRequest(code: String = "bad_request", _ message: String) -> APIError {
        APIError(status: 400, code: code, message: message)
    }

    /// 404 for a path no route knows.
    public static func notFound(path: String) -> APIError {
        APIError(status: 404, code: "not_found", message: "No route for \(path)")
    }

    /// 405 with the `Allow` header listing the methods the path accepts.
    public static func methodNotAllowed(method: String, allowed: [String]) -> APIError {
        APIError(
            status: 405, code: "method_not_allowed", message: "Method \(method) is not allowed here",
            headers: [("Allow", allowed.joined(separator: ", "))])
    }

    /// 401 `malformed_credentials` with `WWW-Authenticate: Bearer error="invalid_request"` (RFC 6750 §3.1): a
    /// credential header was sent but could not be read, so the request is neither anonymous nor authenticated.
    public static func malformedCredentials(_ message: String) -> APIError {
        APIError(
            status: 401, code: "malformed_credentials", message: message,
            headers: [("WWW-Authenticate", #"Bearer error="invalid_request""#)])
    }

    /// 413 for a body over the configured limit.
    public static func payloadTooLarge(limitBytes: Int) -> APIError {
        APIError(status: 413, code: "payload_too_large", message: "The request body is larger than \(limitBytes) bytes")
    }

    /// 503 `storage_unavailable` with `Retry-After: 5`: PostgreSQL failed; the details go to the log only.
    public static func storageUnavailable(_ message: String) -> APIError {
        APIError(status: 503, code: "storage_unavailable", message: message, headers: [("Retry-After", "5")])
    }

    /// The 503 for an unreachable database.
    public static var storageUnavailable: APIError {
        storageUnavailable("The database is unavailable; try again shortly")
    }

    /// 500 with a generic message and the request id to quote to operators.
    public static func internalError(requestID: String) -> APIError {
        APIError(
            status: 500, code: "internal_error",
            message: "An unexpected error occurred. Quote request id \(requestID) when reporting it.")
    }

    /// The JSON error body.
    public var body: JSONValue {
        .object([("error", .object([("code", .string(code)), ("message", .string(message))]))])
    }
}
