import Digest
import Foundation
import JSON
import Logging
public import MenuConfiguration
import MenuModel
import MenuStorage
import OCR
public import Postgres

/// The B2B upload routes: upload menu photos (or PDFs), synchronously or as a job, and read a task back. The
/// restaurant's menu they feed has its own controller (``MenuController``).
///
/// Every route takes the restaurant's key: ``RestaurantKeyMiddleware`` checks it, and that the restaurant exists,
/// before the handler runs. Database failures are answered by ``APIErrorMapper``.
public struct UploadController {
    private let database: PostgresConnection
    private let orchestrator: UploadOrchestrator
    private let limits: Configuration.Uploads
    private let jobs: Configuration.Jobs
    private let isProduction: Bool
    private let unfinishedTasks: UnfinishedTasks?

    /// The multipart field names accepted for files (`files`, as the spec says, and the spellings forms use).
    public static let fileFieldNames: Set<String> = ["files", "files[]", "file"]
    /// How long a request holding an idempotency key may run before the key counts as abandoned (its process
    /// died): longer than nginx lets an upload run (300 s).
    static let idempotencyRunningLimit: Duration = .seconds(900)
    /// The largest file index a task's file route takes: PostgreSQL's `integer`, the column's type.
    static let maxFileIndex = Int(Int32.max)

    /// - Parameter unfinishedTasks: where tasks go whose end could not be stored; nil leaves them to the next start.
    public init(
        database: PostgresConnection, orchestrator: UploadOrchestrator, configuration: Configuration,
        unfinishedTasks: UnfinishedTasks? = nil
    ) {
        self.unfinishedTasks = unfinishedTasks
        self.database = database
        self.orchestrator = orchestrator
        limits = configuration.uploads
        jobs = configuration.jobs
        isProduction = configuration.isProduction
    }

    public func addRoutes(to router: inout APIRouter) {
        let restaurantKey = RestaurantKeyMiddleware(
            database: database, requiresKey: limits.requiresAPIKey, restaurant: .inPath)
        let taskKey = RestaurantKeyMiddleware(
            database: database, requiresKey: limits.requiresAPIKey, restaurant: .ownerOfTask)
        router.add(
            "POST", "/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images", middleware: [restaurantKey], upload)
        router.add("GET", "/api/v1/b2b/tasks/{task_id}", middleware: [taskKey], task)
        router.add("GET", "/api/v1/b2b/tasks/{task_id}/files/{index}", middleware: [taskKey], file)
    }

    /// `POST .../upload-images`: 200 once the batch ran, whatever became of each file; or, asked for with
    /// `Prefer: respond-async` or `?async=true`, 202 as soon as the files are checked and queued.
    ///
    /// With an `Idempotency-Key`, the same request again (same files, names, fields and mode) answers what the first
    /// answered, without running anything; the key with another request is 422, and while the first still runs 409.
    public func upload(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        let restaurant = try restaurant(of: context)
        let upload = try uploadRequest(of: request, restaurant: restaurant)
        guard let key = try Self.idempotencyKey(of: request) else {
            return try run(upload, restaurant: restaurant, context: context, key: nil)
        }
        let keys = PostgresIdempotencyStore(connection: database)
        switch try keys.claim(
            restaurant: restaurant, key: key, requestSHA256: upload.fingerprint,
            timeToLive: jobs.idempotencyKeyLifetime, runningFor: Self.idempotencyRunningLimit)
        {
        case .run:
            break
        case .replay(let status, let body, let task):
            var response = APIResponse(
                status: status, headers: [("Content-Type", APIResponse.jsonContentType)], body: body)
            if status == 202, let task { response.headers += Self.asyncHeaders(task: task) }
            response.headers.append(("Idempotent-Replayed", "true"))
            return response
        case .reused:
            throw APIError(
                status: 422, code: "idempotency_key_reused",
                message: "This Idempotency-Key was already used for a different request")
        case .inProgress:
            throw APIError(
                status: 409, code: "request_in_progress",
                message: "A request with this Idempotency-Key is still running; retry shortly",
                headers: [("Retry-After", "2")])
        }
        do {
            return try run(upload, restaurant: restaurant, context: context, key: key)
        } catch {
            // Nothing was accepted: the client may send the request again with the same key.
            do { try keys.release(restaurant: restaurant, key: key) } catch let releaseError {
                context.logger.warning(
                    "Idempotency key not released", metadata: [LogKey.error: "\(String(reflecting: releaseError))"])
            }
            throw error
        }
    }

    /// What an upload request asks for, checked.
    private struct UploadRequest {
        var files: [UploadedFile]
        var isAsync: Bool
        var callbackURL: String?

