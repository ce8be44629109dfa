import ArgumentParser
import Curl
import FastCGI
import Foundation
import Glibc
import Logging
import MenuKnowledge
import Postgres
import Tesseract
import Vips

/// `menu-api`: the Menu Knowledge Engine's OCR service.
struct MenuAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "menu-api",
        abstract: "Menu Knowledge Engine OCR service: a FastCGI responder behind nginx.",
        version: ServiceVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, RestaurantsCommand.self, ReportCommand.self, OCRCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}

/// Reads the environment once, in the one place it is read, and sets up logging.
func loadConfiguration() throws -> (Configuration, Logger) {
    let configuration: Configuration
    do {
        configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
    } catch {
        FileHandle.standardError.write(Data("menu-api: \(error)\n".utf8))
        throw ExitCode(78)  // EX_CONFIG
    }
    let level = configuration.logLevel
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    return (configuration, Logger(label: "menu-api"))
}

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Answer FastCGI requests (the default command).")

    @Option(
        help:
            "unix:/path/menu-api.sock, host:port, or stdin for a socket inherited on fd 0 (spawn-fcgi). Overrides MENU_API_LISTEN."
    )
    var listen: String?

    func run() throws {
        let (configuration, logger) = try loadConfiguration()
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
            orchestrator = try makeOrchestrator(configuration: configuration, logger: logger)
        } catch {
            logger.critical("Cannot start the OCR pipeline: \(error)")
            throw ExitCode(71)
        }
        markInterruptedTasks(configuration: configuration, logger: logger)

        let server = FastCGIServer(listener: listener, workerCount: configuration.fastCGI.workers, logger: logger)
        try server.start { workerIndex in
            var workerLogger = logger
            workerLogger[metadataKey: "mke.worker"] = "\(workerIndex)"
            let database = makeDatabaseConnection(configuration, logger: workerLogger)
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
        if !finished {
            logger.warning("Shutdown grace period over with requests still running")
        }
        logger.info("Stopped")
    }
}

/// The OCR pipeline every worker shares: tier routers made on demand (each with its own HTTP client and Tesseract
/// engine) and database connections for the cache, in two pools. One engine is loaded now so a missing language
/// pack stops start-up instead of every upload.
func makeOrchestrator(configuration: Configuration, logger: Logger) throws -> UploadOrchestrator {
    try Vips.initialize(concurrency: 1)
    if configuration.ocr.tierNames.contains(.tesseract) {
        _ = try TesseractOCRProvider.makeEngine()
    }
    let ocr = configuration.ocr
    let routers = ResourcePool<TierRouter>(capacity: configuration.uploads.ocrConcurrency) {
        let client = try HTTPClient(connectTimeout: ocr.connectTimeout)
        var routerLogger = logger
        routerLogger[metadataKey: "mke.router"] = "\(UUID().uuidString.prefix(8))"
        return try TierRouter.make(configuration: ocr, client: client, logger: routerLogger)
    }
    // Cache look-ups and single-flight waits: a connection each, up to one per file the workers can run at once.
    let databases = ResourcePool<PostgresConnection>(
        capacity: configuration.fastCGI.workers * configuration.uploads.parallelism
    ) {
        makeDatabaseConnection(configuration, logger: logger)
    }
    logger.info(
        "OCR tiers", metadata: ["mke.tiers": "\(ocr.tierNames.map(\.rawValue).joined(separator: ","))"])
    return UploadOrchestrator(
        routers: routers, databases: databases, pipelineVersion: TierRouter.pipelineVersion(of: ocr),
        cacheTimeToLive: configuration.uploads.cacheTimeToLive, parallelism: configuration.uploads.parallelism,
        maxPixels: configuration.uploads.maxPixels, singleFlightWait: ocr.imageDeadline + .seconds(15))
}

/// A connection to the configured database (opened on first use). Owned by whoever made it: one thread at a time.
func makeDatabaseConnection(_ configuration: Configuration, logger: Logger) -> PostgresConnection {
    PostgresConnection(
        configuration: .init(url: configuration.database.url, connectTimeout: configuration.database.connectTimeout),
        logger: logger)
}

