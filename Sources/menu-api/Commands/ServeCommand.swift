import ArgumentParser
import Curl
import FastCGI
import Foundation
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
            "unix:/path/menu-api.sock, host:port, stdin for a socket inherited on fd 0 (spawn-fcgi), or systemd for socket activation (fd 3, LISTEN_FDS). Overrides MENU_API_LISTEN."
    )
    var listen: String?

    func run() throws {
        let (configuration, logger) = try Application.loadConfiguration()
        // sd_listen_fds(3): the variables are read once and removed at once, so that nothing this process starts
        // takes the socket for its own. Unset whatever the listen mode, since they are never meant for a child.
        let environment = ProcessInfo.processInfo.environment
        for name in SocketActivation.variableNames { unsetenv(name) }
        let address: FastCGIListenAddress
        do {
            // Without a configured address, systemd's variables naming this process choose socket activation over
            // fd 0; variables naming another were inherited and are ignored, as sd_listen_fds(3) does.
            address =
                try listen.map { try FastCGIListenAddress(parsing: $0) }
                ?? configuration.fastCGI.listen.map { try FastCGIListenAddress(parsing: $0) }
                ?? (SocketActivation.isPassed(in: environment, processID: getpid())
                    ? .socketActivation : .inheritedDescriptor)
        } catch {
            logger.critical("Cannot start: \(listen == nil ? "MENU_API_LISTEN" : "--listen"): \(error)")
            throw ExitCode(78)
        }
        var socketName: String?
        if address == .socketActivation {
            do {
                socketName = try SocketActivation(environment: environment, processID: getpid()).name
            } catch {
                logger.critical("Cannot start: \(error.debugDescription)")
                throw ExitCode(78)  // EX_CONFIG
            }
        }

        var stopSignals = Application.blockStopSignals()

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

        let orchestrator = try Application.startOrchestrator(configuration: configuration, logger: logger)
        Application.markInterruptedTasks(configuration: configuration, logger: logger)
        let jobWorkers = Application.makeJobWorkers(
            configuration: configuration, orchestrator: orchestrator, logger: logger)
        let unfinishedTasks = UnfinishedTasks()
        unfinishedTasks.startSweeping(
            makeConnection: { Application.makeDatabaseConnection(configuration, logger: logger) }, logger: logger)

        let server = FastCGIServer(listener: listener, workerCount: configuration.fastCGI.workers, logger: logger)
        try server.start { workerIndex in
            var workerLogger = logger
            workerLogger[metadataKey: "mke.worker"] = "\(workerIndex)"
            let database = Application.makeDatabaseConnection(configuration, logger: workerLogger)
            return FastCGIAPIResponder(
                router: .application(
                    configuration: configuration, database: database, orchestrator: orchestrator,
                    unfinishedTasks: unfinishedTasks, logger: workerLogger),
                maxBodyBytes: configuration.limits.maxBodyBytes, logger: workerLogger)
        }
        jobWorkers.start()
        logger.info(
            "menu-api \(ServiceVersion.current) serving",
            metadata: [
                "mke.listen": "\(address)\(socketName.map { " (\($0))" } ?? "")",
                "mke.workers": "\(configuration.fastCGI.workers)",
                "mke.environment": "\(configuration.environment.rawValue)",
            ])

        var received: Int32 = 0
        sigwait(&stopSignals, &received)
        logger.info("Stopping: letting requests in flight finish", metadata: ["mke.signal": "\(received)"])
        // One grace period for both: the job workers stop claiming now and finish their files while the requests
        // in flight finish (systemd's stop timeout is set above one grace period, not two).
        let deadline = ContinuousClock.now + configuration.fastCGI.shutdownGracePeriod
        jobWorkers.requestStop()
        let finished = server.shutdown(gracePeriod: configuration.fastCGI.shutdownGracePeriod)
        listener.close()
        unfinishedTasks.stop()
        let workersFinished = jobWorkers.waitUntilStopped(
            timeout: max(.zero, ContinuousClock.now.duration(to: deadline)))
        if finished, workersFinished {
            // No request is left to hand the file threads work: stop them, so nothing runs past "Stopped".
            orchestrator.threads.shutdown()
        } else {
            logger.warning("Shutdown grace period over with requests still running")
        }
        logger.info("Stopped")
    }
}
