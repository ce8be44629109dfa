import Foundation
import JSON
import Logging
public import MenuConfiguration
import MenuModel
import MenuStorage
public import Postgres

/// The B2B routes restaurants use: upload menu photos, read a task back, list the extracted items.
///
/// Keys: `Authorization: Bearer <key>` or `X-API-Key: <key>`. When keys are required (production, or
/// `B2B_AUTH=required`) a request without one gets 401; a key given is always checked, whatever the setting: an
/// unknown key is 401 and another restaurant's key 403.
public struct UploadController {
    private let database: PostgresConnection
    private let orchestrator: UploadOrchestrator
    private let limits: Configuration.Uploads

    /// The multipart field names accepted for files (`files`, as the spec says, and the spellings forms use).
    public static let fileFieldNames: Set<String> = ["files", "files[]", "file"]

    public init(database: PostgresConnection, orchestrator: UploadOrchestrator, limits: Configuration.Uploads) {
        self.database = database
        self.orchestrator = orchestrator
        self.limits = limits
    }

    public func addRoutes(to router: inout APIRouter) {
        router.add("POST", "/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images", upload)
        router.add("GET", "/api/v1/b2b/restaurants/{restaurant_id}/menus", menus)
        router.add("GET", "/api/v1/b2b/tasks/{task_id}", task)
    }

    /// `POST .../upload-images`: 200 once the batch ran, whatever became of each file.
    public func upload(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurantID(context)
        try authorize(request, for: restaurant)
        guard try storage({ try PostgresRestaurantStore(connection: database).exists(restaurant) }) else {
            throw APIError(status: 404, code: "restaurant_not_found", message: "No restaurant has id \(restaurant)")
        }
        let files = try uploadedFiles(of: request)

        let taskID = UUID()
        let store = PostgresUploadStore(connection: database)
        try storage { try store.createTask(id: taskID, restaurant: restaurant, total: files.count) }

        let finished = orchestrator.process(files, logger: context.logger)
        let status: String
        do {
            status = try store.finishTask(id: taskID, restaurant: restaurant, outcomes: finished)
        } catch {
            // The results could not be written: the task must not stay 'processing'.
            context.logger.error(
                "Upload results not stored",
                metadata: ["mke.task": "\(taskID)", LogKey.error: "\(String(reflecting: error))"])
            _ = try? store.failTask(id: taskID)
            throw APIError.storageUnavailable(
                "The results could not be stored; upload again shortly (task \(taskID.uuidString.lowercased()))")
        }
        let successful = finished.filter(\.isSuccess).count
        context.logger.info(
            "Upload processed",
            metadata: [
                "mke.task": "\(taskID)", "mke.files": "\(finished.count)", "mke.successful": "\(successful)",
                "mke.task_status": "\(status)",
            ])
        return .json(
            .object([
                ("success", .bool(successful == finished.count)), ("task_id", .string(taskID.uuidString.lowercased())),
                ("total", .int(finished.count)), ("successful", .int(successful)),
                ("failed", .int(finished.count - successful)), ("results", .array(finished.map(\.json))),
            ]))
    }

    /// `GET /api/v1/b2b/tasks/{task_id}`: the upload's body, from the database.
    public func task(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        guard let id = context.parameter("task_id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.badRequest(code: "invalid_task_id", "The task id must be a UUID")
        }
        let store = PostgresUploadStore(connection: database)
        guard let task = try storage({ try store.task(id) }) else {
            throw APIError(status: 404, code: "task_not_found", message: "No task has id \(id)")
        }
        try authorize(request, for: task.restaurant)
        return .json(task.body)
    }

    /// `GET .../menus?limit=50&offset=0`: the restaurant's extracted items, newest first.
    public func menus(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurantID(context)
        try authorize(request, for: restaurant)
        guard try storage({ try PostgresRestaurantStore(connection: database).exists(restaurant) }) else {
            throw APIError(status: 404, code: "restaurant_not_found", message: "No restaurant has id \(restaurant)")
        }
        let limit = try Self.integer(request.query["limit"], name: "limit", default: 50, range: 1...500)
        let offset = try Self.integer(request.query["offset"], name: "offset", default: 0, range: 0...10_000_000)
        let page = try storage {
            try PostgresUploadStore(connection: database).menuItems(of: restaurant, limit: limit, offset: offset)
        }
        let nextOffset: JSONValue = offset + page.items.count < page.total ? .int(offset + page.items.count) : .null
        return .json(
            .object([
                ("restaurant_id", .string(restaurant.uuidString.lowercased())), ("total", .int(page.total)),
                ("limit", .int(limit)), ("offset", .int(offset)), ("next_offset", nextOffset),
                ("items", .array(page.items)),
            ]))
    }

    // MARK: - Pieces

    private func restaurantID(_ context: RequestContext) throws(APIError) -> UUID {
        guard let id = context.parameter("restaurant_id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.badRequest(code: "invalid_restaurant_id", "The restaurant id must be a UUID")
        }
        return id
    }

    /// The key's checks, in the order a client fixes them: no key, unknown key, someone else's key.
    private func authorize(_ request: APIRequest, for restaurant: UUID) throws {
        let key = request.header("x-api-key") ?? request.bearerToken
        guard let key, !key.isEmpty else {
            guard !limits.requiresAPIKey else {
                throw APIError(
                    status: 401, code: "missing_api_key",
                    message: "Send the restaurant's API key as 'Authorization: Bearer <key>'",
                    headers: [("WWW-Authenticate", "Bearer")])
            }
            return
        }
        guard let owner = try storage({ try PostgresRestaurantStore(connection: database).restaurant(forKey: key) })
        else {
            throw APIError(
                status: 401, code: "invalid_api_key", message: "The API key is not valid",
                headers: [("WWW-Authenticate", "Bearer error=\"invalid_token\"")])
        }
        guard owner == restaurant else {
            throw APIError(status: 403, code: "forbidden", message: "The API key belongs to another restaurant")
        }
    }

    private func uploadedFiles(of request: APIRequest) throws -> [UploadedFile] {
        guard let contentType = request.header("content-type") else {
            throw APIError.badRequest(
                code: "invalid_content_type", "Send the images as multipart/form-data with a 'files' field")
        }
        let form: MultipartFormData
        do {
            let boundary = try MultipartFormData.boundary(fromContentType: contentType)
            form = try MultipartFormData(body: request.body, boundary: boundary, maxParts: limits.maxFiles * 4 + 16)
        } catch {
            throw APIError.badRequest(code: "\(error.code)", error.message)
        }
        let parts = form.parts(named: Self.fileFieldNames)
        guard !parts.isEmpty else {
            throw APIError.badRequest(code: "no_files", "The form has no file in a 'files' field")
        }
        guard parts.count <= limits.maxFiles else {
            throw APIError.badRequest(
                code: "too_many_files", "\(parts.count) files were sent; at most \(limits.maxFiles) per request")
        }
        return parts.enumerated().map { index, part in
            // The name is only echoed back and stored: control characters (a NUL would make PostgreSQL refuse the
            // whole batch) are dropped, and a name left empty gets a placeholder.
            let name = part.filename?.withoutControlCharacters ?? ""
            return UploadedFile(name: name.isEmpty ? "file\(index + 1)" : name, bytes: Array(part.body))
        }
    }

    private static func integer(
        _ text: String?, name: String, default value: Int, range: ClosedRange<Int>
    ) throws(APIError) -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.badRequest(
                code: "invalid_\(name)", "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Database failures become 503 (the client may retry); the details go to the log, not the client.
    private func storage<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.storageUnavailable
        }
    }
}
