import ArgumentParser
import Curl
import FastCGI
import Glibc
import Logging
import MenuAPI
import MenuConfiguration
import MenuModel

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Answer FastCGI requests (the default command).")

    @Option(
        help:
            "unix:/path/menu-api.sock, host:port, or stdin for a socket inherited on fd 0 (spawn-fcgi). Overrides MENU_API_LISTEN."
    )
    var listen: String?

    func run() throws {
        let (configuration, logger) = try Application.loadConfiguration()
        let address: FastCGIListenAddress
        do {
            address =
                try listen.map { try FastCGIListenAddress(parsing: $0) }
                ?? configuration.fastCGI.listen.map { try FastCGIListenAddress(parsing: $0) }
                ?? .inheritedDescriptor
        } catch {
            logger.critical("Cannot start: \(listen == nil ? "MENU_API_LISTEN" : "--listen"): \(error)")
            throw ExitCode(78)
        }

        // SIGTERM and SIGINT are taken with sigwait below, so every thread must have them blocked; a write to a
        // connection nginx closed must fail with EPIPE instead of killing the process.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        signal(SIGPIPE, SIG_IGN)

        let listener: FastCGIListener
        do {
            try FastCGIListener.initializeLibrary()
            try Curl.initializeLibrary()
            listener = try FastCGIListener.open(
                address, socketMode: configuration.fastCGI.socketMode, backlog: Int32(configuration.fastCGI.backlog))
        } catch let error as FastCGIError {
            logger.critical("Cannot start: \(error.debugDescription)")
            throw ExitCode(71)  // EX_OSERR
        }

        let orchestrator: UploadOrchestrator
        do {
            orchestrator = try Application.makeOrchestrator(configuration: configuration, logger: logger)
        } catch {
            logger.critical("Cannot start the OCR pipeline: \(error)")
            throw ExitCode(71)
        }
        Application.markInterruptedTasks(configuration: configuration, logger: logger)

        let server = FastCGIServer(listener: listener, workerCount: configuration.fastCGI.workers, logger: logger)
        try server.start { workerIndex in
            var workerLogger = logger
            workerLogger[metadataKey: "mke.worker"] = "\(workerIndex)"
            let database = Application.makeDatabaseConnection(configuration, logger: workerLogger)
            return FastCGIAPIResponder(
                router: .application(
                    configuration: configuration, database: database, orchestrator: orchestrator, logger: workerLogger),
                maxBodyBytes: configuration.limits.maxBodyBytes, logger: workerLogger)
        }
        logger.info(
            "menu-api \(ServiceVersion.current) serving",
            metadata: [
                "mke.listen": "\(address)", "mke.workers": "\(configuration.fastCGI.workers)",
                "mke.environment": "\(configuration.environment.rawValue)",
            ])

        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        logger.info("Stopping: letting requests in flight finish", metadata: ["mke.signal": "\(received)"])
        let finished = server.shutdown(gracePeriod: configuration.fastCGI.shutdownGracePeriod)
        listener.close()
        if finished {
            // No request is left to hand the file threads work: stop them, so nothing runs past "Stopped".
            orchestrator.threads.shutdown()
        } else {
            logger.warning("Shutdown grace period over with requests still running")
        }
        logger.info("Stopped")
    }
}
