public import Foundation
public import JSON
import MenuModel
import OCR
public import Postgres

/// Upload tasks, their per-file results, the extracted menu items and the OCR events, in PostgreSQL.
///
/// A task is inserted as `processing` before any file is read, and finished in one transaction with every result,
/// item and event: a reader sees all of a task's results or none. A task a crash left `processing` is marked
/// `interrupted` at the next start.
public struct PostgresUploadStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// - Note: Every method blocks the calling thread until PostgreSQL answers.
    public func createTask(id: UUID, restaurant: UUID, total: Int) throws {
        try connection.query(
            """
            INSERT INTO upload_tasks (id, restaurant_id, status, total, owner_pid, owner_backend_start)
            SELECT \(id), \(restaurant), 'processing', \(total), pid, backend_start
            FROM pg_stat_activity WHERE pid = pg_backend_pid()
            """)
    }

    /// Writes every outcome, its items and its event, and ends the task, in one transaction.
    /// - Returns: the task's final status: `failed` when no file succeeded, else `completed`.
    @discardableResult
    public func finishTask(id: UUID, restaurant: UUID, outcomes: [FileOutcome]) throws -> String {
        let successful = outcomes.filter(\.isSuccess).count
        let status = successful == 0 && !outcomes.isEmpty ? "failed" : "completed"
        try connection.withTransaction {
            for outcome in outcomes {
                try connection.query(
                    """
                    INSERT INTO upload_results (task_id, file_index, file_name, status, image_sha256, body)
                    VALUES (\(id), \(outcome.index), \(outcome.fileName), \(outcome.isSuccess ? "success" : "failed"),
                            \(outcome.imageSHA256), \(outcome.json.encodedString)::jsonb)
                    """)
                let provider = outcome.result?.provider ?? "unknown"
                for (position, item) in outcome.items.enumerated() {
                    try connection.query(
                        """
                        INSERT INTO menu_items (restaurant_id, task_id, file_index, position, name_ko, name_en,
                            description, category, prices, market_price, is_set, confidence, provider)
                        VALUES (\(restaurant), \(id), \(outcome.index), \(position), \(item.nameKorean),
                            \(item.nameEnglish), \(item.description), \(item.category),
                            \(JSONValue.array(item.prices.map(\.json)).encodedString)::jsonb, \(item.isMarketPrice),
                            \(item.isSet), \(item.confidence), \(provider))
                        """)
                }
                try recordEvent(for: outcome, task: id, restaurant: restaurant)
            }
            try connection.query(
                """
                UPDATE upload_tasks SET status = \(status), successful = \(successful),
                    failed = \(outcomes.count - successful), completed_at = now()
                WHERE id = \(id)
                """)
        }
        return status
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
            INSERT INTO ocr_events (restaurant_id, task_id, image_sha256, cached, is_run, provider, tier, attempts,
                fallback_triggered, fallback_codes, has_handwriting, item_count, price_count, price_error_count,
                price_error_item_count, confidence, processing_ms, status, error_kind, prompt_tokens, completion_tokens, estimated_cost_usd)
            VALUES (\(restaurant), \(task), \(outcome.imageSHA256), \(outcome.cached),
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

    /// Marks `interrupted` the tasks still `processing` whose worker's database session is gone (its process
    /// died); tasks of live processes, this host's or another's, are left alone. Returns how many were marked.
    @discardableResult
    public func markInterruptedTasks() throws -> Int {
        try connection.query(
            """
            UPDATE upload_tasks t SET status = 'interrupted', completed_at = now()
            WHERE t.status = 'processing' AND NOT EXISTS (
                SELECT 1 FROM pg_stat_activity a WHERE a.pid = t.owner_pid AND a.backend_start = t.owner_backend_start)
            RETURNING 1
            """
        ).count
    }

    /// A stored task, as the upload response showed it.
    public struct StoredTask: Sendable {
        public var restaurant: UUID
        public var status: String
        public var body: JSONValue
    }

    /// The restaurant that owns task `id`, or nil when there is no such task: what a key is checked against
    /// before the task is read.
    /// - Note: Blocks the calling thread until PostgreSQL answers.
    public func restaurant(ofTask id: UUID) throws -> UUID? {
        try connection.query("SELECT restaurant_id FROM upload_tasks WHERE id = \(id)").first?.decode(
            UUID.self, column: "restaurant_id")
    }

    public func task(_ id: UUID) throws -> StoredTask? {
        let tasks = try connection.query(
            "SELECT restaurant_id, status, total, successful, failed FROM upload_tasks WHERE id = \(id)")
        guard let task = tasks.first else { return nil }
        let results = try connection.query(
            "SELECT body::text AS body FROM upload_results WHERE task_id = \(id) ORDER BY file_index")
        let bodies = try results.map { try JSONParser.parse(try $0.decode(String.self, column: "body")) }
        let status = try task.decode(String.self, column: "status")
        let failed = try task.decode(Int.self, column: "failed")
        let body = JSONValue.object([
            ("success", .bool(status == "completed" && failed == 0)), ("task_id", .string(id.uuidString.lowercased())),
            ("status", .string(status)), ("total", .int(try task.decode(Int.self, column: "total"))),
            ("successful", .int(try task.decode(Int.self, column: "successful"))), ("failed", .int(failed)),
            ("results", .array(bodies)),
        ])
        return StoredTask(restaurant: try task.decode(UUID.self, column: "restaurant_id"), status: status, body: body)
    }

    /// A restaurant's items, newest first.
    public func menuItems(of restaurant: UUID, limit: Int, offset: Int) throws -> (items: [JSONValue], total: Int) {
        let rows = try connection.query(
            """
            SELECT id, task_id, file_index, name_ko, name_en, description, category, prices::text AS prices,
                market_price, is_set, confidence, provider, created_at, count(*) OVER () AS total
            FROM menu_items WHERE restaurant_id = \(restaurant)
            ORDER BY id DESC LIMIT \(limit) OFFSET \(offset)
            """)
        var total = 0
        var items: [JSONValue] = []
        for row in rows {
            total = try row.decode(Int.self, column: "total")
            let created = try row.decode(Date.self, column: "created_at")
            items.append(
                .object([
                    ("id", .int(try row.decode(Int.self, column: "id"))),
                    ("name_ko", .string(try row.decode(String.self, column: "name_ko"))),
                    ("name_en", (try row.decode(String?.self, column: "name_en")).map(JSONValue.string) ?? .null),
                    (
                        "description",
                        (try row.decode(String?.self, column: "description")).map(JSONValue.string) ?? .null
                    ),
                    ("category", (try row.decode(String?.self, column: "category")).map(JSONValue.string) ?? .null),
                    ("prices", try JSONParser.parse(try row.decode(String.self, column: "prices"))),
                    ("market_price", .bool(try row.decode(Bool.self, column: "market_price"))),
                    ("is_set", .bool(try row.decode(Bool.self, column: "is_set"))),
                    ("confidence", .double(try row.decode(Double.self, column: "confidence"))),
                    ("provider", .string(try row.decode(String.self, column: "provider"))),
                    ("task_id", .string((try row.decode(UUID.self, column: "task_id")).uuidString.lowercased())),
                    ("file_index", .int(try row.decode(Int.self, column: "file_index"))),
                    ("created_at", .string(MetricsFormat.utcTimestamp(created))),
                ]))
        }
        if rows.isEmpty, offset > 0 {
            total =
                try connection.query("SELECT count(*) AS n FROM menu_items WHERE restaurant_id = \(restaurant)")
                .first?.decode(Int.self, column: "n") ?? 0
        }
        return (items, total)
    }
}
