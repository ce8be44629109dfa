public import Foundation
public import JSON
import MenuModel
import OCR
public import Postgres

/// Upload tasks, their per-file results, the extracted menu items and the OCR events, in PostgreSQL.
///
/// A synchronous task is inserted as `processing` before any file is read, and finished in one transaction with
/// every result, item and event: a reader sees all of its results or none. A task a crash left `processing` is
/// marked `interrupted` at the next start. Asynchronous tasks go through ``PostgresJobQueue``, file by file.
public struct PostgresUploadStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// - Note: Every method blocks the calling thread until PostgreSQL answers.
    /// `callbackURL` is the upload's own webhook URL, if it named one.
    public func createTask(id: UUID, restaurant: UUID, total: Int, callbackURL: String? = nil) throws {
        try connection.query(
            """
            INSERT INTO upload_tasks (id, restaurant_id, status, total, callback_url, owner_pid, owner_backend_start)
            SELECT \(id), \(restaurant), 'processing', \(total), \(callbackURL), pid, backend_start
            FROM pg_stat_get_activity(pg_backend_pid())
            """)
    }

    /// Writes every outcome, its items and its event, ends the task, queues its webhook delivery when it has one,
    /// and stores the idempotency key's `answer`: one statement, so all of it or none, in one round trip (a cache
    /// hit's upload spent seven on this before).
    /// - Returns: the task's final status: `failed` when no file succeeded, else `completed`.
    @discardableResult
    public func finishTask(
        id: UUID, restaurant: UUID, outcomes: [FileOutcome], plan: MenuMergePlan = MenuMergePlan(),
        answer: PostgresIdempotencyStore.Answer? = nil
    ) throws -> TaskStatus {
        let successful = outcomes.filter(\.isSuccess).count
        let status = TaskStatus.finished(successful: successful, total: outcomes.count)
        let binds: [PostgresData] =
            [id.postgresData, restaurant.postgresData] + UploadRows(outcomes, plan: plan).binds + [
                status.rawValue.postgresData, successful.postgresData, (outcomes.count - successful).postgresData,
                PostgresWebhookStore.event(for: status).postgresData, (answer != nil).postgresData,
                (answer?.key).postgresData, (answer?.status).postgresData,
                answer.map { String(decoding: $0.body, as: UTF8.self) }.postgresData,
            ]
        try connection.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH \(UploadRows.insertingCTEs),
                    task AS (
                        UPDATE upload_tasks SET status = $8, successful = $9, failed = $10, completed_at = now()
                        WHERE id = $1 RETURNING id),
                    \(PostgresWebhookStore.deliveryCTE(task: "task", event: "$11")),
                    answer AS (
                        UPDATE idempotency_keys SET state = 'done', response_status = $14, response_body = $15,
                            task_id = $1
                        WHERE $12::boolean AND restaurant_id = $2 AND key = $13
                        RETURNING 1)
                    SELECT (SELECT pg_notify('\(PostgresJobQueue.channel)', 'webhook') FROM delivery LIMIT 1) AS woken,
                        (SELECT count(*) FROM results) AS results
                    """, binds: binds))
        return status
    }

    /// Finished files' result rows, their items and their metrics events, in one statement: what every finished
    /// file writes, synchronous or not. Call it inside the transaction that also counts them into their task.
    package func insertResults(
        of outcomes: [FileOutcome], task id: UUID, restaurant: UUID, plan: MenuMergePlan = MenuMergePlan()
    ) throws {
        guard !outcomes.isEmpty else { return }
        try connection.query(
            PostgresQuery(
                unsafeSQL: "WITH \(UploadRows.insertingCTEs) SELECT (SELECT count(*) FROM results) AS results",
                binds: [id.postgresData, restaurant.postgresData] + UploadRows(outcomes, plan: plan).binds))
    }

    /// Ends a task whose results could not be written as `failed`, with no results.
    public func failTask(id: UUID) throws {
        try connection.query(
            "UPDATE upload_tasks SET status = 'failed', completed_at = now() WHERE id = \(id) AND status = 'processing'"
        )
    }

    /// Marks `interrupted` the synchronous tasks still `processing` whose worker's database session is gone (its
    /// process died); tasks of live processes, this host's or another's, are left alone, and so are asynchronous
    /// tasks, which the job workers finish whoever made them. Returns how many were marked.
    @discardableResult
    public func markInterruptedTasks() throws -> Int {
        try connection.query(
            """
            UPDATE upload_tasks t SET status = 'interrupted', completed_at = now()
            WHERE t.status = 'processing' AND NOT t.is_async AND NOT EXISTS (
                SELECT 1 FROM pg_stat_activity a WHERE a.pid = t.owner_pid AND a.backend_start = t.owner_backend_start)
            RETURNING 1
            """
        ).count
    }

    /// The restaurant that owns task `id`, or nil when there is no such task: what a key is checked against
    /// before the task is read.
    /// - Note: Blocks the calling thread until PostgreSQL answers.
    public func restaurant(ofTask id: UUID) throws -> UUID? {
        try connection.query("SELECT restaurant_id FROM upload_tasks WHERE id = \(id)").first?.decode(
            UUID.self, column: "restaurant_id")
    }

    /// A task and its finished files' results, or nil when no task has this id.
    public func task(_ id: UUID) throws -> StoredTask? {
        let tasks = try connection.query(
            """
            SELECT restaurant_id, status, is_async, total, successful, failed, created_at, completed_at
            FROM upload_tasks WHERE id = \(id)
            """)
        guard let task = tasks.first else { return nil }
        let results = try connection.query(
            "SELECT body::text AS body FROM upload_results WHERE task_id = \(id) ORDER BY file_index")
        let statusText = try task.decode(String.self, column: "status")
        guard let status = TaskStatus(rawValue: statusText) else {
            throw StorageError("upload_tasks.status '\(statusText)' is no task status")
        }
        return StoredTask(
            id: id, restaurant: try task.decode(UUID.self, column: "restaurant_id"), status: status,
            isAsync: try task.decode(Bool.self, column: "is_async"), total: try task.decode(Int.self, column: "total"),
            successful: try task.decode(Int.self, column: "successful"),
            failed: try task.decode(Int.self, column: "failed"),
            createdAt: try task.decode(Date.self, column: "created_at"),
            finishedAt: try task.decode(Date?.self, column: "completed_at"),
            results: try results.map { try JSONParser.parse(try $0.decode(String.self, column: "body")) })
    }
}
