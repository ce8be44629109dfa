import ArgumentParser
import Curl
import Glibc
import Logging
import MenuAPI
import MenuConfiguration
import MenuModel

/// `menu-api worker`: job workers alone, no HTTP. Operators scale OCR by starting more of these, on any machine,
/// against the same database.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run job workers only: read queued async uploads and send webhooks.")

    @Option(help: "Worker threads. Overrides MENU_API_JOB_WORKERS (whose default is 2).")
    var workers: Int?

    func validate() throws {
        if let workers, !(1...256).contains(workers) { throw ValidationError("--workers must be from 1 to 256") }
    }

    func run() throws {
        var (configuration, logger) = try Application.loadConfiguration()
        configuration.jobs.workers = workers ?? max(1, configuration.jobs.workers)
        // No FastCGI workers here: the OCR pipeline's connections and threads are sized for the job workers.
        configuration.fastCGI.workers = 0
        do {
            try configuration.checkConnectionBudget()
        } catch {
            logger.critical("Cannot start: \(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
        let stopSignals = Application.blockStopSignals()
        do {
            try Curl.initializeLibrary()
        } catch {
            logger.critical("Cannot start: \(error)")
            throw ExitCode(71)
        }
        let orchestrator = try Application.startOrchestrator(configuration: configuration, logger: logger)
        let group = Application.makeJobWorkers(configuration: configuration, orchestrator: orchestrator, logger: logger)
        group.start()
        logger.info("menu-api \(ServiceVersion.current) worker ready", metadata: ["mke.workers": "\(group.count)"])

        var received: Int32 = 0
        var signals = stopSignals
        sigwait(&signals, &received)
        logger.info("Stopping: letting files in progress finish", metadata: ["mke.signal": "\(received)"])
        if !group.stop(timeout: configuration.fastCGI.shutdownGracePeriod) {
            logger.warning("Shutdown grace period over with files still running")
        } else {
            orchestrator.threads.shutdown()
        }
        logger.info("Stopped")
    }
}
