public import JSON

/// A response, independent of how it travels (FastCGI today).
public struct APIResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// Headers in order. `Content-Type` is among them when there is a body.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// - Parameters: status, headers (default none) and body (default empty).
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The content type of every JSON body.
    public static let jsonContentType = "application/json; charset=utf-8"

    /// A JSON response with `Content-Type: application/json; charset=utf-8`.
    public static func json(_ value: JSONValue, status: Int = 200) -> APIResponse {
        APIResponse(status: status, headers: [("Content-Type", jsonContentType)], body: value.encoded)
    }

    /// The JSON error response for `error`, with the headers it calls for.
    public static func error(_ error: APIError) -> APIResponse {
        var response = json(error.body, status: error.status)
        response.headers.append(contentsOf: error.headers)
        return response
    }

    /// The value of the first header named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The standard reason phrase for `status` (RFC 9110 §15), or an empty string for an unusual one.
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }
}
