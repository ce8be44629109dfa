import Foundation
import JSON
import Logging
public import MenuConfiguration
import MenuModel
import MenuStorage
public import Postgres

/// The B2B routes restaurants use: upload menu photos, read a task back, list the extracted items.
///
/// Every route takes the restaurant's key: ``RestaurantKeyMiddleware`` checks it, and that the restaurant exists,
/// before the handler runs. Database failures are answered by ``APIErrorMapper``.
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
        let restaurantKey = RestaurantKeyMiddleware(
            database: database, requiresKey: limits.requiresAPIKey, restaurant: .inPath)
        let taskKey = RestaurantKeyMiddleware(
            database: database, requiresKey: limits.requiresAPIKey, restaurant: .ownerOfTask)
        router.add(
            "POST", "/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images", middleware: [restaurantKey], upload)
        router.add("GET", "/api/v1/b2b/restaurants/{restaurant_id}/menus", middleware: [restaurantKey], menus)
        router.add("GET", "/api/v1/b2b/tasks/{task_id}", middleware: [taskKey], task)
    }

    /// `POST .../upload-images`: 200 once the batch ran, whatever became of each file.
    public func upload(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        let files = try uploadedFiles(of: request)

        let taskID = UUID()
        let store = PostgresUploadStore(connection: database)
        try store.createTask(id: taskID, restaurant: restaurant, total: files.count)

        let finished = orchestrator.process(files, logger: context.logger)
        let status: String
        do {
            status = try store.finishTask(id: taskID, restaurant: restaurant, outcomes: finished)
        } catch {
            // The results could not be written: the task must not stay 'processing'.
            context.logger.error(
                "Upload results not stored",
                metadata: ["mke.task": "\(taskID)", LogKey.error: "\(String(reflecting: error))"])
            do {
                try store.failTask(id: taskID)
            } catch {
                // The connection is likely gone too; the task stays 'processing' until this process ends and the
                // next start marks it interrupted.
                context.logger.warning(
                    "Upload task not marked failed",
                    metadata: ["mke.task": "\(taskID)", LogKey.error: "\(String(reflecting: error))"])
            }
            // A bug (a row that does not encode, a statement the server always refuses) is a 500: uploading again
            // would fail the same way.
            guard APIErrorMapper.isStorageUnavailable(error) else { throw error }
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
        // RestaurantKeyMiddleware found the task and checked its owner's key: it is gone only if it was deleted
        // in between.
        guard let task = try store.task(id) else {
            throw APIError(status: 404, code: "task_not_found", message: "No task has id \(id)")
        }
        return .json(task.responseBody)
    }

    /// `GET .../menus?limit=50&offset=0`: the restaurant's extracted items, newest first.
    public func menus(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        let limit = try Self.integer(request.query["limit"], name: "limit", default: 50, range: 1...500)
        let offset = try Self.integer(request.query["offset"], name: "offset", default: 0, range: 0...10_000_000)
        let page = try PostgresUploadStore(connection: database).menuItems(of: restaurant, limit: limit, offset: offset)
        let nextOffset: JSONValue = offset + page.items.count < page.total ? .int(offset + page.items.count) : .null
        return .json(
            .object([
                ("restaurant_id", .string(restaurant.uuidString.lowercased())), ("total", .int(page.total)),
                ("limit", .int(limit)), ("offset", .int(offset)), ("next_offset", nextOffset),
                ("items", .array(page.items.map(\.responseBody))),
            ]))
    }

    // MARK: - Pieces

    /// The restaurant ``RestaurantKeyMiddleware`` let through.
    private func restaurant(of context: RequestContext) throws -> UUID {
        guard let restaurant = context.restaurant else { throw RouteWithoutKeyMiddleware() }
        return restaurant
    }

    /// A route registered without ``RestaurantKeyMiddleware``: a bug, answered 500.
    private struct RouteWithoutKeyMiddleware: Error {}

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
}
