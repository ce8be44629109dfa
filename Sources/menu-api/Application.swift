import ArgumentParser
import Curl
import Foundation
import Glibc
import Logging
import MenuAPI
import MenuConfiguration
import MenuLogging
import MenuModel
import MenuStorage
import OCR
import Postgres
import Tesseract
import Vips

/// The service's wiring, said once for every command: the configuration and logging, the OCR pipeline and its
/// pools, database connections and the start-up sweep.
enum Application {
    /// Reads the environment once, in the one place it is read, and sets up logging.
    static func loadConfiguration() throws -> (Configuration, Logger) {
        let configuration: Configuration
        do {
            configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("menu-api: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        let (level, format) = (configuration.logLevel, configuration.logFormat)
        LoggingSystem.bootstrap { _ in StructuredLogHandler(format: format, logLevel: level) }
        return (configuration, Logger(label: "menu-api"))
    }

    /// The OCR pipeline every worker shares: tier routers made on demand (each with its own HTTP client and Tesseract
    /// engine) and database connections for the cache, in two pools, and the threads that run files. One engine is loaded now so a missing language
    /// pack stops start-up instead of every upload.
    static func makeOrchestrator(configuration: Configuration, logger: Logger) throws -> UploadOrchestrator {
        try Vips.initialize(concurrency: 1)
        if configuration.ocr.tierNames.contains(.tesseract) {
            _ = try TesseractOCRProvider.makeEngine()
        }
        let ocr = configuration.ocr
        // One breaker per provider and one budget for the process, shared by every router: an outage or a spent
        // budget is the process's news, not one thread's.
        let breakers = ProviderBreakers(configuration: ocr, logger: logger)
        let budget = makeBudget(configuration: configuration, logger: logger)
        let routers = ResourcePool<TierRouter>(capacity: configuration.uploads.ocrConcurrency) {
            let client = try HTTPClient(connectTimeout: ocr.connectTimeout)
            var routerLogger = logger
            routerLogger[metadataKey: "mke.router"] = "\(UUID().uuidString.prefix(8))"
            return try TierRouter.make(
                configuration: ocr, client: client, logger: routerLogger, breakers: breakers, budget: budget)
        }
        // Cache look-ups and single-flight waits: a connection each, up to one per file the workers can run at once,
        // within the process's budget (the workers' own connections come first); a file waits when all are lent.
        // Job workers run one file each, on their own thread.
        let workers = configuration.fastCGI.workers
        let fileThreads = workers * configuration.uploads.parallelism + configuration.jobs.workers
        let databases = ResourcePool<PostgresConnection>(
            capacity: min(
                fileThreads,
                configuration.database.cacheConnections(workers: configuration.connectionHoldingWorkers))
        ) {
            makeDatabaseConnection(configuration, logger: logger)
        }
        // Each worker runs one request at a time and takes one of its files itself: parallelism - 1 threads per
        // worker give every request its full parallelism even when all workers upload at once.
        let threads = WorkerThreadPool(threadCount: workers * (configuration.uploads.parallelism - 1))
        logger.info(
            "OCR tiers", metadata: ["mke.tiers": "\(ocr.tierNames.map(\.rawValue).joined(separator: ","))"])
        return UploadOrchestrator(
            routers: routers, databases: databases, threads: threads,
            pipelineVersion: TierRouter.pipelineVersion(of: ocr),
            cacheTimeToLive: configuration.uploads.cacheTimeToLive, parallelism: configuration.uploads.parallelism,
            maxFileBytes: configuration.uploads.maxFileBytes, maxPixels: configuration.uploads.maxPixels,
            minSide: configuration.uploads.minSide, singleFlightWait: ocr.imageDeadline + .seconds(15),
            breakers: breakers)
    }

    /// The OpenAI budget when GPT vision runs and a daily or monthly budget is set: its spend is read on a
    /// connection of its own (one more than the workers', counted in ``Configuration/connectionHoldingWorkers``).
    static func makeBudget(configuration: Configuration, logger: Logger) -> OpenAIBudget? {
        let openAI = configuration.ocr.openAI
        guard configuration.ocr.limitsOpenAISpend else { return nil }
        return OpenAIBudget(
            dailyLimitUSD: openAI.dailyBudgetUSD, monthlyLimitUSD: openAI.monthlyBudgetUSD,
            source: PostgresOpenAISpendSource(connection: makeDatabaseConnection(configuration, logger: logger)),
            logger: logger)
    }

    /// ``makeOrchestrator(configuration:logger:)`` for a command: a failure is logged and ends the process with
    /// EX_OSERR.
    static func startOrchestrator(configuration: Configuration, logger: Logger) throws -> UploadOrchestrator {
        do {
            return try makeOrchestrator(configuration: configuration, logger: logger)
        } catch {
            logger.critical("Cannot start the OCR pipeline: \(error)")
            throw ExitCode(71)  // EX_OSERR
        }
    }

    /// A restaurant id given on the command line; anything else ends the process with EX_USAGE.
    static func restaurantID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            FileHandle.standardError.write(Data("menu-api: '\(text)' is not a UUID\n".utf8))
            throw ExitCode(64)  // EX_USAGE
        }
        return id
    }

    /// The process's job workers (`MENU_API_JOB_WORKERS` of them; none when it is 0), not started yet.
    static func makeJobWorkers(
        configuration: Configuration, orchestrator: UploadOrchestrator, logger: Logger
    ) -> JobWorkerGroup {
        JobWorkerGroup(
            count: configuration.jobs.workers, configuration: configuration, orchestrator: orchestrator,
            makeConnection: { makeDatabaseConnection(configuration, logger: $0) }, logger: logger)
    }

    /// Blocks SIGTERM and SIGINT in every thread (the caller takes them with `sigwait`; call it before any thread
    /// starts), and ignores SIGPIPE, so that a write to a connection the peer closed fails with EPIPE instead of
    /// killing the process.
    /// - Returns: the set to `sigwait` on.
    static func blockStopSignals() -> sigset_t {
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        signal(SIGPIPE, SIG_IGN)
        return stopSignals
    }

    /// A connection to the configured database (opened on first use). Owned by whoever made it: one thread at a time.
    static func makeDatabaseConnection(_ configuration: Configuration, logger: Logger) -> PostgresConnection {
        PostgresConnection(
            configuration: .init(
                url: configuration.database.url, connectTimeout: configuration.database.connectTimeout),
            logger: logger)
    }

    /// Tasks whose process died mid-upload end `interrupted`, so none stays `processing` for ever. An unreachable
    /// database is not fatal here: the service starts and the sweep runs at the next start.
    static func markInterruptedTasks(configuration: Configuration, logger: Logger) {
        let connection = makeDatabaseConnection(configuration, logger: logger)
        defer { connection.close() }
        do {
            let count = try PostgresUploadStore(connection: connection).markInterruptedTasks()
            if count > 0 { logger.warning("Marked interrupted upload tasks", metadata: ["mke.count": "\(count)"]) }
        } catch {
            logger.warning("Could not check for interrupted tasks", metadata: ["mke.error": "\(error)"])
        }
    }
}