/// Tasks whose process died mid-upload end `interrupted`, so none stays `processing` for ever. An unreachable
/// database is not fatal here: the service starts and the sweep runs at the next start.
func markInterruptedTasks(configuration: Configuration, logger: Logger) {
    let connection = makeDatabaseConnection(configuration, logger: logger)
    defer { connection.close() }
    do {
        let count = try PostgresUploadStore(connection: connection).markInterruptedTasks()
        if count > 0 { logger.warning("Marked interrupted upload tasks", metadata: ["mke.count": "\(count)"]) }
    } catch {
        logger.warning("Could not check for interrupted tasks", metadata: ["mke.error": "\(error)"])
    }
}

struct RestaurantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restaurants", abstract: "Manage restaurants and their API keys.",
        subcommands: [CreateRestaurantCommand.self, AddKeyCommand.self])
}

struct CreateRestaurantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a restaurant; prints its id and a new API key (shown once).")

    @Option(help: "The restaurant's name.")
    var name: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let (configuration, logger) = try loadConfiguration()
        let connection = makeDatabaseConnection(configuration, logger: logger)
        do {
            let created = try PostgresRestaurantStore(connection: connection).create(name: name)
            if json {
                print(
                    JSONValue.object([
                        ("id", .string(created.id.uuidString.lowercased())), ("api_key", .string(created.apiKey)),
                    ]).encodedString)
            } else {
                print("restaurant_id: \(created.id.uuidString.lowercased())")
                print("api_key: \(created.apiKey)")
            }
        } catch {
            logger.critical("Cannot create the restaurant: \(String(reflecting: error))")
            throw ExitCode(1)
        }
    }
}

struct AddKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-key", abstract: "Issue another API key for a restaurant (shown once).")

    @Argument(help: "The restaurant id.")
    var restaurantID: String

    func run() throws {
        let (configuration, logger) = try loadConfiguration()
        guard let id = UUID(uuidString: restaurantID) else {
            FileHandle.standardError.write(Data("menu-api: '\(restaurantID)' is not a UUID\n".utf8))
            throw ExitCode(64)
        }
        let connection = makeDatabaseConnection(configuration, logger: logger)
        do {
            let store = PostgresRestaurantStore(connection: connection)
            guard try store.exists(id) else {
                FileHandle.standardError.write(Data("menu-api: no restaurant has id \(id)\n".utf8))
                throw ExitCode(1)
            }
            print("api_key: \(try store.addKey(to: id))")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            logger.critical("Cannot add a key: \(String(reflecting: error))")
            throw ExitCode(1)
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the OCR KPIs and alerts of a window, from the database (for cron).",
        discussion: "Exit code: 0 all is well, 1 a warning, 2 a critical alert, 3 the database could not be read.")

    @Option(help: "1h, 24h, 7d, 30d or all.")
    var window: String = "24h"

    @Flag(help: "Print the metrics route's JSON body instead of the table.")
    var json = false

    func run() throws {
        let (configuration, logger) = try loadConfiguration()
        guard let window = PostgresMetricsStore.Window.named(window) else {
            FileHandle.standardError.write(Data("menu-api: --window must be 1h, 24h, 7d, 30d or all\n".utf8))
            throw ExitCode(64)
        }
        let connection = makeDatabaseConnection(configuration, logger: logger)
        let metrics: OCRMetrics
        do {
            metrics = try PostgresMetricsStore(connection: connection).metrics(for: window)
        } catch {
            logger.critical("Cannot read the metrics: \(String(reflecting: error))")
            throw ExitCode(3)
        }
        let report = KPIReport(metrics: metrics)
        if json {
            print(MetricsFormat.json(metrics, window: window.name).encodedString)
        } else {
            print("menu-api OCR report, window \(window.name): \(metrics.files) files, \(metrics.runs) OCR runs")
            func row(_ columns: [String]) -> String {
                zip(columns, [26, 12, 20]).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined()
                    + (columns.count > 3 ? columns[3] : "")
            }
            print(row(["KPI", "value", "target", "status"]))
            for kpi in report.kpis { print(row([kpi.name, kpi.value, kpi.target, kpi.status.rawValue])) }
            if report.alerts.isEmpty {
                print("alerts: none")
            } else {
                print("alerts:")
                for alert in report.alerts {
                    print(
                        "  [\(alert.level.rawValue.uppercased())] \(alert.rule) (now \(alert.value)): \(alert.action)")
                }
            }
        }
        if report.severity > 0 { throw ExitCode(Int32(report.severity)) }
    }
}

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the database migrations not applied yet (safe to re-run).")

    func run() throws {
        let (configuration, logger) = try loadConfiguration()
        let connection = makeDatabaseConnection(configuration, logger: logger)
        do {
            let migrator = try Migrator(
                directory: Migrator.defaultDirectory(configured: configuration.migrationsDirectory))
            let applied = try migrator.migrate(on: connection, logger: logger)
            print(applied.isEmpty ? "schema is up to date" : "applied: \(applied.joined(separator: ", "))")
        } catch let error as PostgresError {
            logger.critical("Migration failed: \(error.debugDescription)")
            throw ExitCode(1)
        } catch {
            logger.critical("Migration failed: \(error)")
            throw ExitCode(1)
        }
    }
}

