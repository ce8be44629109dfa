public import Foundation
public import Postgres

/// Restaurants' webhooks and the deliveries of ended tasks, in PostgreSQL.
///
/// A delivery is `pending` from the moment its task ends (queued in the task's own transaction, so no ended task
/// misses its delivery) until an attempt gets a 2xx answer (`sent`) or the retries give up (`failed`). Workers take
/// due deliveries with `FOR UPDATE SKIP LOCKED` and push `next_attempt_at` past the send timeout while they send, so
/// two workers never send the same attempt; a worker that dies mid-send leaves it due again.
/// - Note: Every method blocks the calling thread until PostgreSQL answers.
public struct PostgresWebhookStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// Sets a restaurant's webhook URL and gives it a new signing secret.
    /// - Returns: the secret (`whsec_...`), shown once; nil when no restaurant has this id.
    public func setWebhook(of restaurant: UUID, url: String) throws -> String? {
        let secret = RandomToken.make(prefix: "whsec_")
        let rows = try connection.query(
            """
            UPDATE restaurants SET webhook_url = \(url), webhook_secret = \(secret) WHERE id = \(restaurant)
            RETURNING 1
            """)
        return rows.isEmpty ? nil : secret
    }

    /// Removes a restaurant's webhook and its secret.
    /// - Returns: false when no restaurant has this id.
    public func clearWebhook(of restaurant: UUID) throws -> Bool {
        try !connection.query(
            "UPDATE restaurants SET webhook_url = NULL, webhook_secret = NULL WHERE id = \(restaurant) RETURNING 1"
        ).isEmpty
    }

    /// True when the restaurant has a signing secret (so that an upload may name its own `callback_url`).
    public func hasSecret(_ restaurant: UUID) throws -> Bool {
        try !connection.query(
            "SELECT 1 FROM restaurants WHERE id = \(restaurant) AND webhook_secret IS NOT NULL"
        ).isEmpty
    }

    /// The event a task's end is announced as.
    public static func event(for status: TaskStatus) -> String {
        status == .completed ? "task.completed" : "task.failed"
    }

    /// Queues the delivery of an ended task to its upload's `callback_url` or its restaurant's webhook, when there
    /// is one, and wakes the workers. Call it inside the transaction that ends the task.
    public func enqueueDelivery(task: UUID, status: TaskStatus) throws {
        try connection.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH ended AS (SELECT $1::uuid AS id), \(Self.deliveryCTE(task: "ended", event: "$2"))
                    SELECT (SELECT pg_notify('\(PostgresJobQueue.channel)', 'webhook') FROM delivery LIMIT 1) AS woken
                    """, binds: [task.postgresData, Self.event(for: status).postgresData]))
    }

    /// The `delivery` common table expression: a pending delivery for each task whose id the CTE named `task`
    /// returns, to its upload's `callback_url` or its restaurant's webhook, when there is one and a secret to sign
    /// with. `event` is the placeholder of the event's bind. Trusted text, shared by the statements that end tasks.
    static func deliveryCTE(task: String, event: String) -> String {
        """
        delivery AS (
            INSERT INTO webhook_deliveries (id, task_id, url, event, state)
            SELECT gen_random_uuid(), t.id, coalesce(t.callback_url, r.webhook_url), \(event), 'pending'
            FROM \(task) ended_task JOIN upload_tasks t ON t.id = ended_task.id
                JOIN restaurants r ON r.id = t.restaurant_id
            WHERE coalesce(t.callback_url, r.webhook_url) IS NOT NULL AND r.webhook_secret IS NOT NULL
            RETURNING 1)
        """
    }

    /// A delivery a worker is sending.
    public struct Delivery: Sendable {
        public var id: UUID
        public var task: UUID
        public var url: String
        public var event: String
        /// 1 for the first attempt.
        public var attempt: Int
        public var createdAt: Date
        /// The restaurant's signing secret (never logged); nil when it was cleared since the task ended: the
        /// delivery cannot be signed and is given up.
        public var secret: String?
    }

    /// Takes the delivery due longest, holding it for `sendTimeout` (plus a margin) while it is sent.
    /// - Returns: nil when none is due.
    public func claimDueDelivery(sendTimeout: Duration) throws -> Delivery? {
        let rows = try connection.query(
            """
            WITH next AS (
                SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= now()
                ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE webhook_deliveries d SET attempts = d.attempts + 1,
                next_attempt_at = now() + make_interval(secs => \(sendTimeout.totalSeconds + 30))
            FROM next WHERE d.id = next.id
            RETURNING d.id, d.task_id, d.url, d.event, d.attempts, d.created_at,
                (SELECT r.webhook_secret FROM upload_tasks t JOIN restaurants r ON r.id = t.restaurant_id
                 WHERE t.id = d.task_id) AS secret
            """)
        guard let row = rows.first else { return nil }
        return Delivery(
            id: try row.decode(UUID.self, column: "id"), task: try row.decode(UUID.self, column: "task_id"),
            url: try row.decode(String.self, column: "url"),
            event: try row.decode(String.self, column: "event"), attempt: try row.decode(Int.self, column: "attempts"),
            createdAt: try row.decode(Date.self, column: "created_at"),
            secret: try row.decode(String?.self, column: "secret"))
    }

    /// What became of an attempt.
    public enum AttemptOutcome: Sendable {
        /// A 2xx answer: the delivery is done.
        case sent
        /// Try again after `delay`.
        case retry(after: Duration)
        /// No more attempts.
        case gaveUp
    }

    /// Records an attempt (status, time, error) and moves the delivery on.
    public func record(
        _ delivery: Delivery, httpStatus: Int?, duration: Duration, error: String?, outcome: AttemptOutcome
    ) throws {
        try connection.withTransaction {
            try connection.query(
                """
                INSERT INTO webhook_attempts (delivery_id, attempt, http_status, duration_ms, error)
                VALUES (\(delivery.id), \(delivery.attempt), \(httpStatus),
                    \(Int(duration.totalSeconds * 1000)), \(error))
                ON CONFLICT (delivery_id, attempt) DO NOTHING
                """)
            switch outcome {
            case .sent:
                try connection.query(
                    "UPDATE webhook_deliveries SET state = 'sent', finished_at = now() WHERE id = \(delivery.id)")
            case .gaveUp:
                try connection.query(
                    "UPDATE webhook_deliveries SET state = 'failed', finished_at = now() WHERE id = \(delivery.id)")
            case .retry(let delay):
                try connection.query(
                    """
                    UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => \(delay.totalSeconds))
                    WHERE id = \(delivery.id)
                    """)
            }
        }
    }

    /// Deliveries by state, for the metrics.
    public struct Counts: Sendable, Equatable {
        public var sent: Int
        public var failed: Int
        public var pending: Int
        /// Attempts that got no 2xx answer, over all time: purged tasks' attempts stay counted (a Prometheus
        /// counter never goes down).
        public var failedAttempts: Int

        public init(sent: Int, failed: Int, pending: Int, failedAttempts: Int) {
            self.sent = sent
            self.failed = failed
            self.pending = pending
            self.failedAttempts = failedAttempts
        }
    }

    public func counts() throws -> Counts {
        let row = try connection.query(
            """
            SELECT count(*) FILTER (WHERE state = 'sent') AS sent, count(*) FILTER (WHERE state = 'failed') AS failed,
                count(*) FILTER (WHERE state = 'pending') AS pending,
                (SELECT count(*) FROM webhook_attempts
                 WHERE http_status IS NULL OR http_status NOT BETWEEN 200 AND 299)
                + (SELECT webhook_failed_attempts FROM purged_counts) AS failed_attempts
            FROM webhook_deliveries
            """
        ).first
        guard let row else { throw StorageError("the delivery counts query returned no row") }
        return Counts(
            sent: try row.decode(Int.self, column: "sent"), failed: try row.decode(Int.self, column: "failed"),
            pending: try row.decode(Int.self, column: "pending"),
            failedAttempts: try row.decode(Int.self, column: "failed_attempts"))
    }
}
