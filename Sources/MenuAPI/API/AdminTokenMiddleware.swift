import Digest
public import MenuConfiguration

/// Checks the admin token on an admin route before its handler runs.
///
/// `Authorization: Bearer $ADMIN_TOKEN` (``APIRequest/bearerCredential``), compared in constant time: 401
/// `missing_admin_token` with `WWW-Authenticate: Bearer` without it, 401 `malformed_credentials` for an
/// `Authorization` header that is not `Bearer <token>` (even where loopback clients need none), 403 `forbidden` when
/// wrong. With no token configured (development only; production refuses to start), the route answers loopback
/// clients only, as when an operator curls localhost on the server, and 403 `forbidden` to anyone else.
///
/// ```
/// router.add("GET", "/api/v1/admin/ocr/metrics", middleware: [AdminTokenMiddleware(token: adminToken)], metrics)
/// ```
public struct AdminTokenMiddleware: APIMiddleware {
    private let token: Secret?

    /// - Parameter token: `ADMIN_TOKEN`; nil lets loopback clients in only.
    public init(token: Secret?) {
        self.token = token
    }

    /// Runs the check, then `next`.
    /// - Throws: ``APIError`` 401 or 403 when the request may not pass.
    public func handle(
        _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
    ) throws -> APIResponse {
        try check(request)
        return try next(request, context)
    }

    private func check(_ request: APIRequest) throws(APIError) {
        let credential = request.bearerCredential
        if credential == .malformed {
            throw .malformedCredentials("The Authorization header must be 'Bearer <ADMIN_TOKEN>'")
        }
        guard let token else {
            // No token (development): the loopback interface only. nginx passes the client's address.
            let address = request.remoteAddress ?? ""
            guard address == "127.0.0.1" || address == "::1" || address.hasPrefix("127.") else {
                throw APIError(
                    status: 403, code: "forbidden",
                    message: "Admin routes answer only local clients until ADMIN_TOKEN is set")
            }
            return
        }
        guard case .token(let presented) = credential else {
            throw APIError(
                status: 401, code: "missing_admin_token", message: "Send 'Authorization: Bearer <ADMIN_TOKEN>'",
                headers: [("WWW-Authenticate", "Bearer")])
        }
        guard Self.constantTimeEquals(Array(presented.utf8), Array(token.value.utf8)) else {
            throw APIError(status: 403, code: "forbidden", message: "The admin token is not valid")
        }
    }

    /// Compares digests of both values byte by byte without an early exit, so the time taken says nothing about
    /// how much of the token matched, nor its length.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        let left = SHA256.hash(lhs)
        let right = SHA256.hash(rhs)
        var difference: UInt8 = 0
        for index in 0..<32 { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
