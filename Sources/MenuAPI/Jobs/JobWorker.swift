import Foundation
import JSON
public import Logging
public import MenuConfiguration
import MenuModel
import MenuStorage
public import Postgres

/// One job worker: a thread that takes queued files and due webhook deliveries from PostgreSQL until it is told to
/// stop.
///
/// Each turn it claims the oldest waiting file (or one whose worker's lease ran out) and runs it through the
/// ``UploadOrchestrator`` (cache, single flight and tiers, as a synchronous upload), then stores its result; with
/// no file waiting, or at most a second after it last looked while files flow, it sends one due delivery; with
/// nothing to do it waits for a `NOTIFY` on ``PostgresJobQueue/channel``, or the poll interval, whichever comes
/// first. A database failure is logged and the turn tried again a second later: a worker never stops on its own.
///
/// Owns its connection and its webhook sender: one thread each.
public final class JobWorker {
    private let connection: PostgresConnection
    private let orchestrator: UploadOrchestrator
    private let sender: WebhookSender
    private let jobs: Configuration.Jobs
    /// Who claims files: the process's identity (its lease keeper extends every lease it holds).
    private let identity: String
    private let stopFlag: StopFlag
    private let held: HeldClaims
    private let reviewMinConfidence: Double
    private let keepsUploads: Bool
    private let logger: Logger

    init(
        connection: PostgresConnection, orchestrator: UploadOrchestrator, sender: WebhookSender,
        jobs: Configuration.Jobs, reviewMinConfidence: Double, keepsUploads: Bool, identity: String, stopFlag: StopFlag,
        held: HeldClaims,
        logger: Logger
    ) {
        self.held = held
        self.reviewMinConfidence = reviewMinConfidence
        self.keepsUploads = keepsUploads
        self.connection = connection
        self.orchestrator = orchestrator
        self.sender = sender
        self.jobs = jobs
        self.identity = identity
        self.stopFlag = stopFlag
        self.logger = logger
    }

    /// Works until the stop flag is raised; returns once the turn in progress is over.
    /// - Note: Blocks the calling thread.
    public func run() {
        var listening = false
        var lastDeliveryCheck = ContinuousClock.now
        while !stopFlag.isRaised {
            do {
                if !listening {
                    try connection.listen(PostgresJobQueue.channel)
                    listening = true
                }
                // Deliveries go out while files flow too: a busy queue must not hold back the news that tasks ended.
                if lastDeliveryCheck.duration(to: .now) >= .seconds(1) {
                    lastDeliveryCheck = .now
                    if try deliverOneWebhook() { continue }
                }
                if try runOneFile() { continue }
                lastDeliveryCheck = .now
                if try deliverOneWebhook() { continue }
                try waitForWork()
            } catch {
                logger.warning(
                    "Job worker: database error; trying again shortly",
                    metadata: [LogKey.error: "\(String(reflecting: error))"])
                stopFlag.sleep(for: .seconds(1))
            }
        }
    }

    // MARK: - Files

    /// Claims and runs one file. - Returns: false when no file was waiting.
    private func runOneFile() throws -> Bool {
        let queue = PostgresJobQueue(connection: connection)
        guard let file = try queue.claimNext(worker: identity, lease: jobs.lease) else { return false }
        held.insert(file)
        defer { held.remove(file) }
        var fileLogger = logger
        fileLogger[metadataKey: LogKey.task] = .string(file.task.uuidString.lowercased())
        fileLogger[metadataKey: LogKey.file] = .stringConvertible(file.index)
        fileLogger[metadataKey: LogKey.restaurant] = .string(file.restaurant.uuidString.lowercased())
        let outcome: FileOutcome
        if file.claims > jobs.maxClaims {
            outcome = FileOutcome(
                index: file.index, fileName: file.name, page: file.page, cached: false, processingTime: .zero,
                items: [],
                errorCode: .workerLost,
                errorMessage: "The workers that took this file stopped before finishing it \(file.claims - 1) times")
        } else if let bytes = try queue.bytes(of: file) {
            if file.claims > 1 {
                fileLogger.warning("Job file claimed again", metadata: ["mke.claims": "\(file.claims)"])
            }
            outcome = orchestrator.process(
                UploadedFile(name: file.name, bytes: bytes, page: file.page), index: file.index, logger: fileLogger)
        } else {
            outcome = FileOutcome(
                index: file.index, fileName: file.name, page: file.page, cached: false, processingTime: .zero,
                items: [],
                errorCode: .internalError, errorMessage: "The file's bytes are gone")
            fileLogger.error("Job file has no bytes")
        }
        let finish = try finishOrRelease(file, outcome: outcome, queue: queue, logger: fileLogger)
        fileLogger.info(
            "Job file finished",
            metadata: [
                "mke.status": "\(outcome.isSuccess ? "success" : outcome.errorCode?.rawValue ?? "failed")",
                "mke.claims": "\(file.claims)", "mke.finish": "\(finish)",
            ])
        return true
    }

