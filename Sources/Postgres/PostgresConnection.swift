import CPostgres
import Glibc
public import Logging

/// One libpq connection, owned by one thread.
///
/// The connection is opened on first use and opened again after it is lost (a server restart, a network cut), so
/// a long-running worker recovers by itself. Statements take bound parameters only; those with parameters are
/// prepared once per session (`PQprepare`, then `PQexecPrepared`), the others go through `PQexecParams`.
///
/// ```
/// let connection = PostgresConnection(configuration: .init(url: databaseURL), logger: logger)
/// let rows = try connection.query("SELECT name FROM restaurants WHERE id = \(id)")
/// let name = try rows.first?.decode(String.self, column: "name")
/// ```
/// - Note: Not thread-safe, and deliberately not `Sendable`: libpq forbids two threads on one `PGconn`.
///   Every method blocks the calling thread until the server answers.
public final class PostgresConnection {
    /// How to reach the server.
    public struct Configuration: Sendable {
        /// A libpq connection URI or keyword string, e.g. `postgresql://menu_api@127.0.0.1:5432/menu_api`.
        public var url: String
        /// How long connecting may take. Defaults to five seconds; a `connect_timeout` in the URL wins.
        public var connectTimeout: Duration
        /// Shown in `pg_stat_activity`. Defaults to `menu-api`.
        public var applicationName: String

        /// - Parameters:
        ///   - url: the connection URI.
        ///   - connectTimeout: defaults to five seconds.
        ///   - applicationName: defaults to `menu-api`.
        public init(url: String, connectTimeout: Duration = .seconds(5), applicationName: String = "menu-api") {
            self.url = url
            self.connectTimeout = connectTimeout
            self.applicationName = applicationName
        }
    }

    private let configuration: Configuration
    /// The logger the connection was made with (the worker's). Stores built on the connection log through it what
    /// they must swallow, such as a failed clean-up in a `defer`, where no caller's logger reaches.
    public let logger: Logger
    /// The `PGconn*`, nil while disconnected. Only this class touches it.
    private var handle: OpaquePointer?
    /// Depth of `withTransaction`; a lost connection inside a transaction is never silently reopened mid-way.
    private var transactionDepth = 0
    /// Statements with parameters prepared on this session, by their SQL: the server parses, analyses and plans
    /// each once per session instead of on every call (a third of PostgreSQL's work on a cache-hit upload was
    /// that). Emptied with every new session; bounded, past the bound statements run unprepared.
    private var preparedStatements: [String: String] = [:]
    /// Names prepared on this session so far: each new statement gets the next, never one in use.
    private var preparedCount = 0
    static let preparedStatementLimit = 256
    /// Channels this connection listens on: a session's `LISTEN`s die with it, so every new session repeats them.
    private var listenedChannels: [String] = []

    /// Makes a connection object; nothing is opened until the first statement or `connect()`.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// True when a connection is open and libpq has not seen it fail.
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Opens the connection, closing a broken one first.
    /// - Throws: `PostgresError.connectionFailed` with libpq's message.
    /// - Note: Blocks the calling thread for at most the connect timeout.
    /// The corresponding C function is `PQconnectdbParams`.
    @available(*, noasync, message: "Blocks the thread: call it from a worker thread")
    public func connect() throws(PostgresError) {
        close()
        preparedStatements.removeAll()
        preparedCount = 0
        let timeoutSeconds = max(1, Int(configuration.connectTimeout.components.seconds))
        // Later keywords override earlier ones, and the expanded URL sits last, so the URL's own settings win.
        let keywords = ["connect_timeout", "application_name", "dbname"]
        let values = [String(timeoutSeconds), configuration.applicationName, configuration.url]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(.connectionFailed, operation: "PQconnectdbParams", message: "out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(.connectionFailed, operation: "PQconnectdbParams", message: message)
        }
        // Server notices ("relation already exists, skipping") would go to stderr; route them to the logger. The
        // receiver finds this object through the argument pointer; it cannot outlive it, since deinit calls PQfinish.
        PQsetNoticeReceiver(
            connection,
            { argument, result in
                guard let argument, let result else { return }
                let owner = Unmanaged<PostgresConnection>.fromOpaque(argument).takeUnretainedValue()
                owner.logger.debug(
                    "PostgreSQL notice",
                    metadata: ["mke.db.notice": "\(PostgresConnection.text(PQresultErrorMessage(result)))"])
            }, Unmanaged.passUnretained(self).toOpaque())
        // A session without its LISTENs would wait for notifications that never come: it is refused whole.
        for channel in listenedChannels {
            let result = PQexec(connection, "LISTEN \(channel)")
            let succeeded = result.map { PQresultStatus($0) == PGRES_COMMAND_OK } ?? false
            let message = Self.text(PQerrorMessage(connection))
            PQclear(result)
            guard succeeded else {
                PQfinish(connection)
                throw PostgresError(.connectionFailed, operation: "LISTEN", message: message)
            }
        }
        handle = connection
        logger.debug("PostgreSQL connected", metadata: ["mke.db.server_version": "\(PQserverVersion(connection))"])
    }

