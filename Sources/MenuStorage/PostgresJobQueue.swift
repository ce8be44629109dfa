public import Foundation
public import Postgres

/// The queue of asynchronous uploads, in PostgreSQL: tasks and their files, claimed by workers under a lease.
///
/// A file is `queued`, then `claimed` by one worker (`SELECT ... FOR UPDATE SKIP LOCKED`, so workers never wait for
/// each other's rows) until `lease_until`, which the worker's process keeps pushing forward while it works, then
/// `done` once its result, items and event are written. A file whose lease ran out (its worker died) is claimed
/// again. Every finished file is written in one transaction that also counts it into its task and, when it is the
/// task's last, ends the task and queues its webhook.
///
/// ```
/// let queue = PostgresJobQueue(connection: connection)
/// if let file = try queue.claimNext(worker: "host:pid", lease: .seconds(60)) { ... try queue.finish(file, ...) }
/// ```
/// - Note: Every method blocks the calling thread until PostgreSQL answers.
public struct PostgresJobQueue {
    public let connection: PostgresConnection
    public let byteStore: any ImageByteStore

    /// The channel `NOTIFY` wakes idle workers on.
    public static let channel = "menu_api_jobs"

    public init(connection: PostgresConnection, byteStore: (any ImageByteStore)? = nil) {
        self.connection = connection
        self.byteStore = byteStore ?? PostgresImageByteStore(connection: connection)
    }

    /// A file to queue: its position in the upload, its name, the PDF page it was rendered from, and its bytes.
    public struct QueuedFile: Sendable {
        public var index: Int
        public var name: String
        public var page: Int?
        public var bytes: [UInt8]

        public init(index: Int, name: String, page: Int? = nil, bytes: [UInt8]) {
            self.index = index
            self.name = name
            self.page = page
            self.bytes = bytes
        }
    }

    /// The status a task starts with: `queued`, or failed at once when every file was refused.
    public static func initialStatus(queued: Int, refused: Int) -> TaskStatus {
        queued == 0 ? .finished(successful: 0, total: refused) : .queued
    }

    /// Stores an asynchronous task in one transaction: the task, the results of the files refused at once, the
    /// files to read with their bytes, and the idempotency key's `answer`; then wakes the workers. A task whose files
    /// were all refused ends at once.
    /// - Returns: the task's status (``initialStatus(queued:refused:)``).
    @discardableResult
    public func enqueue(
        task id: UUID, restaurant: UUID, callbackURL: String?, files: [QueuedFile], refused: [FileOutcome],
        answer: PostgresIdempotencyStore.Answer? = nil
    ) throws -> TaskStatus {
        let total = files.count + refused.count
        let failed = refused.count
        let status = Self.initialStatus(queued: files.count, refused: refused.count)
        try connection.withTransaction {
            try connection.query(
                """
                INSERT INTO upload_tasks (id, restaurant_id, status, is_async, total, failed, callback_url, completed_at)
                VALUES (\(id), \(restaurant), \(status.rawValue), true, \(total), \(failed), \(callbackURL),
                    CASE WHEN \(status.isFinished) THEN now() END)
                """)
            try PostgresUploadStore(connection: connection).insertResults(of: refused, task: id, restaurant: restaurant)
            for file in files {
                try connection.query(
                    """
                    INSERT INTO upload_files (task_id, file_index, file_name, page, state)
                    VALUES (\(id), \(file.index), \(file.name), \(file.page), 'queued')
                    """)
                try byteStore.store(file.bytes, task: id, file: file.index)
            }
            if status.isFinished {
                try PostgresWebhookStore(connection: connection).enqueueDelivery(task: id, status: status)
            } else {
                try connection.query("SELECT pg_notify(\(Self.channel), 'file')")
            }
            if let answer { try PostgresIdempotencyStore(connection: connection).complete(answer, task: id) }
        }
        return status
    }

    /// A file a worker holds.
    public struct ClaimedFile: Sendable, Hashable {
        public var task: UUID
        public var restaurant: UUID
        public var index: Int
        public var name: String
        /// The PDF page the image was rendered from; nil for an image.
        public var page: Int?
        /// How many times the file has been claimed, this claim included.
        public var claims: Int
        /// Who holds it: the finish is refused to anyone else.
        public var worker: String
    }

