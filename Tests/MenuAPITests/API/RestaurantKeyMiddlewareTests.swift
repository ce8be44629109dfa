import Foundation
import JSON
import Logging
import MenuAPI
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Testing

/// The restaurant key checks against a real PostgreSQL, through a router, in the order clients meet them.
struct RestaurantKeyMiddlewareTests {
    /// Two restaurants with a key each, a task of the first, and a router whose routes echo the restaurant the
    /// middleware let through.
    struct Fixture {
        let router: APIRouter
        let restaurant: UUID
        let key: String
        let otherKey: String
        let task: UUID

        init(connection: PostgresConnection, requiresKey: Bool) throws {
            let store = PostgresRestaurantStore(connection: connection)
            (restaurant, key) = try store.create(name: "첫 식당")
            otherKey = try store.create(name: "다른 식당").apiKey
            task = UUID()
            try PostgresUploadStore(connection: connection).createTask(id: task, restaurant: restaurant, total: 1)
            var router = APIRouter(logger: Logger(label: "test"))
            let echo: APIHandler = { _, context in
                .json(.object([("restaurant", .string(context.restaurant?.uuidString.lowercased() ?? "none"))]))
            }
            router.add(
                "GET", "/r/{restaurant_id}",
                middleware: [
                    RestaurantKeyMiddleware(database: connection, requiresKey: requiresKey, restaurant: .inPath)
                ], echo)
            router.add(
                "GET", "/t/{task_id}",
                middleware: [
                    RestaurantKeyMiddleware(database: connection, requiresKey: requiresKey, restaurant: .ownerOfTask)
                ], echo)
            self.router = router
        }

        func get(_ path: String, headers: [String: String] = [:]) -> APIResponse {
            router.respond(to: APIRequest(method: "GET", path: path, headers: headers), requestID: "r")
        }

        var restaurantPath: String { "/r/\(restaurant.uuidString.lowercased())" }
        var passed: String { #"{"restaurant":"\#(restaurant.uuidString.lowercased())"}"# }
    }

    static func errorCode(_ response: APIResponse) -> String? {
        let body = text(of: response)
        guard let start = body.range(of: #""code":""#)?.upperBound, let end = body[start...].firstIndex(of: "\"")
        else { return nil }
        return String(body[start..<end])
    }

    @Test func missingKeyIsUnauthorizedWhenRequired() throws {
        try withMigratedSchema { connection in
            let fixture = try Fixture(connection: connection, requiresKey: true)
            let response = fixture.get(fixture.restaurantPath)
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate") == "Bearer")
            #expect(
                text(of: response)
                    == #"{"error":{"code":"missing_api_key","message":"Send the restaurant's API key as 'Authorization: Bearer <key>'"}}"#
            )
        }
    }

    @Test func missingKeyPassesWhenOptional() throws {
        try withMigratedSchema { connection in
            let fixture = try Fixture(connection: connection, requiresKey: false)
            let response = fixture.get(fixture.restaurantPath)
            #expect(response.status == 200)
            #expect(text(of: response) == fixture.passed)
        }
    }

    /// A credential that is there but unreadable is refused whatever the setting (issue 15): before, another scheme
    /// or a bare `Bearer` counted as no key, so an optional-key route served it anonymously.
    @Test(arguments: [false, true])
    func malformedCredentialIsUnauthorizedWhateverTheSetting(requiresKey: Bool) throws {
        try withMigratedSchema { connection in
            let fixture = try Fixture(connection: connection, requiresKey: requiresKey)
            for headers in [
                ["Authorization": "Basic \(fixture.key)"], ["Authorization": "Bearer"], ["Authorization": "Bearer "],
                ["Authorization": "Bearer a b"], ["Authorization": ""], ["X-API-Key": ""], ["X-API-Key": "  "],
                // The key that wins is good, but the other header is broken: refused, not ignored.
                ["X-API-Key": fixture.key, "Authorization": "Basic dXNlcjpwYXNz"],
            ] {
                let response = fixture.get(fixture.restaurantPath, headers: headers)
                #expect(response.status == 401, "\(headers)")
                #expect(Self.errorCode(response) == "malformed_credentials", "\(headers)")
                #expect(response.header("WWW-Authenticate") == #"Bearer error="invalid_request""#)
            }
        }
    }

    @Test(arguments: [false, true])
    func unknownKeyIsUnauthorizedWhateverTheSetting(requiresKey: Bool) throws {
        try withMigratedSchema { connection in
            let fixture = try Fixture(connection: connection, requiresKey: requiresKey)
            let response = fixture.get(fixture.restaurantPath, headers: ["Authorization": "Bearer mk_not-a-real-key"])
            #expect(response.status == 401)
            #expect(response.header("WWW-Authenticate") == #"Bearer error="invalid_token""#)
            #expect(text(of: response) == #"{"error":{"code":"invalid_api_key","message":"The API key is not valid"}}"#)
        }
    }

