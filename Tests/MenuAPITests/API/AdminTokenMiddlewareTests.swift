import JSON
import Logging
import MenuAPI
import MenuConfiguration
import Testing

/// The admin token check through a router: absent, wrong, right, and loopback only without a token.
struct AdminTokenMiddlewareTests {
    static let token = Secret("0123456789abcdef-admin")

    static func respond(
        token: Secret?, headers: [String: String] = [:], remoteAddress: String = "203.0.113.9"
    ) -> APIResponse {
        var router = APIRouter(logger: Logger(label: "test"))
        router.add("GET", "/admin", middleware: [AdminTokenMiddleware(token: token)]) { _, _ in
            .json(.object([("admin", true)]))
        }
        return router.respond(
            to: APIRequest(method: "GET", path: "/admin", headers: headers, remoteAddress: remoteAddress),
            requestID: "r")
    }

    @Test func absentTokenIsUnauthorized() {
        let response = Self.respond(token: Self.token)
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate") == "Bearer")
        #expect(
            text(of: response)
                == #"{"error":{"code":"missing_admin_token","message":"Send 'Authorization: Bearer <ADMIN_TOKEN>'"}}"#)
    }

    /// A present but unreadable `Authorization` is 401 `malformed_credentials`, with a token configured or not
    /// (a loopback client without one needs no header, but a broken one is still refused: issue 15).
    @Test(arguments: [
        ("Basic \(token.value)", "203.0.113.9", true), ("Bearer", "203.0.113.9", true),
        ("Bearer ", "127.0.0.1", true), ("Bearer a b", "203.0.113.9", true), ("Basic x", "127.0.0.1", false),
    ])
    func malformedAuthorizationIsUnauthorized(header: String, address: String, hasToken: Bool) {
        let response = Self.respond(
            token: hasToken ? Self.token : nil, headers: ["Authorization": header], remoteAddress: address)
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate") == #"Bearer error="invalid_request""#)
        #expect(
            text(of: response)
                == #"{"error":{"code":"malformed_credentials","message":"The Authorization header must be 'Bearer <ADMIN_TOKEN>'"}}"#
        )
    }

    @Test(arguments: ["0123456789abcdef-admiN", "0123456789abcdef-admin2", "0123456789abcdef-admi", "x"])
    func wrongTokenIsForbidden(presented: String) {
        let response = Self.respond(token: Self.token, headers: ["Authorization": "Bearer \(presented)"])
        #expect(response.status == 403)
        #expect(text(of: response) == #"{"error":{"code":"forbidden","message":"The admin token is not valid"}}"#)
    }

    @Test func rightTokenPasses() {
        let response = Self.respond(token: Self.token, headers: ["Authorization": "Bearer \(Self.token.value)"])
        #expect(response.status == 200)
        #expect(text(of: response) == #"{"admin":true}"#)
    }

    @Test(arguments: ["127.0.0.1", "127.0.0.53", "::1"])
    func noTokenConfiguredLetsLoopbackIn(address: String) {
        #expect(Self.respond(token: nil, remoteAddress: address).status == 200)
    }

    @Test func noTokenConfiguredRefusesRemoteClients() {
        let response = Self.respond(token: nil, headers: ["Authorization": "Bearer anything"])
        #expect(response.status == 403)
        #expect(
            text(of: response)
                == #"{"error":{"code":"forbidden","message":"Admin routes answer only local clients until ADMIN_TOKEN is set"}}"#
        )
    }

    /// An admin route that is not there is 404 before any token check: route middleware runs after the match.
    @Test func unknownPathIsNotFoundWithoutAToken() {
        var router = APIRouter(logger: Logger(label: "test"))
        router.add("GET", "/admin", middleware: [AdminTokenMiddleware(token: Self.token)]) { _, _ in .json(.null) }
        #expect(router.respond(to: APIRequest(method: "GET", path: "/admin/x"), requestID: "r").status == 404)
        #expect(router.respond(to: APIRequest(method: "POST", path: "/admin"), requestID: "r").status == 405)
    }
}
