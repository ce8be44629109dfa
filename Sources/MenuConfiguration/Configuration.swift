public import Logging
public import MenuLogging

/// Everything the service can be told, as typed values with their defaults.
///
/// The executable builds it once from the process environment with ``init(environment:)``; nothing else reads
/// environment variables. Every variable is listed, with its default, in `conf/menu-api.env.example` and the README.
public struct Configuration: Sendable {
    /// The deployment environment (`APP_ENV`): `development`, `test`, `staging` or `production`.
    /// Defaults to `development`.
    public var environment: AppEnvironment
    /// Log level (`LOG_LEVEL`): trace, debug, info, notice, warning, error, critical. Defaults to `info`.
    public var logLevel: Logger.Level
    /// How log lines are written (`LOG_FORMAT`): `logfmt` or `json`. Defaults to `logfmt`.
    public var logFormat: LogFormat
    public var database: Database
    public var fastCGI: FastCGI
    public var limits: Limits
    public var ocr: OCR
    public var uploads: Uploads
    public var jobs: Jobs
    /// The admin routes' bearer token (`ADMIN_TOKEN`). No default; required in production. Without it, in
    /// development, admin routes answer loopback clients only.
    public var adminToken: Secret?
    /// Registers `/api/v1/_test/*` routes used by the end-to-end tests (`MENU_API_TEST_ROUTES=1`).
    /// Defaults to false, and refused in production.
    public var enablesTestRoutes: Bool
    /// Where the migration SQL files are (`MENU_API_MIGRATIONS_DIR`). Defaults to nil: the copy built beside the
    /// executable.
    public var migrationsDirectory: String?

    /// PostgreSQL settings.
    public struct Database: Sendable {
        /// libpq URI (`DATABASE_URL`). Defaults to `postgresql://menu_api@127.0.0.1:5432/menu_api`.
        public var url: String = "postgresql://menu_api@127.0.0.1:5432/menu_api"
        /// Connect timeout (`DATABASE_CONNECT_TIMEOUT_SECONDS`). Defaults to 5 seconds.
        public var connectTimeout: Duration = .seconds(5)
        /// The most connections this process opens (`DATABASE_MAX_CONNECTIONS`): one per FastCGI worker, one per
        /// job worker and one for their leases, the rest for cache look-ups and single-flight waits (a file waits
        /// for one when all are lent). Defaults to 40, so that two processes stay well inside PostgreSQL's default
        /// `max_connections` of 100.
        public var maxConnections = 40

        /// Connections left for the cache once every worker (FastCGI and job workers, and the lease keeper) has its
        /// own.
        public func cacheConnections(workers: Int) -> Int { maxConnections - workers }
    }

    /// The FastCGI responder's settings.
    public struct FastCGI: Sendable {
        /// `unix:/path`, `host:port`, `systemd` (socket activation), or nil for the socket inherited on fd 0, or
        /// systemd's when `LISTEN_PID` names this process (`MENU_API_LISTEN`; `--listen` wins).
        /// Defaults to nil.
        public var listen: String?
        /// Permission bits of a unix socket (`MENU_API_SOCKET_MODE`, octal). Defaults to 0660: the socket's group
        /// (nginx's, via systemd's `Group=`) may connect, nobody else.
        public var socketMode: UInt32 = 0o660
        /// Worker threads (`MENU_API_WORKERS`). Defaults to 16: at least nginx's kept upstream connections.
        public var workers: Int = 16
        /// The listen backlog (`MENU_API_BACKLOG`). Defaults to 128.
        public var backlog: Int = 128
        /// How long requests in flight may run after SIGTERM (`MENU_API_SHUTDOWN_GRACE_SECONDS`). Defaults to 30 s.
        public var shutdownGracePeriod: Duration = .seconds(30)
    }

    /// Request limits.
    public struct Limits: Sendable {
        /// The largest request body (`MENU_API_MAX_BODY_BYTES`). Defaults to 52,428,800 (50 MB, nginx's
        /// `client_max_body_size 50m`); larger bodies get 413.
        public var maxBodyBytes: Int = 52_428_800
    }

    /// The defaults, as documented on each property.
    public init() {
        environment = .development
        logLevel = .info
        logFormat = .logfmt
        database = Database()
        fastCGI = FastCGI()
        limits = Limits()
        ocr = OCR()
        uploads = Uploads()
        jobs = Jobs()
        adminToken = nil
        enablesTestRoutes = false
        migrationsDirectory = nil
    }

