public import Foundation
public import Postgres

/// Idempotency keys per restaurant, in PostgreSQL.
///
/// The first request with a key inserts it `running`; the primary key (restaurant, key) makes that a race only one
/// request wins. The winner stores its answer (`done`); later requests with the key get that answer back when they
/// are the same request, and are refused when they are not. An expired key, or one left `running` by a request that
/// died (its database session is gone, or `running_until` passed), is taken over by the next request.
/// - Note: Every method blocks the calling thread until PostgreSQL answers.
public struct PostgresIdempotencyStore {
    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// What a request with a key should do.
    public enum Claim: Sendable, Equatable {
        /// The key is this request's: run it, storing its ``Answer`` with the task, or ``release(restaurant:key:)``.
        case run
        /// The same request ran: answer what it answered (`task` is the task it made).
        case replay(status: Int, body: [UInt8], task: UUID?)
        /// The key was used for a different request.
        case reused
        /// The same key's first request is still running.
        case inProgress
    }

    /// Claims `key` for a request whose fingerprint is `requestSHA256`.
    /// - Parameters:
    ///   - timeToLive: how long the key and its answer are kept.
    ///   - runningFor: after this long a `running` key counts as abandoned.
    public func claim(
        restaurant: UUID, key: String, requestSHA256: [UInt8], timeToLive: Duration, runningFor: Duration
    ) throws -> Claim {
        let won = try connection.query(
            """
            INSERT INTO idempotency_keys AS k (restaurant_id, key, request_sha256, state, running_until, expires_at,
                owner_pid, owner_backend_start)
            SELECT \(restaurant), \(key), \(requestSHA256), 'running',
                now() + make_interval(secs => \(runningFor.totalSeconds)),
                now() + make_interval(secs => \(timeToLive.totalSeconds)), pid, backend_start
            FROM pg_stat_get_activity(pg_backend_pid())
            ON CONFLICT (restaurant_id, key) DO UPDATE SET request_sha256 = EXCLUDED.request_sha256,
                state = 'running', task_id = NULL, response_status = NULL, response_body = NULL, created_at = now(),
                running_until = EXCLUDED.running_until, expires_at = EXCLUDED.expires_at,
                owner_pid = EXCLUDED.owner_pid, owner_backend_start = EXCLUDED.owner_backend_start
            WHERE k.expires_at < now() OR (k.state = 'running' AND (k.running_until < now() OR NOT EXISTS (
                SELECT 1 FROM pg_stat_activity a WHERE a.pid = k.owner_pid AND a.backend_start = k.owner_backend_start)))
            RETURNING 1
            """)
        if !won.isEmpty { return .run }
        let rows = try connection.query(
            """
            SELECT request_sha256, state, response_status, response_body, task_id FROM idempotency_keys
            WHERE restaurant_id = \(restaurant) AND key = \(key)
            """)
        // Deleted in between (a released key): the caller may simply try again; saying "in progress" is true enough.
        guard let row = rows.first else { return .inProgress }
        guard try row.decode([UInt8].self, column: "request_sha256") == requestSHA256 else { return .reused }
        guard try row.decode(String.self, column: "state") == "done",
            let status = try row.decode(Int?.self, column: "response_status"),
            let body = try row.decode(String?.self, column: "response_body")
        else { return .inProgress }
        return .replay(status: status, body: Array(body.utf8), task: try row.decode(UUID?.self, column: "task_id"))
    }

    /// The answer of a request that holds a key, stored with the task it made.
    public struct Answer: Sendable {
        public var restaurant: UUID
        public var key: String
        public var status: Int
        public var body: [UInt8]

        public init(restaurant: UUID, key: String, status: Int, body: [UInt8]) {
            self.restaurant = restaurant
            self.key = key
            self.status = status
            self.body = body
        }
    }

    /// Stores the answer of the request that holds the key. The upload and job stores call this inside the
    /// transaction that stores the task, so a task is never stored without its key's answer (a retry after a
    /// crash gets the answer, never a second task).
    public func complete(_ answer: Answer, task: UUID?) throws {
        try connection.query(
            """
            UPDATE idempotency_keys SET state = 'done', response_status = \(answer.status),
                response_body = \(String(decoding: answer.body, as: UTF8.self)), task_id = \(task)
            WHERE restaurant_id = \(answer.restaurant) AND key = \(answer.key)
            """)
    }

    /// Gives `key` up: the request failed before anything was accepted, so the client may send it again.
    public func release(restaurant: UUID, key: String) throws {
        try connection.query(
            "DELETE FROM idempotency_keys WHERE restaurant_id = \(restaurant) AND key = \(key) AND state = 'running'")
    }

    /// Deletes expired keys. - Returns: how many.
    @discardableResult
    public func purgeExpired() throws -> Int {
        try connection.query("DELETE FROM idempotency_keys WHERE expires_at < now()").affectedRowCount
    }
}
