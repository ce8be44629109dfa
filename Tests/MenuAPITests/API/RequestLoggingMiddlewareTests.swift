import JSON
import Logging
import MenuKnowledgeTesting
import MenuModel
import MenuStorage
import Testing

@testable import MenuAPI

/// The request line: one per request, at info (error for 5xx), naming the route's template, never the raw path.
struct RequestLoggingMiddlewareTests {
    static let restaurant = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"

    func makeRouter(_ recorder: LogRecorder) -> APIRouter {
        var router = APIRouter(logger: recorder.makeLogger())
        router.add(middleware: RequestLoggingMiddleware())
        router.add("POST", "/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images") { _, _ in .json(.null) }
        router.add("GET", "/api/v1/health") { _, _ in .json(.null) }
        router.add("GET", "/boom") { _, _ in throw StorageError("down") }
        return router
    }

    @Test func aRequestIsLoggedOnceWithItsRouteTemplateAndRestaurant() throws {
        let recorder = LogRecorder()
        let response = makeRouter(recorder).respond(
            to: APIRequest(
                method: "POST", path: "/api/v1/b2b/restaurants/\(Self.restaurant.uppercased())/menus/upload-images"),
            requestID: "req-1")
        #expect(response.status == 200)
        let lines = recorder.lines
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.level == .info)
        #expect(line.message == "Request answered")
        #expect(line.metadata[LogKey.requestID]?.description == "req-1")
        #expect(line.metadata[LogKey.method]?.description == "POST")
        #expect(
            line.metadata[LogKey.route]?.description
                == "/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images")
        #expect(line.metadata[LogKey.status]?.description == "200")
        #expect(line.metadata[LogKey.restaurant]?.description == Self.restaurant)
        let milliseconds = try #require(line.metadata[LogKey.durationMilliseconds]?.description)
        #expect(milliseconds.wholeMatch(of: /[0-9]+\.[0-9]{3}/) != nil)
    }

    @Test func aRouteWithoutARestaurantLogsNone() throws {
        let recorder = LogRecorder()
        _ = makeRouter(recorder).respond(to: APIRequest(method: "GET", path: "/api/v1/health"), requestID: "r")
        let line = try #require(recorder.lines("Request answered").first)
        #expect(line.metadata[LogKey.route]?.description == "/api/v1/health")
        #expect(line.metadata[LogKey.restaurant] == nil)
    }

    @Test func aMalformedRestaurantIdIsNotLogged() throws {
        let recorder = LogRecorder()
        _ = makeRouter(recorder).respond(
            to: APIRequest(method: "POST", path: "/api/v1/b2b/restaurants/x%20y%3Dz/menus/upload-images"),
            requestID: "r")
        let line = try #require(recorder.lines("Request answered").first)
        #expect(line.metadata[LogKey.restaurant] == nil)
    }

    @Test(arguments: [("GET", "/api/v1/secret-looking/sk-live-123", 404), ("DELETE", "/api/v1/health", 405)])
    func anUnmatchedRequestLogsNoRawPath(method: String, path: String, status: Int) throws {
        let recorder = LogRecorder()
        let response = makeRouter(recorder).respond(to: APIRequest(method: method, path: path), requestID: "r")
        #expect(response.status == status)
        let line = try #require(recorder.lines("Request answered").first)
        #expect(line.metadata[LogKey.route]?.description == "unmatched")
        #expect(line.metadata[LogKey.status]?.description == "\(status)")
        #expect(!line.metadata.values.contains { $0.description.contains("sk-live") })
    }

    @Test func aServerErrorIsLoggedAtError() throws {
        let recorder = LogRecorder()
        _ = makeRouter(recorder).respond(to: APIRequest(method: "GET", path: "/boom"), requestID: "r")
        let lines = recorder.lines.filter { $0.metadata[LogKey.route] != nil }
        #expect(lines.count == 1)
        #expect(lines.first?.level == .error)
        #expect(lines.first?.message == "Request failed")
        #expect(lines.first?.metadata[LogKey.status]?.description == "503")
    }

    @Test(arguments: [(0, "0.000"), (7, "0.007"), (312, "0.312"), (41_207, "41.207"), (1_000_000, "1000.000")])
    func millisecondsHaveThreeDecimals(microseconds: Int, written: String) {
        #expect(RequestLoggingMiddleware.milliseconds(microseconds: microseconds) == written)
    }
}