    /// Reads the configuration from environment variables.
    /// - Throws: `ConfigurationError` naming the first variable with a bad value.
    public init(environment variables: [String: String]) throws(ConfigurationError) {
        self.init()
        let reader = EnvironmentReader(variables: variables)
        environment = try reader.choice("APP_ENV", of: AppEnvironment.self) ?? environment
        logLevel = try reader.choice("LOG_LEVEL", of: Logger.Level.self) ?? logLevel
        logFormat = try reader.choice("LOG_FORMAT", of: LogFormat.self) ?? logFormat
        database.url = try reader.nonEmpty("DATABASE_URL") ?? database.url
        database.connectTimeout =
            try reader.seconds("DATABASE_CONNECT_TIMEOUT_SECONDS", in: 1...300) ?? database.connectTimeout
        database.maxConnections =
            try reader.integer("DATABASE_MAX_CONNECTIONS", in: 2...10_000) ?? database.maxConnections
        fastCGI.listen = try reader.nonEmpty("MENU_API_LISTEN")
        fastCGI.socketMode = try reader.octalMode("MENU_API_SOCKET_MODE") ?? fastCGI.socketMode
        fastCGI.workers = try reader.integer("MENU_API_WORKERS", in: 1...1024) ?? fastCGI.workers
        fastCGI.backlog = try reader.integer("MENU_API_BACKLOG", in: 1...65535) ?? fastCGI.backlog
        fastCGI.shutdownGracePeriod =
            try reader.seconds("MENU_API_SHUTDOWN_GRACE_SECONDS", in: 0...3600) ?? fastCGI.shutdownGracePeriod
        limits.maxBodyBytes =
            try reader.integer("MENU_API_MAX_BODY_BYTES", in: 1...1_073_741_824) ?? limits.maxBodyBytes
        enablesTestRoutes = try reader.flag("MENU_API_TEST_ROUTES") ?? false
        migrationsDirectory = try reader.nonEmpty("MENU_API_MIGRATIONS_DIR")
        try readOCR(from: reader)
        try readUploads(from: reader)
        try readJobs(from: reader)
        try readAdmin(from: reader)
        try checkConnectionBudget()
        if enablesTestRoutes && isProduction {
            throw ConfigurationError(
                variable: "MENU_API_TEST_ROUTES", reason: "test routes are refused when APP_ENV=production")
        }
    }

    /// Threads that hold a database connection of their own in a responder: the FastCGI workers, the job workers,
    /// their lease keeper when there are job workers, and the sweeper of unfinished tasks; and the OpenAI budget's
    /// reader when GPT vision runs under a budget.
    public var connectionHoldingWorkers: Int {
        let budgetReader = ocr.limitsOpenAISpend ? 1 : 0
        return fastCGI.workers + jobs.workers + (jobs.workers > 0 ? 1 : 0) + 1 + budgetReader
    }

    /// Stops start-up when `DATABASE_MAX_CONNECTIONS` cannot serve the workers: each holds a connection, and the
    /// cache needs at least one more. Checked when the environment is read, and again by a command that changes
    /// the worker counts (`menu-api worker --workers N`).
    public func checkConnectionBudget() throws(ConfigurationError) {
        if database.cacheConnections(workers: connectionHoldingWorkers) < 1 {
            throw ConfigurationError(
                variable: "DATABASE_MAX_CONNECTIONS",
                reason:
                    "\(database.maxConnections) cannot serve \(fastCGI.workers) workers (MENU_API_WORKERS) and "
                    + "\(jobs.workers) job workers (MENU_API_JOB_WORKERS): each holds a connection, their leases one "
                    + "more, and the cache needs at least one more")
        }
    }

    /// True when `APP_ENV=production`.
    public var isProduction: Bool { environment == .production }
}

extension Configuration {
    mutating func readAdmin(from reader: EnvironmentReader) throws(ConfigurationError) {
        adminToken = try reader.nonEmpty("ADMIN_TOKEN").map(Secret.init)
        if isProduction, adminToken == nil {
            throw ConfigurationError(
                variable: "ADMIN_TOKEN", reason: "an admin token is required when APP_ENV=production")
        }
        if let token = adminToken, token.value.utf8.count < 16 {
            throw ConfigurationError(
                variable: "ADMIN_TOKEN", reason: "use at least 16 characters (e.g. openssl rand -hex 32)")
        }
    }
}

/// A variable with a value the service cannot use. Start-up stops with this message.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The variable's name.
    public var variable: String
    /// What is wrong and what is expected.
    public var reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "configuration error: \(variable): \(reason)" }
}

/// Typed reads of environment variables; an empty value counts as unset.
struct EnvironmentReader {
    let variables: [String: String]

    func nonEmpty(_ name: String) throws(ConfigurationError) -> String? {
        guard let value = variables[name]?.trimmingSpaces(), !value.isEmpty else { return nil }
        return value
    }

    /// One of a type's cases, by its raw value.
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, of type: Choice.Type)
        throws(ConfigurationError) -> Choice? where Choice.RawValue == String
    {
        guard let value = try nonEmpty(name) else { return nil }
        guard let choice = Choice(rawValue: value) else {
            let allowed = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(variable: name, reason: "'\(value)' is not one of \(allowed)")
        }
        return choice
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = try nonEmpty(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name, reason: "'\(text)' is not an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func seconds(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Duration? {
        guard let text = try nonEmpty(name) else { return nil }
        guard let value = Double(text), value.isFinite, value >= Double(range.lowerBound),
            value <= Double(range.upperBound)
        else {
            throw ConfigurationError(
                variable: name,
                reason: "'\(text)' is not a number of seconds from \(range.lowerBound) to \(range.upperBound)")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    func octalMode(_ name: String) throws(ConfigurationError) -> UInt32? {
        guard let text = try nonEmpty(name) else { return nil }
        guard let value = UInt32(text, radix: 8), value <= 0o777 else {
            throw ConfigurationError(variable: name, reason: "'\(text)' is not an octal mode such as 0660")
        }
        return value
    }

    func flag(_ name: String) throws(ConfigurationError) -> Bool? {
        guard let text = try nonEmpty(name) else { return nil }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(variable: name, reason: "'\(text)' is not a boolean (1/0, true/false)")
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