    @Test func anotherRestaurantsKeyIsForbidden() throws {
        try withMigratedSchema { connection in
            let fixture = try Fixture(connection: connection, requiresKey: true)
            for headers in [["Authorization": "Bearer \(fixture.otherKey)"], ["X-API-Key": fixture.otherKey]] {
                let response = fixture.get(fixture.restaurantPath, headers: headers)
                #expect(response.status == 403)
                #expect(
                    text(of: response)
                        == #"{"error":{"code":"forbidden","message":"The API key belongs to another restaurant"}}"#)
            }
        }
    }

    @Test func rightKeyPassesTheRestaurantToTheHandler() throws {
        try withMigratedSchema { connection in
            let fixture = try Fixture(connection: connection, requiresKey: true)
            for headers in [
                ["Authorization": "Bearer \(fixture.key)"], ["Authorization": "bearer \(fixture.key)"],
                ["X-API-Key": fixture.key],
                // X-API-Key wins over Authorization.
                ["X-API-Key": fixture.key, "Authorization": "Bearer \(fixture.otherKey)"],
            ] {
                let response = fixture.get(fixture.restaurantPath, headers: headers)
                #expect(response.status == 200)
                #expect(text(of: response) == fixture.passed)
            }
        }
    }

    /// Unknown restaurant: 404 once the key checks passed, so a key is still checked first.
    @Test func unknownRestaurantIsNotFoundAfterTheKeyChecks() throws {
        try withMigratedSchema { connection in
            let unknown = UUID()
            let path = "/r/\(unknown.uuidString.lowercased())"
            let optional = try Fixture(connection: connection, requiresKey: false)
            let notFound = optional.get(path)
            #expect(notFound.status == 404)
            #expect(
                text(of: notFound)
                    == #"{"error":{"code":"restaurant_not_found","message":"No restaurant has id \#(unknown)"}}"#)
            #expect(optional.get(path, headers: ["X-API-Key": optional.key]).status == 403)
            #expect(optional.get(path, headers: ["X-API-Key": "mk_unknown"]).status == 401)
            let required = try Fixture(connection: connection, requiresKey: true)
            #expect(Self.errorCode(required.get(path)) == "missing_api_key")
        }
    }

    @Test func restaurantIDThatIsNoUUIDIsBadRequestBeforeTheKey() throws {
        try withMigratedSchema { connection in
            let fixture = try Fixture(connection: connection, requiresKey: true)
            let response = fixture.get("/r/not-a-uuid")
            #expect(response.status == 400)
            #expect(
                text(of: response)
                    == #"{"error":{"code":"invalid_restaurant_id","message":"The restaurant id must be a UUID"}}"#)
        }
    }

    /// A task route checks the key against the task's owner, after finding the task (404 before 401, as always).
    @Test func taskRouteChecksTheKeyOfTheTasksOwner() throws {
        try withMigratedSchema { connection in
            let fixture = try Fixture(connection: connection, requiresKey: true)
            let path = "/t/\(fixture.task.uuidString.lowercased())"
            #expect(fixture.get(path, headers: ["X-API-Key": fixture.key]).status == 200)
            #expect(text(of: fixture.get(path, headers: ["X-API-Key": fixture.key])) == fixture.passed)
            #expect(fixture.get(path, headers: ["X-API-Key": fixture.otherKey]).status == 403)
            #expect(Self.errorCode(fixture.get(path, headers: ["X-API-Key": "mk_unknown"])) == "invalid_api_key")
            #expect(Self.errorCode(fixture.get(path)) == "missing_api_key")

            let unknownTask = UUID()
            let missing = fixture.get("/t/\(unknownTask.uuidString)", headers: ["X-API-Key": "mk_unknown"])
            #expect(missing.status == 404)
            #expect(
                text(of: missing) == #"{"error":{"code":"task_not_found","message":"No task has id \#(unknownTask)"}}"#)
            let badID = fixture.get("/t/nope")
            #expect(badID.status == 400)
            #expect(Self.errorCode(badID) == "invalid_task_id")
        }
    }

    /// The key look-up failing is the database's fault: 503, retryable, never a 401.
    @Test func unreachableDatabaseIsServiceUnavailable() throws {
        let closed = PostgresConnection(
            configuration: .init(url: "postgresql://127.0.0.1:1/none", connectTimeout: .seconds(2)),
            logger: Logger(label: "test"))
        let recorder = LogRecorder()
        var router = APIRouter(logger: recorder.makeLogger())
        router.add(
            "GET", "/r/{restaurant_id}",
            middleware: [RestaurantKeyMiddleware(database: closed, requiresKey: true, restaurant: .inPath)]
        ) { _, _ in .json(.object([])) }
        let response = router.respond(
            to: APIRequest(method: "GET", path: "/r/\(UUID())", headers: ["X-API-Key": "mk_any"]), requestID: "r")
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "5")
        #expect(Self.errorCode(response) == "storage_unavailable")
        #expect(
            recorder.lines.contains { $0.metadata["mke.error"]?.description.contains("connection_failed") == true })
    }
}
