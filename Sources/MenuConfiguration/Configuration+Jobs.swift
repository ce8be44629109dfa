extension Configuration {
    /// Asynchronous uploads: the job workers, their leases, webhooks and retention.
    public struct Jobs: Sendable {
        /// Worker threads in each responder process (`MENU_API_JOB_WORKERS`); 0 leaves async uploads to
        /// `menu-api worker` processes. Defaults to 2.
        public var workers = 2
        /// How long a claimed file is a worker's before another may take it (`OCR_JOB_LEASE_SECONDS`); the worker's
        /// process extends it every third of that while it works. Defaults to 60 seconds.
        public var lease: Duration = .seconds(60)
        /// Claims of one file before it fails as `worker_lost` (`OCR_MAX_CLAIMS`). Defaults to 3.
        public var maxClaims = 3
        /// How long an idle worker waits for a notification before looking anyway (`MENU_API_JOB_POLL_SECONDS`):
        /// the bound when a NOTIFY is missed, and how soon a webhook retry comes due. Defaults to 5 seconds.
        public var pollInterval: Duration = .seconds(5)
        /// How long a webhook receiver has to answer (`WEBHOOK_TIMEOUT_SECONDS`). Defaults to 10 seconds.
        public var webhookTimeout: Duration = .seconds(10)
        /// Delays before each retry of a delivery (`WEBHOOK_RETRY_SCHEDULE_SECONDS`, comma-separated), the last one
        /// repeating, each with ±20% jitter. Defaults to 30 s, 2 min, 10 min, 1 h, 6 h.
        public var webhookRetrySchedule: [Duration] = [
            .seconds(30), .seconds(120), .seconds(600), .seconds(3600), .seconds(21_600),
        ]
        /// How long after its task ended a delivery is given up (`WEBHOOK_GIVE_UP_SECONDS`). Defaults to 24 hours.
        public var webhookGiveUp: Duration = .seconds(86_400)
        /// Days an ended task's rows are kept (`TASK_RETENTION_DAYS`); extracted items are kept. Defaults to 90.
        public var taskRetentionDays = 90
        /// How long an idempotency key and its answer are kept (`IDEMPOTENCY_KEY_TTL_SECONDS`). Defaults to 24 h.
        public var idempotencyKeyLifetime: Duration = .seconds(86_400)
    }

    mutating func readJobs(from reader: EnvironmentReader) throws(ConfigurationError) {
        jobs.workers = try reader.integer("MENU_API_JOB_WORKERS", in: 0...256) ?? jobs.workers
        jobs.lease = try reader.seconds("OCR_JOB_LEASE_SECONDS", in: 1...86_400) ?? jobs.lease
        jobs.maxClaims = try reader.integer("OCR_MAX_CLAIMS", in: 1...100) ?? jobs.maxClaims
        jobs.pollInterval = try reader.seconds("MENU_API_JOB_POLL_SECONDS", in: 0...3600) ?? jobs.pollInterval
        if jobs.pollInterval < .milliseconds(50) {
            throw ConfigurationError(variable: "MENU_API_JOB_POLL_SECONDS", reason: "use at least 0.05 seconds")
        }
        jobs.webhookTimeout = try reader.seconds("WEBHOOK_TIMEOUT_SECONDS", in: 1...300) ?? jobs.webhookTimeout
        if let text = try reader.nonEmpty("WEBHOOK_RETRY_SCHEDULE_SECONDS") {
            let delays = text.split(separator: ",").map { Double($0.trimmingCharacters(in: " ")) }
            guard !delays.isEmpty, delays.allSatisfy({ $0.map { $0 >= 0 && $0 <= 604_800 } ?? false }) else {
                throw ConfigurationError(
                    variable: "WEBHOOK_RETRY_SCHEDULE_SECONDS",
                    reason: "'\(text)' is not a comma-separated list of seconds (0 to 604800)")
            }
            jobs.webhookRetrySchedule = delays.compactMap { $0 }.map { .milliseconds(Int64(($0 * 1000).rounded())) }
        }
        jobs.webhookGiveUp = try reader.seconds("WEBHOOK_GIVE_UP_SECONDS", in: 1...2_592_000) ?? jobs.webhookGiveUp
        jobs.taskRetentionDays = try reader.integer("TASK_RETENTION_DAYS", in: 1...36_500) ?? jobs.taskRetentionDays
        jobs.idempotencyKeyLifetime =
            try reader.seconds("IDEMPOTENCY_KEY_TTL_SECONDS", in: 1...2_592_000) ?? jobs.idempotencyKeyLifetime
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var text = self
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return text
    }
}