        /// SHA-256 over the mode, the callback URL and each file's name and bytes: the same request again, even with
        /// a new multipart boundary. Computed only for a request with an idempotency key (it hashes every file).
        var fingerprint: [UInt8] {
            var text: [UInt8] = Array("\(isAsync ? "async" : "sync")\n\(callbackURL ?? "")\n".utf8)
            for file in files {
                text += Array("\(file.name.utf8.count):\(file.name)".utf8) + SHA256.hash(file.bytes)
            }
            return SHA256.hash(text)
        }
    }

    /// Runs an upload whose idempotency key (if any) is this request's: PDFs become their pages, then the files run
    /// now or are queued; the key's answer is stored with the task.
    private func run(
        _ request: UploadRequest, restaurant: UUID, context: RequestContext, key: String?
    ) throws -> APIResponse {
        var upload = request
        upload.files = try images(of: request.files)
        let taskID = UUID()
        if upload.isAsync {
            return try enqueue(upload, task: taskID, restaurant: restaurant, key: key, context: context)
        }
        return try process(upload, task: taskID, restaurant: restaurant, key: key, context: context)
    }

    /// The synchronous upload: every file runs now, and the answer holds every result.
    private func process(
        _ upload: UploadRequest, task taskID: UUID, restaurant: UUID, key: String?, context: RequestContext
    ) throws -> APIResponse {
        let files = upload.files
        let store = PostgresUploadStore(connection: database)
        try store.createTask(id: taskID, restaurant: restaurant, total: files.count, callbackURL: upload.callbackURL)

        var finished = orchestrator.process(
            files, logger: Self.taskLogger(context, task: taskID, restaurant: restaurant))
        let successful = finished.filter(\.isSuccess).count
        let response: APIResponse
        let status: TaskStatus
        do {
            // The merge into the restaurant's menu is planned first, so the answer can name every item_id; the
            // answer is then stored with the results.
            let plan = try PostgresMenuStore(connection: database).plan(
                of: finished, restaurant: restaurant, minimumConfidence: limits.reviewMinConfidence)
            plan.apply(to: &finished)
            response = APIResponse.json(
                .object([
                    ("success", .bool(successful == finished.count)),
                    ("task_id", .string(taskID.uuidString.lowercased())), ("total", .int(finished.count)),
                    ("successful", .int(successful)), ("failed", .int(finished.count - successful)),
                    ("results", .array(finished.map(\.json))),
                ]))
            status = try store.finishTask(
                id: taskID, restaurant: restaurant, outcomes: finished, plan: plan,
                answer: key.map { .init(restaurant: restaurant, key: $0, status: response.status, body: response.body) }
            )
        } catch {  // The results could not be written: the task must not stay 'processing'.
            context.logger.error(
                "Upload results not stored",
                metadata: ["mke.task": "\(taskID)", LogKey.error: "\(String(reflecting: error))"])
            do {
                try store.failTask(id: taskID)
            } catch {
                // The database is likely gone: the sweeper marks it failed once it is back.
                unfinishedTasks?.add(taskID)
                context.logger.warning(
                    "Upload task not marked failed; it will be once the database is back",
                    metadata: ["mke.task": "\(taskID)", LogKey.error: "\(String(reflecting: error))"])
            }
            // A bug (a row that does not encode, a statement the server always refuses) is a 500: uploading again
            // would fail the same way.
            guard APIErrorMapper.isStorageUnavailable(error) else { throw error }
            throw APIError.storageUnavailable(
                "The results could not be stored; upload again shortly (task \(taskID.uuidString.lowercased()))")
        }
        if limits.keepsUploads { keep(files, of: taskID, context: context) }
        context.logger.info(
            "Upload processed",
            metadata: [
                "mke.task": "\(taskID)", "mke.files": "\(finished.count)", "mke.successful": "\(successful)",
                "mke.task_status": "\(status.rawValue)",
            ])
        return response
    }

    /// The request's logger with the task and restaurant, for the files' OCR lines.
    private static func taskLogger(_ context: RequestContext, task: UUID, restaurant: UUID) -> Logger {
        var logger = context.logger
        logger[metadataKey: LogKey.task] = .string(task.uuidString.lowercased())
        logger[metadataKey: LogKey.restaurant] = .string(restaurant.uuidString.lowercased())
        return logger
    }