    /// Takes the oldest file that is queued or whose lease ran out, and marks its task `processing`.
    /// - Returns: nil when no file waits.
    public func claimNext(worker: String, lease: Duration) throws -> ClaimedFile? {
        // One statement, so the claim and the task's start commit together.
        let rows = try connection.query(
            """
            WITH next AS (
                SELECT task_id, file_index FROM upload_files
                WHERE state <> 'done' AND (state = 'queued' OR (state = 'claimed' AND lease_until < now()))
                ORDER BY queued_at, task_id, file_index
                LIMIT 1 FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE upload_files f SET state = 'claimed', claims = f.claims + 1, claimed_by = \(worker),
                    lease_until = now() + make_interval(secs => \(lease.totalSeconds))
                FROM next WHERE f.task_id = next.task_id AND f.file_index = next.file_index
                RETURNING f.task_id, f.file_index, f.file_name, f.page, f.claims),
            started AS (
                UPDATE upload_tasks t SET status = 'processing' FROM claimed
                WHERE t.id = claimed.task_id AND t.status = 'queued')
            SELECT claimed.*, (SELECT restaurant_id FROM upload_tasks WHERE id = claimed.task_id) AS restaurant_id
            FROM claimed
            """)
        guard let row = rows.first else { return nil }
        let file = ClaimedFile(
            task: try row.decode(UUID.self, column: "task_id"),
            restaurant: try row.decode(UUID.self, column: "restaurant_id"),
            index: try row.decode(Int.self, column: "file_index"),
            name: try row.decode(String.self, column: "file_name"), page: try row.decode(Int?.self, column: "page"),
            claims: try row.decode(Int.self, column: "claims"), worker: worker)
        return file
    }

    /// Keeps the images of a synchronous task's files (`KEEP_UPLOADS`), as done files of the task, for
    /// ``keptImage(task:file:)``.
    public func keep(_ files: [QueuedFile], of task: UUID) throws {
        guard !files.isEmpty else { return }
        try connection.withTransaction {
            for file in files {
                try connection.query(
                    """
                    INSERT INTO upload_files (task_id, file_index, file_name, page, state)
                    VALUES (\(task), \(file.index), \(file.name), \(file.page), 'done')
                    """)
                try byteStore.store(file.bytes, task: task, file: file.index)
            }
        }
    }

    /// The image of a task's file when it was kept (or is still queued); nil otherwise.
    public func keptImage(task: UUID, file: Int) throws -> [UInt8]? {
        try byteStore.bytes(task: task, file: file)
    }

    /// The bytes of a claimed file; nil when they are gone.
    public func bytes(of file: ClaimedFile) throws -> [UInt8]? {
        try byteStore.bytes(task: file.task, file: file.index)
    }

    /// Pushes forward the leases of `files`, those of them still held by their claim.
    /// - Returns: how many leases were extended.
    @discardableResult
    public func extendLeases(of files: [ClaimedFile], lease: Duration) throws -> Int {
        guard !files.isEmpty else { return 0 }
        // PostgreSQL array literals of uuids and integers: nothing in them needs quoting. Every file of one call is
        // one worker identity's (a process claims under one).
        let tasks = "{" + files.map { $0.task.uuidString.lowercased() }.joined(separator: ",") + "}"
        let indexes = "{" + files.map { String($0.index) }.joined(separator: ",") + "}"
        let claims = "{" + files.map { String($0.claims) }.joined(separator: ",") + "}"
        var extended = 0
        for worker in Set(files.map(\.worker)) {
            extended += try connection.query(
                """
                UPDATE upload_files f SET lease_until = now() + make_interval(secs => \(lease.totalSeconds))
                FROM unnest(\(tasks)::uuid[], \(indexes)::int[], \(claims)::int[]) AS held(task_id, file_index, claims)
                WHERE f.task_id = held.task_id AND f.file_index = held.file_index AND f.claims = held.claims
                    AND f.claimed_by = \(worker) AND f.state = 'claimed'
                """
            ).affectedRowCount
        }
        return extended
    }

