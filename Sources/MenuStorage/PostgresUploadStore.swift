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
            FROM pg_stat_activity WHERE pid = pg_backend_pid()
            """)
    }

    /// Writes every outcome, its items and its event, and ends the task, in one transaction; when the task has a
    /// webhook, its delivery is queued in the same transaction, and so is the idempotency key's `answer`.
    /// - Returns: the task's final status: `failed` when no file succeeded, else `completed`.
    @discardableResult
    public func finishTask(
        id: UUID, restaurant: UUID, outcomes: [FileOutcome], answer: PostgresIdempotencyStore.Answer? = nil
    ) throws -> TaskStatus {
        let successful = outcomes.filter(\.isSuccess).count
        let status = TaskStatus.finished(successful: successful, total: outcomes.count)
        try connection.withTransaction {
            for outcome in outcomes {
                try insertResult(of: outcome, task: id, restaurant: restaurant)
            }
            try connection.query(
                """
                UPDATE upload_tasks SET status = \(status.rawValue), successful = \(successful),
                    failed = \(outcomes.count - successful), completed_at = now()
                WHERE id = \(id)
                """)
            try PostgresWebhookStore(connection: connection).enqueueDelivery(task: id, status: status)
            if let answer { try PostgresIdempotencyStore(connection: connection).complete(answer, task: id) }
        }
        return status
    }

    /// One file's result row, its items and its metrics event: what every finished file writes, synchronous or
    /// not. Call it inside a transaction.
    package func insertResult(of outcome: FileOutcome, task id: UUID, restaurant: UUID) throws {
        try connection.query(
            """
            INSERT INTO upload_results (task_id, file_index, file_name, status, image_sha256, body)
            VALUES (\(id), \(outcome.index), \(outcome.fileName), \(outcome.isSuccess ? "success" : "failed"),
                    \(outcome.imageSHA256), \(outcome.json.encodedString)::jsonb)
            """)
        if !outcome.items.isEmpty { try insertItems(of: outcome, task: id, restaurant: restaurant) }
        try recordEvent(for: outcome, task: id, restaurant: restaurant)
    }

    /// A file's items in one statement (one round trip, not one per item): the rows travel as a JSON array that
    /// `jsonb_to_recordset` turns back into columns. Doubles are written in their shortest exact form, so
    /// confidences arrive as they were.
    private func insertItems(of outcome: FileOutcome, task: UUID, restaurant: UUID) throws {
        let rows = JSONValue.array(
            outcome.items.enumerated().map { position, item in
                .object([
                    ("position", .int(position)), ("name_ko", .string(item.nameKorean)),
                    ("name_en", item.nameEnglish.map(JSONValue.string) ?? .null),
                    ("description", item.description.map(JSONValue.string) ?? .null),
                    ("category", item.category.map(JSONValue.string) ?? .null),
                    ("prices", .array(item.prices.map(\.json))), ("market_price", .bool(item.isMarketPrice)),
                    ("is_set", .bool(item.isSet)), ("confidence", .double(item.confidence)),
                ])
            })
        try connection.query(
            """
            INSERT INTO menu_items (restaurant_id, task_id, file_index, position, name_ko, name_en, description,
                category, prices, market_price, is_set, confidence, provider)
            SELECT \(restaurant), \(task), \(outcome.index), item.position, item.name_ko, item.name_en,
                item.description, item.category, item.prices, item.market_price, item.is_set, item.confidence,
                \(outcome.result?.provider ?? "unknown")
            FROM jsonb_to_recordset(\(rows.encodedString)::jsonb) AS item(position integer, name_ko text,
                name_en text, description text, category text, prices jsonb, market_price boolean, is_set boolean,
                confidence double precision)
            ORDER BY item.position
            """)
    }

    /// One metrics row per processed file (see the metrics route for how they are read).
    private func recordEvent(for outcome: FileOutcome, task: UUID, restaurant: UUID) throws {
        let result = outcome.result
        let routed = outcome.routed
        let codes = result?.fallbackCodes.map(\.rawValue) ?? []
        let priceCount = outcome.items.reduce(0) { $0 + $1.prices.count }
        let priceErrorCount = outcome.items.reduce(0) { $0 + $1.priceErrors.count }
        let priceErrorItemCount = outcome.items.filter { !$0.priceErrors.isEmpty }.count
        // Handwriting any tier saw counts, even when a later tier (which cannot tell) gave the final result.
        let hasHandwriting =
            routed?.attempts.contains { $0.result.hasHandwriting } ?? result?.hasHandwriting ?? false
        let attempts = JSONValue.array(routed?.attempts.map(\.json) ?? [])
        let errorKind: String? = outcome.errorCode?.rawValue
        try connection.query(
            """
            INSERT INTO ocr_events (restaurant_id, task_id, file_index, image_sha256, cached, is_run, provider, tier, attempts,
                fallback_triggered, fallback_codes, has_handwriting, item_count, price_count, price_error_count,
                price_error_item_count, confidence, processing_ms, status, error_kind, prompt_tokens, completion_tokens, estimated_cost_usd)
            VALUES (\(restaurant), \(task), \(outcome.index), \(outcome.imageSHA256), \(outcome.cached),
                \(!outcome.cached && !(routed?.attempts.isEmpty ?? true)),
                \(result?.provider ?? routed?.result.provider), \(result?.tier),
                \(attempts.encodedString)::jsonb, \(result?.fallbackTriggered ?? (routed?.fallbackTriggered ?? false)),
                string_to_array(\(codes.joined(separator: ",")), ','), \(hasHandwriting),
                \(outcome.items.count), \(priceCount), \(priceErrorCount), \(priceErrorItemCount),
                \(result?.confidence),
                \(outcome.processingTime.milliseconds), \(outcome.isSuccess ? "success" : "failed"), \(errorKind),
                \(outcome.cached ? 0 : routed?.promptTokens ?? 0), \(outcome.cached ? 0 : routed?.completionTokens ?? 0),
                \(outcome.cached ? 0 : routed?.estimatedCostUSD ?? 0))
            """)
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

    /// A page of a restaurant's items, newest first, and how many it has in all.
    public func menuItems(of restaurant: UUID, limit: Int, offset: Int) throws -> (items: [StoredMenuItem], total: Int)
    {
        let rows = try connection.query(
            """
            SELECT id, task_id, file_index, name_ko, name_en, description, category, prices::text AS prices,
                market_price, is_set, confidence, provider, created_at, count(*) OVER () AS total
            FROM menu_items WHERE restaurant_id = \(restaurant)
            ORDER BY id DESC LIMIT \(limit) OFFSET \(offset)
            """)
        var total = 0
        var items: [StoredMenuItem] = []
        for row in rows {
            total = try row.decode(Int.self, column: "total")
            let prices: [MenuPrice]
            do {
                prices = try JSONDecoder().decode(
                    [MenuPrice].self, from: Data(try row.decode(String.self, column: "prices").utf8))
            } catch {
                throw StorageError("menu_items.prices is no list of prices: \(error)")
            }
            items.append(
                StoredMenuItem(
                    id: try row.decode(Int.self, column: "id"), taskID: try row.decode(UUID.self, column: "task_id"),
                    fileIndex: try row.decode(Int.self, column: "file_index"),
                    item: MenuItem(
                        nameKorean: try row.decode(String.self, column: "name_ko"),
                        nameEnglish: try row.decode(String?.self, column: "name_en"),
                        description: try row.decode(String?.self, column: "description"),
                        category: try row.decode(String?.self, column: "category"), prices: prices,
                        isMarketPrice: try row.decode(Bool.self, column: "market_price"),
                        isSet: try row.decode(Bool.self, column: "is_set"),
                        confidence: try row.decode(Double.self, column: "confidence")),
                    provider: try row.decode(String.self, column: "provider"),
                    createdAt: try row.decode(Date.self, column: "created_at")))
        }
        if rows.isEmpty, offset > 0 {
            total =
                try connection.query("SELECT count(*) AS n FROM menu_items WHERE restaurant_id = \(restaurant)")
                .first?.decode(Int.self, column: "n") ?? 0
        }
        return (items, total)
    }
}
