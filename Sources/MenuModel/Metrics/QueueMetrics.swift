/// How the job queue and the webhook deliveries stand: what the metrics route adds to the OCR figures.
public struct QueueMetrics: Sendable, Equatable {
    /// Files waiting for a worker.
    public var queued: Int
    /// Files a worker holds now.
    public var claimed: Int
    /// How long the oldest waiting file has waited, in seconds; 0 when none waits.
    public var oldestQueuedSeconds: Double
    /// Claims of queued files, over the tasks kept (`TASK_RETENTION_DAYS`).
    public var claims: Int
    /// Claims of files whose earlier worker stopped before finishing them.
    public var reclaims: Int
    public var webhooksSent: Int
    public var webhooksFailed: Int
    public var webhooksPending: Int
    /// Delivery attempts that got no 2xx answer (each retried or given up).
    public var webhookFailedAttempts: Int

    public init(
        queued: Int, claimed: Int, oldestQueuedSeconds: Double, claims: Int, reclaims: Int, webhooksSent: Int,
        webhooksFailed: Int, webhooksPending: Int, webhookFailedAttempts: Int
    ) {
        self.queued = queued
        self.claimed = claimed
        self.oldestQueuedSeconds = oldestQueuedSeconds
        self.claims = claims
        self.reclaims = reclaims
        self.webhooksSent = webhooksSent
        self.webhooksFailed = webhooksFailed
        self.webhooksPending = webhooksPending
        self.webhookFailedAttempts = webhookFailedAttempts
    }
}
