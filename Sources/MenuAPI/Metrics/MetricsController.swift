import Digest
import JSON
import Logging
public import MenuConfiguration
import MenuModel
import MenuStorage
public import Postgres

/// `GET /api/v1/admin/ocr/metrics`: the KPIs operators watch, as JSON (default) or Prometheus text.
///
/// Admin auth: `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time (401 with `WWW-Authenticate: Bearer`
/// without it, 403 when wrong). With no token configured (development only; production refuses to start), the route
/// answers loopback clients only, as when an operator curls localhost on the server.
public struct MetricsController {
    private let database: PostgresConnection
    private let adminToken: Secret?

    public init(database: PostgresConnection, adminToken: Secret?) {
        self.database = database
        self.adminToken = adminToken
    }

    public func addRoutes(to router: inout APIRouter) {
        router.add("GET", "/api/v1/admin/ocr/metrics", metrics)
    }

    public func metrics(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        try AdminAuthorization.check(request, token: adminToken)
        let windowName = request.query["window"] ?? "all"
        guard let window = PostgresMetricsStore.Window.named(windowName) else {
            throw APIError.badRequest(code: "invalid_window", "window must be one of 1h, 24h, 7d, 30d, all")
        }
        let format = request.query["format"] ?? "json"
        guard format == "json" || format == "prometheus" else {
            throw APIError.badRequest(code: "invalid_format", "format must be json or prometheus")
        }
        let series = request.query["series"]
        guard series == nil || series == "hourly" else {
            throw APIError.badRequest(code: "invalid_series", "series must be hourly")
        }
        let store = PostgresMetricsStore(connection: database)
        do {
            let metrics = try store.metrics(for: window)
            if format == "prometheus" {
                return APIResponse(
                    status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                    body: Array(MetricsFormat.prometheus(metrics).utf8))
            }
            var body = MetricsFormat.json(metrics, window: window.name)
            if series != nil, case .object(var members) = body {
                let hours = try store.hourlySeries(for: window)
                members.append(("series", .array(hours.map(MetricsFormat.seriesEntry))))
                body = .object(members)
            }
            return .json(body)
        } catch let error as APIError {
            throw error
        } catch {
            context.logger.warning("Metrics unavailable", metadata: [LogKey.error: "\(String(reflecting: error))"])
            throw APIError.storageUnavailable
        }
    }
}

/// The admin token check, shared by every admin route.
public enum AdminAuthorization {
    public static func check(_ request: APIRequest, token: Secret?) throws(APIError) {
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
        guard let presented = request.bearerToken else {
            throw APIError(
                status: 401, code: "missing_admin_token", message: "Send 'Authorization: Bearer <ADMIN_TOKEN>'",
                headers: [("WWW-Authenticate", "Bearer")])
        }
        guard constantTimeEquals(Array(presented.utf8), Array(token.value.utf8)) else {
            throw APIError(status: 403, code: "forbidden", message: "The admin token is not valid")
        }
    }

    /// Compares digests of both values byte by byte without an early exit, so the time taken says nothing about
    /// how much of the token matched, nor its length.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        let left = SHA256.hash(lhs)
        let right = SHA256.hash(rhs)
        var difference: UInt8 = 0
        for index in 0..<32 { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