    /// Gives a claimed file up at once (its lease ends now), so that another worker takes it without waiting for
    /// the lease: what a worker does with a file it could not finish.
    public func release(_ file: ClaimedFile) throws {
        try connection.query(
            """
            UPDATE upload_files SET lease_until = now()
            WHERE task_id = \(file.task) AND file_index = \(file.index) AND state = 'claimed'
                AND claimed_by = \(file.worker) AND claims = \(file.claims)
            """)
    }

    /// Files waiting for a worker and how long the oldest has waited: the readiness check's view, read through the
    /// index of files not done (never the done rows kept for the retention period).
    public func waiting() throws -> (queued: Int, oldestAge: Duration) {
        let row = try connection.query(
            """
            SELECT count(*) AS queued,
                coalesce(extract(epoch FROM now() - min(queued_at)), 0)::float8 AS oldest_seconds
            FROM upload_files WHERE state <> 'done' AND state = 'queued'
            """
        ).first
        guard let row else { throw StorageError("the queue query returned no row") }
        return (
            try row.decode(Int.self, column: "queued"),
            .milliseconds(Int64(try row.decode(Double.self, column: "oldest_seconds") * 1000))
        )
    }

    /// What finishing a file did.
    public enum Finish: Sendable, Equatable {
        /// The result is stored; the task goes on.
        case stored
        /// The result is stored and it was the task's last file: the task ended with this status.
        case taskFinished(TaskStatus)
        /// The worker no longer holds the file (its lease ran out and another worker claimed it): nothing was
        /// written, the other worker's result counts.
        case leaseLost
    }

    /// Writes a claimed file's outcome, its items and its event, marks it done, deletes its bytes and counts it into
    /// its task, in one transaction; the task's last file ends the task and queues its webhook.
    /// `plan` is the merge of the file's items into the restaurant's menu (``PostgresMenuStore/plan(of:restaurant:minimumConfidence:)``).
    /// `keepingBytes` keeps the image for the review page (`KEEP_UPLOADS`) instead of deleting it.
    public func finish(
        _ file: ClaimedFile, outcome: FileOutcome, plan: MenuMergePlan = MenuMergePlan(), keepingBytes: Bool = false
    ) throws
        -> Finish
    {
        try connection.withTransaction {
            let held = try connection.query(
                """
                SELECT 1 FROM upload_files
                WHERE task_id = \(file.task) AND file_index = \(file.index) AND state = 'claimed'
                    AND claimed_by = \(file.worker) AND claims = \(file.claims)
                FOR UPDATE
                """)
            guard !held.isEmpty else { return .leaseLost }
            try PostgresUploadStore(connection: connection).insertResults(
                of: [outcome], task: file.task, restaurant: file.restaurant, plan: plan)
            try connection.query(
                """
                UPDATE upload_files SET state = 'done', claimed_by = NULL, lease_until = NULL
                WHERE task_id = \(file.task) AND file_index = \(file.index)
                """)
            if !keepingBytes { try byteStore.delete(task: file.task, file: file.index) }
            let successful = outcome.isSuccess ? 1 : 0
            let rows = try connection.query(
                """
                UPDATE upload_tasks SET successful = successful + \(successful), failed = failed + \(1 - successful),
                    status = CASE WHEN successful + failed + 1 < total THEN 'processing'
                        WHEN successful + \(successful) = 0 THEN 'failed' ELSE 'completed' END,
                    completed_at = CASE WHEN successful + failed + 1 >= total THEN now() END
                WHERE id = \(file.task)
                RETURNING status
                """)
            let statusText = try rows.first?.decode(String.self, column: "status")
            guard let status = statusText.flatMap(TaskStatus.init(rawValue:)) else {
                throw StorageError("the task of a claimed file has no status: \(String(describing: statusText))")
            }
            guard status.isFinished else { return .stored }
            try PostgresWebhookStore(connection: connection).enqueueDelivery(task: file.task, status: status)
            return .taskFinished(status)
        }
    }