    /// Keeps a synchronous upload's images for the review page; a failure is logged (the results are stored).
    private func keep(_ files: [UploadedFile], of task: UUID, context: RequestContext) {
        let images = files.enumerated().compactMap { index, file in
            file.refusal == nil && UploadedImage.sniffedFormat(of: file.bytes) != nil
                ? PostgresJobQueue.QueuedFile(index: index, name: file.name, page: file.page, bytes: file.bytes) : nil
        }
        do {
            try PostgresJobQueue(connection: database).keep(images, of: task)
        } catch {
            context.logger.warning(
                "Upload images not kept",
                metadata: ["mke.task": "\(task)", LogKey.error: "\(String(reflecting: error))"])
        }
    }

    /// The asynchronous upload: files that fail their checks are recorded as failed at once, the others queued with
    /// their bytes for the job workers, all in one transaction.
    private func enqueue(
        _ upload: UploadRequest, task taskID: UUID, restaurant: UUID, key: String?, context: RequestContext
    ) throws -> APIResponse {
        var refused: [FileOutcome] = []
        var queued: [PostgresJobQueue.QueuedFile] = []
        let refusals = orchestrator.refusals(
            of: upload.files, logger: Self.taskLogger(context, task: taskID, restaurant: restaurant))
        for (index, file) in upload.files.enumerated() {
            if let refusal = refusals[index] {
                refused.append(refusal)
            } else {
                queued.append(.init(index: index, name: file.name, page: file.page, bytes: file.bytes))
            }
        }
        let status = PostgresJobQueue.initialStatus(queued: queued.count, refused: refused.count)
        let id = taskID.uuidString.lowercased()
        var response = APIResponse.json(
            .object([
                ("success", true), ("task_id", .string(id)), ("status", .string(status.rawValue)),
                ("total", .int(upload.files.count)), ("status_url", .string("/api/v1/b2b/tasks/\(id)")),
            ]), status: 202)
        try PostgresJobQueue(connection: database).enqueue(
            task: taskID, restaurant: restaurant, callbackURL: upload.callbackURL, files: queued, refused: refused,
            answer: key.map { .init(restaurant: restaurant, key: $0, status: response.status, body: response.body) })
        context.logger.info(
            "Upload queued",
            metadata: [
                "mke.task": "\(taskID)", "mke.files": "\(upload.files.count)", "mke.refused": "\(refused.count)",
            ])
        response.headers += Self.asyncHeaders(task: taskID)
        return response
    }

    /// `GET /api/v1/b2b/tasks/{task_id}/files/{index}`: a file's image as uploaded (a PDF's page as rendered), when
    /// `KEEP_UPLOADS` kept it.
    public func file(_ request: APIRequest, context: RequestContext) throws -> APIResponse {
        guard let task = context.parameter("task_id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.badRequest(code: "invalid_task_id", "The task id must be a UUID")
        }
        // The index is an `integer` column: a larger number is refused here, or PostgreSQL would refuse the bind
        // (SQLSTATE 22003) and the client would get a 500 (found by schemathesis, issue 15).
        guard let index = context.parameter("index").flatMap({ Int($0) }), (0...Self.maxFileIndex).contains(index)
        else {
            throw APIError.badRequest(
                code: "invalid_file_index", "The file index must be an integer from 0 to \(Self.maxFileIndex)")
        }
        guard let bytes = try PostgresJobQueue(connection: database).keptImage(task: task, file: index),
            let format = UploadedImage.sniffedFormat(of: bytes)
        else {
            throw APIError(
                status: 404, code: "file_not_kept",
                message: "The task has no kept image \(index) (images are kept only with KEEP_UPLOADS=1)")
        }
        return APIResponse(
            status: 200,
            headers: [("Content-Type", "image/\(format.rawValue)"), ("Cache-Control", "private, max-age=3600")],
            body: bytes)
    }

    /// `Location` and `Preference-Applied` of a 202.
    private static func asyncHeaders(task: UUID) -> [(name: String, value: String)] {
        [("Location", "/api/v1/b2b/tasks/\(task.uuidString.lowercased())"), ("Preference-Applied", "respond-async")]
    }