struct OCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "Run the local OCR tier on image files and print the items as JSON (no server, no database).")

    @Argument(help: "Image files (JPEG, PNG, WebP, HEIC).")
    var files: [String]

    @Flag(help: "Skip the preprocessing (plain Tesseract on the grey image), to compare.")
    var noPreprocessing = false

    @Option(help: "Seconds allowed per image.")
    var deadline: Double = 15

    @Option(help: "Tesseract languages.")
    var languages: String = "kor"

    @Option(help: "Long side, in pixels, the page is scaled to before OCR.")
    var longSide: Int = PreprocessingSteps().targetLongSide

    @Option(help: "Tesseract page segmentation mode: 3, 4, 6 or 11.")
    var psm: Int = 6

    @Flag(help: "Add an unsharp mask (to measure it).")
    var sharpen = false

    @Flag(help: "Add a 3x3 median noise filter (to measure it).")
    var median = false

    @Flag(help: "Grey preprocessing instead of the ink map (to measure it).")
    var greyPreprocessing = false

    @Flag(help: "Keep ruling (rules, borders) instead of erasing it (to measure it).")
    var keepRules = false

    @Flag(help: "Leave the page's skew as photographed (to measure it).")
    var noDeskew = false

    @Flag(help: "Give Tesseract no user words (the lexicon and section words; to measure it).")
    var noUserWords = false

    @Flag(help: "Read no unsure line again on its own (to measure it).")
    var noLineRereading = false

    @Option(help: "Also write the page Tesseract reads, as FILE.pgm, into this directory (to look at it).")
    var dumpPages: String?

    func run() throws {
        _ = try loadConfiguration()
        do {
            try Vips.initialize(concurrency: 2)
        } catch {
            FileHandle.standardError.write(Data("menu-api: \(error)\n".utf8))
            throw ExitCode(71)
        }
        let engine: TesseractEngine
        do {
            engine = try TesseractOCRProvider.makeEngine(
                languages: languages, segmentation: PageSegmentation(number: psm) ?? .singleBlock,
                usesUserWords: !noUserWords)
        } catch {
            FileHandle.standardError.write(Data("menu-api: \(error)\n".utf8))
            throw ExitCode(71)
        }
        var steps = noPreprocessing ? PreprocessingSteps.none : PreprocessingSteps()
        if median { steps.removesNoise = true }
        if sharpen { steps.sharpens = true }
        if greyPreprocessing { steps.findsInk = false }
        if keepRules { steps.erasesRules = false }
        if noDeskew { steps.deskews = false }
        if !noPreprocessing { steps.targetLongSide = longSide }
        let provider = TesseractOCRProvider(engine: engine, steps: steps, rereadsUnsureLines: !noLineRereading)
        var results: [JSONValue] = []
        var failed = false
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                results.append(
                    .object([("file", .string(file)), ("success", false), ("failure_reason", "unreadable_file")]))
                failed = true
                continue
            }
            if let dumpPages, let page = try? ImagePreparation.grayPage(from: Array(data), steps: steps) {
                let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                let header = Array("P5\n\(page.width) \(page.height)\n255\n".utf8)
                _ = FileManager.default.createFile(
                    atPath: "\(dumpPages)/\(name).pgm", contents: Data(header + page.pixels))
            }
            let result = provider.recognize(
                PreparedImage(original: Array(data)),
                deadline: .milliseconds(Int64(deadline * 1000)))
            failed = failed || !result.isSuccess
            guard case .object(let fields) = result.json else { continue }
            results.append(.object([("file", .string(file))] + fields))
        }
        print(JSONValue.array(results).encodedString)
        if failed { throw ExitCode(1) }
    }
}

// Before anything else: one OpenMP thread per Tesseract engine (see OpenMPThreadLimit).
OpenMPThreadLimit.applyByReexecuting()
MenuAPICommand.main()