    /// How the queue stands, for the metrics and the readiness check.
    public struct Depth: Sendable, Equatable {
        /// Files waiting for a worker.
        public var queued: Int
        /// Files a worker holds.
        public var claimed: Int
        /// How long the oldest waiting file has waited; zero when none waits.
        public var oldestQueuedAge: Duration
        /// Claims of files that had been claimed before (their worker stopped), over all time (purged tasks'
        /// included: a Prometheus counter, it never goes down).
        public var reclaims: Int
        /// Claims in all, over all time like ``reclaims``.
        public var claims: Int

        public init(queued: Int, claimed: Int, oldestQueuedAge: Duration, reclaims: Int, claims: Int) {
            self.queued = queued
            self.claimed = claimed
            self.oldestQueuedAge = oldestQueuedAge
            self.reclaims = reclaims
            self.claims = claims
        }
    }

    public func depth() throws -> Depth {
        let row = try connection.query(
            """
            SELECT count(*) FILTER (WHERE state = 'queued') AS queued,
                count(*) FILTER (WHERE state = 'claimed') AS claimed,
                coalesce(extract(epoch FROM now() - min(queued_at) FILTER (WHERE state = 'queued')), 0)::float8
                    AS oldest_seconds,
                (coalesce(sum(greatest(claims - 1, 0)), 0) + (SELECT reclaims FROM purged_counts))::bigint
                    AS reclaims,
                (coalesce(sum(claims), 0) + (SELECT claims FROM purged_counts))::bigint AS claims
            FROM upload_files
            """
        ).first
        guard let row else { throw StorageError("the queue depth query returned no row") }
        return Depth(
            queued: try row.decode(Int.self, column: "queued"), claimed: try row.decode(Int.self, column: "claimed"),
            oldestQueuedAge: .milliseconds(Int64(try row.decode(Double.self, column: "oldest_seconds") * 1000)),
            reclaims: try row.decode(Int.self, column: "reclaims"), claims: try row.decode(Int.self, column: "claims"))
    }

    /// Deletes tasks (with their files, results, items and deliveries) that ended more than `retention` ago, and
    /// adds what their files and deliveries had counted (claims, reclaims, failed webhook attempts) to
    /// `purged_counts`, in the same statement, so that the counters read from both never go down.
    /// - Returns: how many tasks were deleted.
    @discardableResult
    public func purgeTasks(endedBefore retention: Duration) throws -> Int {
        // Every part of one statement reads the snapshot it started with, so the files and attempts of the tasks
        // this DELETE removes are still there to be counted. A concurrent purge blocks on the same tasks' rows and
        // then skips them (they are gone), so no task is counted twice.
        let row = try connection.query(
            """
            WITH purged AS (
                DELETE FROM upload_tasks
                WHERE completed_at < now() - make_interval(secs => \(retention.totalSeconds))
                RETURNING id
            ), files AS (
                SELECT coalesce(sum(claims), 0) AS claims, coalesce(sum(greatest(claims - 1, 0)), 0) AS reclaims
                FROM upload_files WHERE task_id IN (SELECT id FROM purged)
            ), attempts AS (
                SELECT count(*) AS failed
                FROM webhook_attempts JOIN webhook_deliveries ON webhook_deliveries.id = webhook_attempts.delivery_id
                WHERE webhook_deliveries.task_id IN (SELECT id FROM purged)
                    AND (http_status IS NULL OR http_status NOT BETWEEN 200 AND 299)
            ), counted AS (
                UPDATE purged_counts SET claims = purged_counts.claims + files.claims,
                    reclaims = purged_counts.reclaims + files.reclaims,
                    webhook_failed_attempts = webhook_failed_attempts + attempts.failed
                FROM files, attempts
                WHERE id = 1
            )
            SELECT count(*) AS purged FROM purged
            """
        ).first
        guard let row else { throw StorageError("the purge returned no row") }
        return try row.decode(Int.self, column: "purged")
    }
}

extension Duration {
    /// Seconds as a double, the form `make_interval(secs => ...)` takes.
    var totalSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
