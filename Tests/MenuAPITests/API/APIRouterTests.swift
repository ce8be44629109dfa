import JSON
import Logging
import MenuAPI
import Testing

struct APIRouterTests {
    struct Boom: Error {}

    func makeRouter() -> APIRouter {
        var router = APIRouter(logger: Logger(label: "test"))
        router.add("GET", "/api/v1/things/{thing_id}/parts") { _, context in
            .json(.object([("thing", .string(context.parameter("thing_id") ?? "missing"))]))
        }
        router.add("POST", "/api/v1/things/{thing_id}/parts") { _, _ in .json(.object([("created", true)]), status: 201)
        }
        router.add("GET", "/api/v1/boom") { _, _ in throw Boom() }
        router.add("GET", "/api/v1/teapot") { _, _ in
            throw APIError(status: 429, code: "slow_down", message: "Too many", headers: [("Retry-After", "3")])
        }
        return router
    }

    @Test func patternCapturesPercentDecodedParameter() throws {
        let response = makeRouter().respond(
            to: APIRequest(method: "GET", path: "/api/v1/things/%EA%B9%80%2Fx/parts"), requestID: "r1")
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"thing":"김/x"}"#)
    }

    @Test func methodSelectsRoute() {
        let response = makeRouter().respond(
            to: APIRequest(method: "POST", path: "/api/v1/things/7/parts"), requestID: "r1")
        #expect(response.status == 201)
    }

    @Test func unknownPathIsNotFoundJSON() {
        let response = makeRouter().respond(to: APIRequest(method: "GET", path: "/api/v1/things/7"), requestID: "r2")
        #expect(response.status == 404)
        #expect(response.header("content-type") == "application/json; charset=utf-8")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"error":{"code":"not_found","message":"No route for /api/v1/things/7"}}"#)
    }

    @Test func wrongMethodIsMethodNotAllowedWithAllow() {
        let response = makeRouter().respond(
            to: APIRequest(method: "DELETE", path: "/api/v1/things/7/parts"), requestID: "r3")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD, POST")
        #expect(String(decoding: response.body, as: UTF8.self).contains(#""code":"method_not_allowed""#))
    }

    @Test func headIsServedByGetRoute() {
        let response = makeRouter().respond(
            to: APIRequest(method: "HEAD", path: "/api/v1/things/7/parts"), requestID: "r4")
        #expect(response.status == 200)
    }

    @Test func unexpectedErrorIsGenericInternalErrorWithRequestID() {
        let response = makeRouter().respond(to: APIRequest(method: "GET", path: "/api/v1/boom"), requestID: "req-42")
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 500)
        #expect(text.contains(#""code":"internal_error""#))
        #expect(text.contains("req-42"))
        #expect(!text.contains("Boom"))
    }

    @Test func apiErrorKeepsStatusCodeAndHeaders() {
        let response = makeRouter().respond(to: APIRequest(method: "GET", path: "/api/v1/teapot"), requestID: "r5")
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "3")
        #expect(
            String(decoding: response.body, as: UTF8.self) == #"{"error":{"code":"slow_down","message":"Too many"}}"#)
    }

    @Test(arguments: ["/api/v1/boom", "/api/v1/nothing", "/api/v1/things/1/parts"])
    func everyResponseCarriesRequestID(path: String) {
        let response = makeRouter().respond(to: APIRequest(method: "GET", path: path), requestID: "abc123")
        #expect(response.header("X-Request-Id") == "abc123")
    }

    @Test func middlewaresRunOutermostFirstAndMayAnswerEarly() {
        struct Tagging: APIMiddleware {
            let tag: String
            func handle(
                _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
            ) throws -> APIResponse {
                var response = try next(request, context)
                response.headers.append(("X-Trace", tag))
                return response
            }
        }
        struct Refusing: APIMiddleware {
            func handle(
                _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
            ) throws -> APIResponse {
                guard !request.path.hasPrefix("/api/v1/things") else {
                    throw APIError(status: 401, code: "unauthorized", message: "no")
                }
                return try next(request, context)
            }
        }
        var router = makeRouter()
        router.add(middleware: Tagging(tag: "outer"))
        router.add(middleware: Tagging(tag: "inner"))
        router.add(middleware: Refusing())
        let refused = router.respond(to: APIRequest(method: "GET", path: "/api/v1/things/1/parts"), requestID: "r")
        #expect(refused.status == 401)
        #expect(refused.headers.filter { $0.name == "X-Trace" }.map(\.value) == ["inner", "outer"])
    }
}