    /// `GET /api/v1/b2b/tasks/{task_id}`: the task and the results of its finished files, from the database;
    /// `Retry-After: 2` while it runs.
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
        var response = APIResponse.json(task.responseBody)
        if !task.status.isFinished { response.headers.append(("Retry-After", "2")) }
        return response
    }

    // MARK: - Pieces

    /// The restaurant ``RestaurantKeyMiddleware`` let through.
    private func restaurant(of context: RequestContext) throws -> UUID {
        guard let restaurant = context.restaurant else { throw RouteWithoutKeyMiddleware() }
        return restaurant
    }

    /// A route registered without ``RestaurantKeyMiddleware``: a bug, answered 500.
    private struct RouteWithoutKeyMiddleware: Error {}

    private func uploadRequest(of request: APIRequest, restaurant: UUID) throws -> UploadRequest {
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
        let files = parts.enumerated().map { index, part in
            // The name is only echoed back and stored: control characters (a NUL would make PostgreSQL refuse the
            // whole batch) are dropped, and a name left empty gets a placeholder.
            let name = part.filename?.withoutControlCharacters ?? ""
            return UploadedFile(name: name.isEmpty ? "file\(index + 1)" : name, bytes: Array(part.body))
        }
        let isAsync = try Self.wantsAsync(request)
        let callbackURL = try callbackURL(of: form, restaurant: restaurant)
        return UploadRequest(files: files, isAsync: isAsync, callbackURL: callbackURL)
    }

    /// The images an upload's files make: each PDF's pages, then the others as they are. Pages count against the
    /// files a request may carry, checked on the PDFs' headers before anything is rendered.
    /// - Throws: 400 `too_many_files` when the pages make more than `UPLOAD_MAX_FILES` images.
    private func images(of files: [UploadedFile]) throws(APIError) -> [UploadedFile] {
        guard files.contains(where: { UploadedPDF.isPDF($0.bytes) }) else { return files }
        let count = files.reduce(0) { count, file in
            guard UploadedPDF.isPDF(file.bytes), file.bytes.count <= limits.maxFileBytes,
                let pages = try? UploadedPDF.pageCount(of: file.bytes), pages <= limits.maxPDFPages
            else { return count + 1 }  // a file that fails alone is one entry
            return count + max(1, pages)
        }
        guard count <= limits.maxFiles else {
            throw APIError.badRequest(
                code: "too_many_files",
                "The files make \(count) images (each PDF page counts as one); at most \(limits.maxFiles) per request")
        }
        return files.flatMap(pages)
    }

    /// A PDF becomes its pages, each rendered to an image and read as a file of its own (a page that cannot be
    /// rendered fails alone; a PDF that cannot be opened, or has too many pages, is one failed file); any other
    /// file stays as it is.
    private func pages(of file: UploadedFile) -> [UploadedFile] {
        guard UploadedPDF.isPDF(file.bytes), file.bytes.count <= limits.maxFileBytes else { return [file] }
        do throws(ImageError) {
            let pages = try UploadedPDF.pages(
                of: file.bytes, maxPages: limits.maxPDFPages, maxPixels: limits.maxPixels)
            guard !pages.isEmpty else {
                return [
                    UploadedFile(
                        name: file.name, bytes: [],
                        refusal: ImageError(code: .invalidImage, message: "The PDF has no pages"))
                ]
            }
            return pages.enumerated().map { index, page in
                switch page {
                case .success(let image): UploadedFile(name: file.name, bytes: image, page: index + 1)
                case .failure(let error): UploadedFile(name: file.name, bytes: [], page: index + 1, refusal: error)
                }
            }
        } catch {
            return [UploadedFile(name: file.name, bytes: [], refusal: error)]
        }
    }

    /// `Prefer: respond-async` (RFC 7240: a comma-separated list of preferences, each maybe with parameters) or
    /// `?async=true|false`.
    private static func wantsAsync(_ request: APIRequest) throws(APIError) -> Bool {
        if let value = request.query["async"] {
            switch value.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: throw APIError.badRequest(code: "invalid_async", "async must be true or false")
            }
        }
        guard let prefer = request.header("prefer") else { return false }
        return prefer.split(separator: ",").contains { preference in
            let token = preference.split(separator: ";", maxSplits: 1).first ?? ""
            return token.trimmingCharacters(in: .whitespaces).lowercased() == "respond-async"
        }
    }

    /// `Idempotency-Key`: 1 to 255 visible ASCII characters.
    private static func idempotencyKey(of request: APIRequest) throws(APIError) -> String? {
        guard let key = request.header("idempotency-key") else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.badRequest(
                code: "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        return key
    }

    /// The form's `callback_url`, checked as webhook URLs are; it needs the restaurant's signing secret.
    private func callbackURL(of form: MultipartFormData, restaurant: UUID) throws -> String? {
        guard let part = form.parts(named: ["callback_url"]).first else { return nil }
        let text = String(decoding: part.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        do throws(WebhookURL.Refusal) {
            _ = try WebhookURL(text, isProduction: isProduction)
        } catch {
            throw APIError.badRequest(code: "invalid_callback_url", error.message)
        }
        guard try PostgresWebhookStore(connection: database).hasSecret(restaurant) else {
            throw APIError.badRequest(
                code: "no_webhook_secret",
                "The restaurant has no webhook signing secret yet: set one with `menu-api restaurants set-webhook`")
        }
        return text
    }
}
