/// An error from PostgreSQL or libpq: connecting, a lost connection, or a statement the server refused.
///
/// `description` is generic and safe to show a client; the server's message, SQLSTATE and the C text are in
/// `debugDescription`, for logs only (they may quote SQL or values).
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// A bounded label for what failed, usable as a metric value.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case connectionFailed = "connection_failed"
            case connectionLost = "connection_lost"
            case server
            case invalidQuery = "invalid_query"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Could not connect (server down, refused, authentication failed, bad URL).
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke during the statement; whether the server ran it is unknown.
        public static let connectionLost = Code(.connectionLost)
        /// The server refused the statement; see `sqlState`.
        public static let server = Code(.server)
        /// The query could not be sent (for example a bind value containing a NUL byte).
        public static let invalidQuery = Code(.invalidQuery)

        public var description: String { base.rawValue }
    }

    /// What failed.
    public var code: Code
    /// The five-character SQLSTATE the server reported (`23505` for a unique violation), when there is one.
    public var sqlState: String?
    /// The server's or libpq's message (may quote values: log it, never show it).
    public var message: String
    /// The server's detail line, when there is one.
    public var detail: String?
    /// The libpq call that failed.
    public var operation: String

    init(_ code: Code, operation: String, message: String, sqlState: String? = nil, detail: String? = nil) {
        self.code = code
        self.operation = operation
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
    }

    /// SQLSTATE 23505.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// True when the same statement may succeed later: the connection could not be made or broke, or the server
    /// refused for a passing reason (SQLSTATE class 08 connection exception, 40 transaction rollback such as a
    /// deadlock, 53 insufficient resources such as too many connections, 57 operator intervention such as a
    /// shutdown or a statement timeout, 58 system error, and 55P03 lock not available). False for a statement the
    /// server will always refuse (a syntax error, a missing table, a constraint) and for a query that could not be
    /// sent: those are bugs, and retrying does not help (PostgreSQL manual, Appendix A).
    public var isTransient: Bool {
        if code == .connectionFailed || code == .connectionLost { return true }
        guard code == .server, let sqlState else { return false }
        return sqlState == "55P03" || ["08", "40", "53", "57", "58"].contains(String(sqlState.prefix(2)))
    }

    public var description: String { "PostgreSQL error: \(code)" }

    public var debugDescription: String {
        var text = "PostgresError(\(code), operation: \(operation)"
        if let sqlState { text += ", sqlState: \(sqlState)" }
        text += ", message: \(message)"
        if let detail { text += ", detail: \(detail)" }
        return text + ")"
    }
}

/// A column value that could not be decoded into the requested Swift type.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    /// The column's name.
    public var column: String
    /// The column's index in the row.
    public var columnIndex: Int
    /// The Swift type asked for.
    public var targetType: String
    /// Why: NULL into a non-optional, text that does not parse, no such column.
    public var reason: String
    /// Where the caller asked.
    public var file: String
    public var line: Int

    public var description: String {
        "cannot decode column '\(column)' (#\(columnIndex)) as \(targetType): \(reason) at \(file):\(line)"
    }
}
