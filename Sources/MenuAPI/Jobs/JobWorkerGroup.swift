import Curl
import Foundation
public import Logging
public import MenuConfiguration
import MenuModel
import MenuStorage
public import Postgres
import Synchronization

/// The job workers of one process, and their lease keeper.
///
/// ```
/// let workers = JobWorkerGroup(count: 2, configuration: configuration, orchestrator: orchestrator, ...)
/// workers.start()
/// ...
/// workers.stop()  // files in progress finish first
/// ```
/// Every worker of the process claims under one identity (`host:pid:random`), and one keeper thread extends the
/// leases of the files its workers are working on (``HeldClaims``), a third of the lease at a time, until the last
/// worker has stopped: a process that dies stops extending them, so its files are claimed again once their leases
/// run out. The keeper also deletes, hourly, tasks past `TASK_RETENTION_DAYS` and expired idempotency keys.
public final class JobWorkerGroup: Sendable {
    public let count: Int
    /// The identity the process's workers claim files under.
    public let identity: String
    private let configuration: Configuration
    private let orchestrator: UploadOrchestrator
    private let makeConnection: @Sendable (Logger) -> PostgresConnection
    private let logger: Logger
    private let stopFlag = StopFlag()
    private let held = HeldClaims()
    /// Threads still running, and of them the workers (the keeper outlives them).
    private let running = Mutex<(threads: Int, workers: Int)>((0, 0))
    /// Never raised: a sleep the threads' exits do not need to cut short.
    private let pause = StopFlag()

    /// - Parameters:
    ///   - count: worker threads.
    ///   - makeConnection: a new connection for a thread (each thread owns its own).
    public init(
        count: Int, configuration: Configuration, orchestrator: UploadOrchestrator,
        makeConnection: @escaping @Sendable (Logger) -> PostgresConnection, logger: Logger
    ) {
        self.count = count
        self.configuration = configuration
        self.orchestrator = orchestrator
        self.makeConnection = makeConnection
        self.logger = logger
        let host = ProcessInfo.processInfo.hostName
        identity = "\(host):\(getpid()):\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Starts the workers and the lease keeper; nothing when `count` is 0.
    public func start() {
        guard count > 0 else { return }
        for index in 0..<count {
            startThread(name: "menu-api.jobs", isWorker: true) { [self] in
                var workerLogger = logger
                workerLogger[metadataKey: "mke.job_worker"] = "\(index)"
                let connection = makeConnection(workerLogger)
                defer { connection.close() }
                let client: HTTPClient
                do {
                    client = try HTTPClient(connectTimeout: .seconds(5), maxResponseBytes: 64 << 10)
                } catch {
                    workerLogger.critical("Job worker cannot start: \(error)")
                    return
                }
                let sender = WebhookSender(
                    client: client, timeout: configuration.jobs.webhookTimeout,
                    isProduction: configuration.isProduction)
                JobWorker(
                    connection: connection, orchestrator: orchestrator, sender: sender, jobs: configuration.jobs,
                    reviewMinConfidence: configuration.uploads.reviewMinConfidence,
                    keepsUploads: configuration.uploads.keepsUploads,
                    identity: identity, stopFlag: stopFlag, held: held, logger: workerLogger
                ).run()
            }
        }
        startThread(name: "menu-api.leases", isWorker: false) { [self] in keepLeases() }
        logger.info("Job workers started", metadata: ["mke.count": "\(count)", "mke.identity": "\(identity)"])
    }

    /// Asks every worker to stop after the turn it is in (no new claims); returns at once.
    public func requestStop() {
        stopFlag.raise()
    }

    /// Waits until every thread has stopped (at most `timeout`); files in progress finish first, their leases kept.
    /// - Returns: false when some were still running at the timeout.
    @discardableResult
    public func waitUntilStopped(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while running.withLock({ $0.threads }) > 0 {
            guard ContinuousClock.now < deadline else { return false }
            pause.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// ``requestStop()`` then ``waitUntilStopped(timeout:)``.
    @discardableResult
    public func stop(timeout: Duration = .seconds(60)) -> Bool {
        requestStop()
        return waitUntilStopped(timeout: timeout)
    }

    private func startThread(name: String, isWorker: Bool, _ body: @escaping @Sendable () -> Void) {
        running.withLock {
            $0.threads += 1
            if isWorker { $0.workers += 1 }
        }
        let thread = Thread { [self] in
            body()
            running.withLock {
                $0.threads -= 1
                if isWorker { $0.workers -= 1 }
            }
        }
        thread.name = name
        // Tesseract recurses deeply: the stack a file thread gets.
        thread.stackSize = WorkerThreadPool.stackBytes
        thread.start()
    }

    /// Extends the leases of the files in progress a third of the lease at a time, until the stop flag is raised
    /// and the last worker has stopped (a stopping worker's file keeps its lease until it is finished); purges
    /// hourly.
    private func keepLeases() {
        var keeperLogger = logger
        keeperLogger[metadataKey: "mke.job_worker"] = "leases"
        let connection = makeConnection(keeperLogger)
        defer { connection.close() }
        let queue = PostgresJobQueue(connection: connection)
        let interval = configuration.jobs.lease / 3
        var lastExtension = ContinuousClock.now - interval
        var lastPurge = ContinuousClock.now - .seconds(3600)
        while !(stopFlag.isRaised && running.withLock({ $0.workers }) == 0) {
            if lastExtension.duration(to: .now) >= interval {
                lastExtension = .now
                do {
                    try queue.extendLeases(of: held.snapshot, lease: configuration.jobs.lease)
                } catch {
                    keeperLogger.warning(
                        "Leases not extended; trying again", metadata: [LogKey.error: "\(String(reflecting: error))"])
                }
            }
            if !stopFlag.isRaised, lastPurge.duration(to: .now) >= .seconds(3600) {
                lastPurge = .now
                purge(queue: queue, connection: connection, logger: keeperLogger)
            }
            if stopFlag.isRaised {
                pause.sleep(for: min(interval, .milliseconds(50)))
            } else {
                stopFlag.sleep(for: interval)
            }
        }
    }

    private func purge(queue: PostgresJobQueue, connection: PostgresConnection, logger: Logger) {
        do {
            let tasks = try queue.purgeTasks(endedBefore: .seconds(configuration.jobs.taskRetentionDays * 86_400))
            let keys = try PostgresIdempotencyStore(connection: connection).purgeExpired()
            if tasks + keys > 0 {
                logger.info(
                    "Purged old tasks and idempotency keys", metadata: ["mke.tasks": "\(tasks)", "mke.keys": "\(keys)"])
            }
        } catch {
            logger.warning(
                "Purge failed; trying again in an hour", metadata: [LogKey.error: "\(String(reflecting: error))"])
        }
    }
}
