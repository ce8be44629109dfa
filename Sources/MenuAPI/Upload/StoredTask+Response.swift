import Foundation
import JSON
import MenuModel
import MenuStorage

extension StoredTask {
    /// `GET /api/v1/b2b/tasks/{task_id}`'s body, and a webhook delivery's: the synchronous upload's fields, with the
    /// task's progress; `results` holds the finished files, in upload order.
    var responseBody: JSONValue {
        .object([
            ("success", .bool(status == .completed && failed == 0)), ("task_id", .string(id.uuidString.lowercased())),
            ("status", .string(status.rawValue)), ("total", .int(total)), ("done", .int(done)),
            ("successful", .int(successful)), ("failed", .int(failed)),
            ("created_at", .string(MetricsFormat.utcTimestamp(createdAt))),
            ("finished_at", finishedAt.map { .string(MetricsFormat.utcTimestamp($0)) } ?? .null),
            ("results", .array(results)),
        ])
    }
}
