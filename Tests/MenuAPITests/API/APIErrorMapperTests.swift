import Foundation
import JSON
import Logging
import MenuAPI
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Testing

/// What each kind of failure answers, and that the cause reaches the log (never the client), with real PostgreSQL
/// errors where the kind comes from the server.
struct APIErrorMapperTests {
    /// A router whose one route throws what `failure` throws, logging into `recorder`.
    static func respond(recorder: LogRecorder, _ failure: @escaping () throws -> Void) -> APIResponse {
        var router = APIRouter(logger: recorder.makeLogger())
        router.add(middleware: RequestLoggingMiddleware())
        router.add("GET", "/fail") { _, _ in
            try failure()
            return .json(.null)
        }
        return router.respond(to: APIRequest(method: "GET", path: "/fail"), requestID: "req-7")
    }

    static func expectStorageUnavailable(_ response: APIResponse, recorder: LogRecorder, cause: String) {
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "5")
        #expect(
            text(of: response)
                == #"{"error":{"code":"storage_unavailable","message":"The database is unavailable; try again shortly"}}"#
        )
        let logged = recorder.lines.first { $0.message == "Storage unavailable" }
        #expect(logged?.level == .warning)
        #expect(logged?.metadata["mke.error"]?.description.contains(cause) == true)
        #expect(logged?.metadata["mke.request.id"]?.description == "req-7")
    }

    static func expectInternalError(_ response: APIResponse, recorder: LogRecorder, cause: String) {
        #expect(response.status == 500)
        #expect(response.header("Retry-After") == nil)
        #expect(
            text(of: response)
                == #"{"error":{"code":"internal_error","message":"An unexpected error occurred. Quote request id req-7 when reporting it."}}"#
        )
        #expect(!text(of: response).contains(cause))
        let logged = recorder.lines.first { $0.message == "Unexpected error answering request" }
        #expect(logged?.level == .error)
        #expect(logged?.metadata["mke.error"]?.description.contains(cause) == true)
    }

    @Test func storageErrorIsServiceUnavailableAndLogged() {
        let recorder = LogRecorder()
        let response = Self.respond(recorder: recorder) { throw StorageError("RETURNING gave no row") }
        Self.expectStorageUnavailable(response, recorder: recorder, cause: "RETURNING gave no row")
    }

    @Test func unreachableDatabaseIsServiceUnavailableAndLogged() {
        let recorder = LogRecorder()
        let closed = PostgresConnection(
            configuration: .init(url: "postgresql://127.0.0.1:1/none", connectTimeout: .seconds(2)),
            logger: Logger(label: "test"))
        let response = Self.respond(recorder: recorder) { try closed.query("SELECT 1") }
        Self.expectStorageUnavailable(response, recorder: recorder, cause: "connection_failed")
    }

    /// A statement timeout (SQLSTATE 57014) passes: a retry may succeed.
    @Test func statementTimeoutIsServiceUnavailable() throws {
        let recorder = LogRecorder()
        try withMigratedSchema { connection in
            try connection.query(PostgresQuery(unsafeSQL: "SET statement_timeout = 50"))
            let response = Self.respond(recorder: recorder) { try connection.query("SELECT pg_sleep(1)") }
            Self.expectStorageUnavailable(response, recorder: recorder, cause: "57014")
        }
    }

    /// A column that does not decode is a bug: 500, never a retryable 503.
    @Test func decodingErrorIsInternalErrorAndLogged() throws {
        let recorder = LogRecorder()
        try withMigratedSchema { connection in
            let response = Self.respond(recorder: recorder) {
                _ = try connection.query("SELECT 'menu' AS name").first?.decode(Int.self, column: "name")
            }
            Self.expectInternalError(response, recorder: recorder, cause: "cannot decode column 'name'")
        }
    }

    /// A statement the server always refuses (a missing table, SQLSTATE 42P01) is a bug too.
    @Test func refusedStatementIsInternalError() throws {
        let recorder = LogRecorder()
        try withMigratedSchema { connection in
            let response = Self.respond(recorder: recorder) { try connection.query("SELECT * FROM no_such_table") }
            Self.expectInternalError(response, recorder: recorder, cause: "42P01")
        }
    }

    @Test func apiErrorIsAnsweredAsItIsAndNotLoggedAsACause() {
        let recorder = LogRecorder()
        let response = Self.respond(recorder: recorder) {
            throw APIError(status: 409, code: "conflict", message: "Already there")
        }
        #expect(response.status == 409)
        #expect(text(of: response) == #"{"error":{"code":"conflict","message":"Already there"}}"#)
        #expect(recorder.lines.allSatisfy { $0.level < .warning })
    }

    /// The request log sees the mapped status, also for an error a route's middleware throws.
    @Test func requestLogSeesTheMappedStatus() {
        struct Failing: APIMiddleware {
            func handle(
                _ request: APIRequest, context: RequestContext, next: (APIRequest, RequestContext) throws -> APIResponse
            ) throws -> APIResponse {
                throw StorageError("down")
            }
        }
        let recorder = LogRecorder()
        var router = APIRouter(logger: recorder.makeLogger())
        router.add(middleware: RequestLoggingMiddleware())
        router.add("GET", "/guarded", middleware: [Failing()]) { _, _ in .json(.null) }
        let response = router.respond(to: APIRequest(method: "GET", path: "/guarded"), requestID: "r")
        #expect(response.status == 503)
        let failed = recorder.lines.first { $0.message == "Request failed" }
        #expect(failed?.metadata["mke.response.status"]?.description == "503")
    }
}