    /// Stores the outcome, trying three times a second or two apart (a restarting database); failing that, gives the
    /// file up so another claim (this worker's or another's) runs it again, from the cache when its result was
    /// stored, and the claim limit ends a file that can never be stored.
    private func finishOrRelease(
        _ file: PostgresJobQueue.ClaimedFile, outcome: FileOutcome, queue: PostgresJobQueue, logger: Logger
    ) throws -> PostgresJobQueue.Finish {
        var failures = 0
        while true {
            do {
                // Merged into the restaurant's menu with the result, so the stored result names its item ids.
                var merged = [outcome]
                let plan = try PostgresMenuStore(connection: connection).plan(
                    of: merged, restaurant: file.restaurant, minimumConfidence: reviewMinConfidence)
                plan.apply(to: &merged)
                return try queue.finish(file, outcome: merged[0], plan: plan, keepingBytes: keepsUploads)
            } catch {
                failures += 1
                guard failures < 3 else {
                    do { try queue.release(file) } catch let releaseError {
                        // The lease then runs out by itself: the keeper no longer extends it.
                        logger.warning(
                            "Job file not released", metadata: [LogKey.error: "\(String(reflecting: releaseError))"])
                    }
                    throw error
                }
                logger.warning(
                    "Job file not stored; trying again", metadata: [LogKey.error: "\(String(reflecting: error))"])
                stopFlag.sleep(for: .seconds(failures))
            }
        }
    }

    // MARK: - Webhooks

    /// Sends one due delivery. - Returns: false when none was due.
    private func deliverOneWebhook() throws -> Bool {
        let webhooks = PostgresWebhookStore(connection: connection)
        guard let delivery = try webhooks.claimDueDelivery(sendTimeout: jobs.webhookTimeout) else { return false }
        var deliveryLogger = logger
        deliveryLogger[metadataKey: "mke.task"] = "\(delivery.task)"
        deliveryLogger[metadataKey: "mke.delivery"] = "\(delivery.id)"
        guard let secret = delivery.secret else {
            try webhooks.record(
                delivery, httpStatus: nil, duration: .zero, error: "the restaurant's webhook secret was cleared",
                outcome: .gaveUp)
            return true
        }
        guard let task = try PostgresUploadStore(connection: connection).task(delivery.task) else {
            try webhooks.record(delivery, httpStatus: nil, duration: .zero, error: "task deleted", outcome: .gaveUp)
            return true
        }
        let attempt = sender.send(
            task.responseBody.encoded, to: delivery.url, event: delivery.event, deliveryID: delivery.id,
            secret: secret)
        let outcome = nextStep(after: attempt, of: delivery)
        try webhooks.record(
            delivery, httpStatus: attempt.httpStatus, duration: attempt.duration, error: attempt.error,
            outcome: outcome)
        let metadata: Logger.Metadata = [
            "mke.attempt": "\(delivery.attempt)", "mke.http_status": "\(attempt.httpStatus.map(String.init) ?? "-")",
            "mke.ms": "\(attempt.duration.milliseconds)", "mke.outcome": "\(outcome)",
        ]
        if attempt.succeeded {
            deliveryLogger.info("Webhook delivered", metadata: metadata)
        } else {
            deliveryLogger.warning(
                "Webhook attempt failed",
                metadata: metadata.merging([LogKey.error: "\(attempt.error ?? "status")"]) { $1 })
        }
        return true
    }

    /// Sent on a 2xx; otherwise the next retry of the schedule (the last delay repeating) with ±20% jitter, so that
    /// deliveries failing together do not retry together; given up once the retry would land past the give-up
    /// time.
    private func nextStep(after attempt: WebhookSender.Attempt, of delivery: PostgresWebhookStore.Delivery)
        -> PostgresWebhookStore.AttemptOutcome
    {
        if attempt.succeeded { return .sent }
        let schedule = jobs.webhookRetrySchedule
        guard let base = schedule.isEmpty ? nil : schedule[min(delivery.attempt - 1, schedule.count - 1)] else {
            return .gaveUp
        }
        let delay = base * Double.random(in: 0.8...1.2)
        let age = Date().timeIntervalSince(delivery.createdAt)
        guard (age * 1000 + Double(delay.milliseconds)) < Double(jobs.webhookGiveUp.milliseconds) else {
            return .gaveUp
        }
        return .retry(after: delay)
    }

    // MARK: - Idle

    /// Waits for a notification, the poll interval or the stop flag, in slices short enough that stopping is
    /// prompt.
    private func waitForWork() throws {
        let deadline = ContinuousClock.now + jobs.pollInterval
        while !stopFlag.isRaised {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return }
            if try connection.waitForNotification(timeout: min(left, .milliseconds(250))) { return }
        }
    }
}
