import Foundation
import JSON
import MenuStorage

extension StoredTask {
    /// `GET /api/v1/b2b/tasks/{task_id}`'s body: the upload's answer again, its results as stored.
    var responseBody: JSONValue {
        .object([
            ("success", .bool(status == "completed" && failed == 0)), ("task_id", .string(id.uuidString.lowercased())),
            ("status", .string(status)), ("total", .int(total)), ("successful", .int(successful)),
            ("failed", .int(failed)), ("results", .array(results)),
        ])
    }
}
