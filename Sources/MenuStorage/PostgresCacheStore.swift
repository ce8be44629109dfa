import JSON
import Logging
import MenuModel
public import Postgres

/// OCR results by cache key in PostgreSQL, with single flight across threads and processes.
///
/// Single flight uses a session advisory lock named by the key's first 8 bytes: the first caller computes while
/// holding it; the others block on the lock, then find the stored result. A holder that dies releases the lock with
/// its connection, so a crash never wedges a key.
public struct PostgresCacheStore {
    /// A stored result.
    public struct Entry: Sendable {
        public var result: CanonicalResult
        public var resultHash: String

        public init(result: CanonicalResult, resultHash: String) {
            self.result = result
            self.resultHash = resultHash
        }
    }

    public let connection: PostgresConnection

    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The unexpired entry for `key`, or nil.
    /// - Note: Blocks the calling thread until PostgreSQL answers.
    public func entry(for key: [UInt8]) throws -> Entry? {
        let rows = try connection.query(
            "SELECT result::text AS result, result_hash FROM ocr_cache WHERE cache_key = \(key) AND expires_at > now()")
        guard let row = rows.first else { return nil }
        let text = try row.decode(String.self, column: "result")
        // A row that is no canonical result (written by hand, or corrupt) is a miss: the image is read again and
        // the row replaced.
        guard let result = CanonicalResult(json: try JSONParser.parse(text)) else { return nil }
        return Entry(result: result, resultHash: try row.decode(String.self, column: "result_hash"))
    }

    /// Stores (or replaces) the entry for `key`, expiring after `timeToLive`.
    public func store(
        _ entry: Entry, for key: [UInt8], imageSHA256: [UInt8], pipelineVersion: String, timeToLive: Duration
    ) throws {
        try connection.query(
            """
            INSERT INTO ocr_cache (cache_key, image_sha256, pipeline_version, result, result_hash, expires_at)
            VALUES (\(key), \(imageSHA256), \(pipelineVersion), \(entry.result.json.encodedString)::jsonb,
                    \(entry.resultHash), now() + make_interval(secs => \(timeToLive.seconds)))
            ON CONFLICT (cache_key) DO UPDATE
            SET result = excluded.result, result_hash = excluded.result_hash, created_at = now(),
                expires_at = excluded.expires_at
            """)
    }

    /// Deletes expired entries; returns how many.
    @discardableResult
    public func purgeExpired() throws -> Int {
        try connection.query("DELETE FROM ocr_cache WHERE expires_at <= now() RETURNING 1").count
    }

    /// Runs `body` holding the key's lock, waiting at most `timeout` for another holder.
    /// - Throws: `PostgresError` when the lock cannot be had in time (SQLSTATE 55P03) or the database fails.
    /// - Note: Blocks the calling thread while another process holds the lock.
    public func withLock<Result>(for key: [UInt8], timeout: Duration, _ body: () throws -> Result) throws -> Result {
        let lockID = key.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        try connection.query(PostgresQuery(unsafeSQL: "SET lock_timeout = \(max(1, timeout.milliseconds))"))
        // Reset even when the wait times out: the session goes back to the pool and serves other queries. A failure
        // here is swallowed, since `body`'s result or error is what the caller needs; it means the connection
        // broke, and its next statement reconnects with the server's default timeout.
        defer {
            do {
                try connection.query(PostgresQuery(unsafeSQL: "RESET lock_timeout"))
            } catch {
                connection.logger.debug(
                    "RESET lock_timeout failed", metadata: [LogKey.error: "\(error.debugDescription)"])
            }
        }
        try connection.query("SELECT pg_advisory_lock(\(lockID))")
        // Swallowed for the same reason. When the connection broke, the server released the lock with the session;
        // if it did not, other uploads of this image wait for the lock until the session ends, hence a warning.
        defer {
            do {
                try connection.query("SELECT pg_advisory_unlock(\(lockID))")
            } catch {
                connection.logger.warning(
                    "OCR cache lock not released", metadata: [LogKey.error: "\(error.debugDescription)"])
            }
        }
        return try body()
    }
}
