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
/// leases of every file the process holds, a third of the lease at a time: a process that dies stops extending
/// them, so its files are claimed again once their leases run out. The keeper also deletes, hourly, tasks past
/// `TASK_RETENTION_DAYS` and expired idempotency keys.
public final class JobWorkerGroup: Sendable {
    public let count: Int
    /// The identity the process's workers claim files under.
    public let identity: String
    private let configuration: Configuration
    private let orchestrator: UploadOrchestrator
    private let makeConnection: @Sendable (Logger) -> PostgresConnection
    private let logger: Logger
    private let stopFlag = StopFlag()
    /// Threads still running.
    private let running = Mutex<Int>(0)
    private let exited = StopFlag()

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
            startThread(name: "menu-api.jobs") { [self] in
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
                    identity: identity, stopFlag: stopFlag, logger: workerLogger
                ).run()
            }
        }
        startThread(name: "menu-api.leases") { [self] in keepLeases() }
        logger.info("Job workers started", metadata: ["mke.count": "\(count)", "mke.identity": "\(identity)"])
    }

    /// Asks every thread to stop after the turn it is in, and waits until all have (at most `timeout`).
    /// - Returns: false when some were still running at the timeout.
    @discardableResult
    public func stop(timeout: Duration = .seconds(60)) -> Bool {
        stopFlag.raise()
        let deadline = ContinuousClock.now + timeout
        while running.withLock({ $0 }) > 0 {
            guard ContinuousClock.now < deadline else { return false }
            exited.sleep(for: .milliseconds(50))
        }
        return true
    }

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        running.withLock { $0 += 1 }
        let thread = Thread { [self] in
            body()
            running.withLock { $0 -= 1 }
        }
        thread.name = name
        // Tesseract recurses deeply: the stack a file thread gets.
        thread.stackSize = WorkerThreadPool.stackBytes
        thread.start()
    }

    /// Extends the process's leases a third of the lease at a time; purges hourly.
    private func keepLeases() {
        var keeperLogger = logger
        keeperLogger[metadataKey: "mke.job_worker"] = "leases"
        let connection = makeConnection(keeperLogger)
        defer { connection.close() }
        let queue = PostgresJobQueue(connection: connection)
        var lastPurge = ContinuousClock.now - .seconds(3600)
        while !stopFlag.isRaised {
            do {
                try queue.extendLeases(worker: identity, lease: configuration.jobs.lease)
                if lastPurge.duration(to: .now) >= .seconds(3600) {
                    lastPurge = .now
                    try purge(queue: queue, connection: connection, logger: keeperLogger)
                }
            } catch {
                keeperLogger.warning(
                    "Leases not extended; trying again", metadata: [LogKey.error: "\(String(reflecting: error))"])
            }
            stopFlag.sleep(for: configuration.jobs.lease / 3)
        }
        // The files of this process are done or abandoned now; release what is left at once rather than making
        // other workers wait for the leases to run out.
        do {
            try connection.query(
                "UPDATE upload_files SET lease_until = now() WHERE state = 'claimed' AND claimed_by = \(identity)")
        } catch {
            keeperLogger.debug("Leases not released", metadata: [LogKey.error: "\(String(reflecting: error))"])
        }
    }

    private func purge(queue: PostgresJobQueue, connection: PostgresConnection, logger: Logger) throws {
        let tasks = try queue.purgeTasks(endedBefore: .seconds(configuration.jobs.taskRetentionDays * 86_400))
        let keys = try PostgresIdempotencyStore(connection: connection).purgeExpired()
        if tasks + keys > 0 {
            logger.info(
                "Purged old tasks and idempotency keys", metadata: ["mke.tasks": "\(tasks)", "mke.keys": "\(keys)"])
        }
    }
}