    /// Listens on `channel` from now on, in this session and every later one (after a reconnect).
    /// - Parameter channel: lower-case letters, digits and underscores, starting with a letter (it is an SQL
    ///   identifier, which cannot be a bound parameter).
    /// - Throws: `PostgresError.invalidQuery` for another name, or as ``query(_:)``.
    @available(*, noasync, message: "Blocks the thread: call it from a worker thread")
    public func listen(_ channel: String) throws(PostgresError) {
        let bytes = Array(channel.utf8)
        let valid =
            bytes.first.map { (0x61...0x7A).contains($0) } == true
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
        guard valid, bytes.count < 64 else {
            throw PostgresError(.invalidQuery, operation: "LISTEN", message: "'\(channel)' is not a plain channel name")
        }
        if !listenedChannels.contains(channel) { listenedChannels.append(channel) }
        let connection = try openHandle()
        _ = try consume(PQexec(connection, "LISTEN \(channel)"), operation: "LISTEN")
    }

    /// Waits until a notification arrives on a channel this connection listens on, or `timeout` passes.
    ///
    /// Notifications that arrived already count (all of them are consumed): a caller that checks its work after
    /// this returns misses none. Opens the connection first when it was lost.
    /// - Returns: true when at least one notification arrived.
    /// - Throws: `PostgresError.connectionLost` when the server goes away while waiting.
    /// The corresponding C functions are `PQconsumeInput` and `PQnotifies`.
    @available(*, noasync, message: "Blocks the thread: call it from a worker thread")
    public func waitForNotification(timeout: Duration) throws(PostgresError) -> Bool {
        let connection = try openHandle()
        if try drainNotifications(connection) { return true }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(
            clamping: max(
                0,
                timeout.components.seconds * 1000
                    + timeout.components.attoseconds / 1_000_000_000_000_000))
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return false }
        return try drainNotifications(connection)
    }

    /// Reads what the server sent and frees every pending notification. - Returns: true when there was one.
    private func drainNotifications(_ connection: OpaquePointer) throws(PostgresError) -> Bool {
        guard PQconsumeInput(connection) == 1 else {
            throw lostOrFailed(operation: "PQconsumeInput", message: Self.text(PQerrorMessage(connection)))
        }
        var received = false
        while let notification = PQnotifies(connection) {
            received = true
            PQfreemem(notification)
        }
        return received
    }

    /// Closes the connection if open. The corresponding C function is `PQfinish`.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Runs one statement with its bound parameters and returns its rows.
    ///
    /// Opens the connection first when it is closed or was lost; a statement outside a transaction whose session
    /// turns out to be lost (a restarted server) is sent once more on a new session.
    /// - Throws: `PostgresError`: `.connectionFailed`, `.connectionLost`, or `.server` with the SQLSTATE.
    /// - Note: Blocks the calling thread until the server answers.
    /// The corresponding C functions are `PQexecPrepared` and `PQexecParams`.
    @discardableResult
    @available(*, noasync, message: "Blocks the thread: call it from a worker thread")
    public func query(_ query: PostgresQuery) throws(PostgresError) -> PostgresRows {
        do {
            return try run(query)
        } catch  where error.code == .connectionLost && transactionDepth == 0 {
            // A restarted server leaves every idle session dead, and only the next statement finds out. Outside a
            // transaction nothing of this statement was committed (its session was gone before it ran, or died with
            // it running), so it is sent once more on a new session; inside one, the caller's transaction is lost
            // and that is the caller's to handle.
            logger.info("PostgreSQL session lost; reconnecting and sending the statement again")
            close()
            return try run(query)
        }
    }

    private func run(_ query: PostgresQuery) throws(PostgresError) -> PostgresRows {
        let connection = try openHandle()
        logger.trace(
            "PostgreSQL query", metadata: ["mke.db.sql": "\(query.sql)", "mke.db.binds": "\(query.binds.count)"])
        // libpq copies the parameters while sending, so the pointers only need to live for this call.
        let binds = query.binds
        var texts: [[CChar]?] = []
        var formats: [Int32] = []
        var lengths: [Int32] = []
        texts.reserveCapacity(binds.count)
        for bind in binds {
            switch bind {
            case .text(let text):
                guard !text.utf8.contains(0) else {
                    throw PostgresError(
                        .invalidQuery, operation: "PQexecParams", message: "a text parameter contains a NUL byte")
                }
                texts.append(Array(text.utf8CString))
                formats.append(0)
                lengths.append(0)
            case .binary(let bytes):
                texts.append(bytes.map { CChar(bitPattern: $0) })
                formats.append(1)
                lengths.append(Int32(bytes.count))
            case .null:
                texts.append(nil)
                formats.append(0)
                lengths.append(0)
            }
        }
        guard !binds.isEmpty, let name = try preparedStatement(for: query.sql, parameterCount: binds.count, connection)
        else {
            let result: OpaquePointer? = withPointers(to: texts) { valuePointers in
                PQexecParams(connection, query.sql, Int32(binds.count), nil, valuePointers, lengths, formats, 0)
            }
            return try consume(result, operation: "PQexecParams")
        }
        let result: OpaquePointer? = withPointers(to: texts) { valuePointers in
            PQexecPrepared(connection, name, Int32(binds.count), valuePointers, lengths, formats, 0)
        }
        do {
            return try consume(result, operation: "PQexecPrepared")
        } catch  where error.sqlState == "0A000" {
            // "cached plan must not change result type": a table changed under the statement (a migration on this
            // session). Prepared again on the next call.
            preparedStatements[query.sql] = nil
            throw error
        }
    }

    /// The name of `sql` prepared on this session, preparing it first (parameter types inferred from the
    /// statement, as `PQexecParams` infers them), or nil when the session holds as many as it may.
    /// - Throws: `PostgresError` as ``query(_:)``: a statement that does not parse fails here, unprepared.
    /// The corresponding C function is `PQprepare`.
    private func preparedStatement(for sql: String, parameterCount: Int, _ connection: OpaquePointer)
        throws(PostgresError) -> String?
    {
        if let name = preparedStatements[sql] { return name }
        guard preparedStatements.count < Self.preparedStatementLimit else { return nil }
        preparedCount += 1
        let name = "mke_\(preparedCount)"
        _ = try consume(PQprepare(connection, name, sql, Int32(parameterCount), nil), operation: "PQprepare")
        preparedStatements[sql] = name
        return name
    }

    /// Runs a script of several statements separated by semicolons, without parameters (the simple query
    /// protocol). Only for trusted SQL from files shipped with the program, such as migrations.
    /// - Throws: `PostgresError` as ``query(_:)``.
    /// - Note: Blocks the calling thread until the server answers.
    /// The corresponding C function is `PQexec`.
    @available(*, noasync, message: "Blocks the thread: call it from a worker thread")
    public func executeScript(unsafeSQL script: String) throws(PostgresError) {
        let connection = try openHandle()
        _ = try consume(PQexec(connection, script), operation: "PQexec")
    }

    /// Runs `body` inside `BEGIN` ... `COMMIT`, rolling back when it throws.
    ///
    /// Nested calls join the outer transaction.
    /// - Throws: what `body` throws, or a `PostgresError` from `BEGIN`/`COMMIT`.
    /// - Note: Blocks the calling thread.
    @available(*, noasync, message: "Blocks the thread: call it from a worker thread")
    public func withTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        if transactionDepth > 0 {
            return try body()
        }
        try query("BEGIN")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            if isConnected {
                do { try query("ROLLBACK") } catch {
                    logger.debug("ROLLBACK failed", metadata: ["mke.error": "\(error.debugDescription)"])
                }
            }
            throw error
        }
    }

    /// Checks the server answers (reconnecting once, as every statement does, when the session turns out to be
    /// lost).
    /// - Throws: `PostgresError` when the server is unreachable.
    /// - Note: Blocks the calling thread.
    @available(*, noasync, message: "Blocks the thread: call it from a worker thread")
    public func ping() throws(PostgresError) {
        try query("SELECT 1")
    }

    // MARK: - libpq plumbing

    private func openHandle() throws(PostgresError) -> OpaquePointer {
        if let handle, PQstatus(handle) == CONNECTION_OK { return handle }
        guard transactionDepth == 0 else {
            throw PostgresError(.connectionLost, operation: "PQstatus", message: "connection lost inside a transaction")
        }
        try connect()
        guard let handle else {
            throw PostgresError(.connectionFailed, operation: "PQconnectdbParams", message: "no connection")
        }
        return handle
    }

    /// Turns a `PGresult` into rows or a typed error, and frees it: the one place results are read and cleared.
    private func consume(_ result: OpaquePointer?, operation: String) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw lostOrFailed(
                operation: operation, message: handle.map { Self.text(PQerrorMessage($0)) } ?? "no result")
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(rows: [], affectedRowCount: Int(Self.text(PQcmdTuples(result))) ?? 0)
        case PGRES_TUPLES_OK:
            let rowCount = Int(PQntuples(result))
            let columnCount = Int(PQnfields(result))
            let columns = (0..<columnCount).map { Self.text(PQfname(result, Int32($0))) }
            var rows: [PostgresRow] = []
            rows.reserveCapacity(rowCount)
            for row in 0..<Int32(rowCount) {
                var values: [String?] = []
                values.reserveCapacity(columnCount)
                for column in 0..<Int32(columnCount) {
                    if PQgetisnull(result, row, column) == 1 {
                        values.append(nil)
                    } else {
                        values.append(Self.text(PQgetvalue(result, row, column)))
                    }
                }
                rows.append(PostgresRow(columns: columns, values: values))
            }
            return PostgresRows(rows: rows, affectedRowCount: rowCount)
        default:
            let message = Self.text(PQresultErrorMessage(result))
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let detail = PQresultErrorField(result, Int32(UInt8(ascii: "D"))).map { String(cString: $0) }
            if sqlState == nil, let handle, PQstatus(handle) != CONNECTION_OK {
                throw lostOrFailed(operation: operation, message: message)
            }
            throw PostgresError(.server, operation: operation, message: message, sqlState: sqlState, detail: detail)
        }
    }

    private func lostOrFailed(operation: String, message: String) -> PostgresError {
        if let handle, PQstatus(handle) != CONNECTION_OK {
            logger.debug("PostgreSQL connection lost", metadata: ["mke.db.operation": "\(operation)"])
            return PostgresError(.connectionLost, operation: operation, message: message)
        }
        return PostgresError(.server, operation: operation, message: message)
    }

    /// Copies a libpq C string at once: its memory dies with the next call on the connection or result.
    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        var text = String(cString: pointer)
        while text.last == "\n" { text.removeLast() }
        return text
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
private func withCStringArray<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result)
    -> Result
{
    withPointers(to: strings.map { Array($0.utf8CString) }, body)
}

/// Calls `body` with a NULL-terminated array of pointers to copies of `buffers` (NULL for a nil buffer), valid for
/// the call only.
private func withPointers<Result>(
    to buffers: [[CChar]?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> Result
) -> Result {
    let pointers = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: buffers.count + 1)
    var copies: [UnsafeMutablePointer<CChar>] = []
    defer {
        for copy in copies { copy.deallocate() }
        pointers.deallocate()
    }
    for (index, buffer) in buffers.enumerated() {
        guard let buffer else {
            pointers[index] = nil
            continue
        }
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, buffer.count))
        copy.initialize(from: buffer, count: buffer.count)
        copies.append(copy)
        pointers[index] = UnsafePointer(copy)
    }
    pointers[buffers.count] = nil
    return body(pointers)
}
