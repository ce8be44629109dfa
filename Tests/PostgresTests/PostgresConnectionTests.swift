import Foundation
import Logging
import MenuKnowledgeTesting
import Postgres
import Testing

struct PostgresConnectionTests {
    @Test func interpolationBindsParametersInsteadOfSplicing() {
        let name = "'; DROP TABLE x; --"
        let query: PostgresQuery = "SELECT * FROM t WHERE name = \(name) AND n = \(3) AND note = \(String?.none)"
        #expect(query.sql == "SELECT * FROM t WHERE name = $1 AND n = $2 AND note = $3")
        #expect(query.binds == [.text(name), .text("3"), .null])
    }

    @Test func roundTripsParametersIncludingNullAndKorean() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        let bytes: [UInt8] = [0, 1, 0xFF, 0x7F, 0x80]
        let id = UUID()
        let rows = try connection.query(
            """
            SELECT \("김치찌개 ₩8,000 🍲")::text AS name, \(42)::int AS count, \(Int?.none)::int AS missing,
                   \(true)::bool AS flag, \(2.5)::float8 AS ratio, \(bytes)::bytea AS raw, \(id)::uuid AS id,
                   \("it's \"quoted\" \\ back")::text AS tricky
            """)
        let row = try #require(rows.first)
        #expect(try row.decode(String.self, column: "name") == "김치찌개 ₩8,000 🍲")
        #expect(try row.decode(Int.self, column: "count") == 42)
        #expect(try row.decode(Int?.self, column: "missing") == nil)
        #expect(try row.decode(Int?.self, column: "count") == 42)
        #expect(try row.decode(Bool.self, column: "flag") == true)
        #expect(try row.decode(Double.self, column: "ratio") == 2.5)
        #expect(try row.decode([UInt8].self, column: "raw") == bytes)
        #expect(try row.decode(UUID.self, column: "id") == id)
        #expect(try row.decode(String.self, column: "tricky") == "it's \"quoted\" \\ back")
    }

    /// How many statements the session has prepared (the count query has no parameter, so it is not one).
    static func preparedCount(_ connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM pg_prepared_statements").first?.decode(Int.self, column: "n")
            ?? -1
    }

    @Test func aStatementWithParametersIsPreparedOncePerSession() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        for value in 1...3 {
            #expect(
                try connection.query("SELECT \(value)::int + 1 AS n").first?.decode(Int.self, column: "n") == value + 1)
        }
        #expect(try Self.preparedCount(connection) == 1)
        // A statement that does not parse fails as before and is not kept.
        #expect(throws: PostgresError.self) { try connection.query("SELEC \(1)") }
        #expect(try Self.preparedCount(connection) == 1)
        // A new session prepares again.
        connection.close()
        #expect(try connection.query("SELECT \(5)::int AS n").first?.decode(Int.self, column: "n") == 5)
        #expect(try Self.preparedCount(connection) == 1)
    }

    @Test func aTableChangedUnderAPreparedStatementFailsOnceThenWorks() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        try connection.query("CREATE TABLE dishes (id int, name text)")
        try connection.query("INSERT INTO dishes VALUES (\(1), \("족발"))")
        let select = { try connection.query("SELECT * FROM dishes WHERE id = \(1)") }
        #expect(try select().first?.decode(String.self, column: "name") == "족발")
        try connection.query("ALTER TABLE dishes ADD COLUMN price int")
        // The server may refuse the old plan's shape once ("cached plan must not change result type") ...
        do {
            _ = try select()
        } catch let error as PostgresError {
            #expect(error.sqlState == "0A000")
        }
        // ... and then the statement is prepared again, with the new column.
        let row = try #require(try select().first)
        #expect(try row.decode(Int?.self, column: "price") == nil)
        #expect(try row.decode(String.self, column: "name") == "족발")
    }

    @Test func timestampsDecodeFromEpochAndISOText() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let row = try #require(
            try schema.makeConnection().query(
                "SELECT extract(epoch FROM t) AS epoch, t AS iso FROM (SELECT '2026-02-19 10:12:03.25+00'::timestamptz AS t) s"
            ).first)
        let expected = Date(timeIntervalSince1970: 1_771_495_923.25)
        #expect(try row.decode(Date.self, column: "epoch") == expected)
        #expect(abs(try row.decode(Date.self, column: "iso").timeIntervalSince(expected)) < 0.001)
    }

    @Test func decodingErrorsNameColumnTypeAndReason() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let row = try #require(try schema.makeConnection().query("SELECT NULL::text AS note, 'abc' AS word").first)
        let nullError = try #require(throws: PostgresDecodingError.self) { try row.decode(String.self, column: "note") }
        #expect(nullError.column == "note" && nullError.columnIndex == 0 && nullError.reason.contains("NULL"))
        #expect(nullError.file.hasSuffix("PostgresConnectionTests.swift"))
        let typeError = try #require(throws: PostgresDecodingError.self) { try row.decode(Int.self, column: "word") }
        #expect(typeError.column == "word" && typeError.targetType == "Int")
        let missing = try #require(throws: PostgresDecodingError.self) { try row.decode(Int.self, column: "absent") }
        #expect(missing.reason == "no such column")
    }

    @Test func constraintViolationCarriesSQLState() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        try connection.query("CREATE TABLE keys (k text PRIMARY KEY)")
        try connection.query("INSERT INTO keys VALUES (\("a"))")
        let error = try #require(throws: PostgresError.self) {
            try connection.query("INSERT INTO keys VALUES (\("a"))")
        }
        #expect(error.code == .server)
        #expect(error.sqlState == "23505")
        #expect(error.isUniqueViolation)
        #expect(error.message.contains("duplicate key"))
        #expect(!error.description.contains("duplicate key"))  // the safe description hides server text
        // The connection stays usable after a statement error.
        #expect(try connection.query("SELECT count(*) AS n FROM keys").first?.decode(Int.self, column: "n") == 1)
    }

    @Test func affectedRowCountIsReported() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        try connection.query("CREATE TABLE n (v int)")
        #expect(try connection.query("INSERT INTO n SELECT generate_series(1, 5)").affectedRowCount == 5)
        #expect(try connection.query("DELETE FROM n WHERE v > \(3)").affectedRowCount == 2)
    }

    @Test func transactionRollsBackWhenBodyThrows() throws {
        struct Abort: Error {}
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        try connection.query("CREATE TABLE tx (v int)")
        #expect(throws: Abort.self) {
            try connection.withTransaction {
                try connection.query("INSERT INTO tx VALUES (1)")
                throw Abort()
            }
        }
        _ = try connection.withTransaction { try connection.query("INSERT INTO tx VALUES (2)") }
        #expect(try connection.query("SELECT v FROM tx").map { try $0.decode(Int.self, column: "v") } == [2])
    }

    @Test func nulByteInTextIsRefusedBeforeSending() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let error = try #require(throws: PostgresError.self) {
            try schema.makeConnection().query("SELECT \("a\u{0}b")::text")
        }
        #expect(error.code == .invalidQuery)
    }

    @Test func unreachableServerIsConnectionFailed() throws {
        let port = try LoopbackPort.free()
        let connection = PostgresConnection(
            configuration: .init(url: "postgresql://menu_api@127.0.0.1:\(port)/menu_api", connectTimeout: .seconds(1)),
            logger: Logger(label: "test"))
        let error = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(error.code == .connectionFailed)
        #expect(error.debugDescription.contains("\(port)"))
    }

    @Test func reconnectsAfterServerRestart() throws {
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        let connection = PostgresConnection(
            configuration: .init(url: cluster.url, connectTimeout: .seconds(2)), logger: Logger(label: "test"))
        let firstPID = try #require(try connection.query("SELECT pg_backend_pid() AS pid").first).decode(
            Int.self, column: "pid")
        try cluster.stop()
        let whileDown = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(whileDown.code == .connectionLost || whileDown.code == .connectionFailed)
        #expect(!connection.isConnected)
        try cluster.start()
        let secondPID = try #require(try connection.query("SELECT pg_backend_pid() AS pid").first).decode(
            Int.self, column: "pid")
        #expect(secondPID != firstPID)
        #expect(connection.isConnected)
    }

    @Test func pingRecoversAStaleConnectionInOneCall() throws {
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        let connection = PostgresConnection(configuration: .init(url: cluster.url), logger: Logger(label: "test"))
        try connection.ping()
        try cluster.stop()
        try cluster.start()
        // The idle connection died with the old server; ping notices and reconnects without failing.
        try connection.ping()
        #expect(connection.isConnected)
    }
}

/// LISTEN and NOTIFY: what wakes idle job workers. Channels are database-wide, so each test has its own (suites
/// run in parallel).
struct PostgresNotificationTests {
    @Test func aNotificationWakesTheListenerAndSilenceTimesOut() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let listener = schema.makeConnection()
        let notifier = schema.makeConnection()
        defer {
            listener.close()
            notifier.close()
        }
        try listener.listen("menu_api_wake")

        let quiet = ContinuousClock.now
        #expect(try listener.waitForNotification(timeout: .milliseconds(200)) == false)
        #expect(quiet.duration(to: .now) >= .milliseconds(150))

        try notifier.query("SELECT pg_notify('menu_api_wake', 'x')")
        try notifier.query("SELECT pg_notify('menu_api_wake', 'y')")
        #expect(try listener.waitForNotification(timeout: .seconds(5)))
        // Every notification that arrived is consumed: the two wake at most two waits (the second may still be on
        // its way during the first), and then a wait times out.
        var extraWakes = 0
        for _ in 0..<5 {
            guard try listener.waitForNotification(timeout: .milliseconds(300)) else { break }
            extraWakes += 1
        }
        #expect(extraWakes <= 1)
        // Another channel does not wake it.
        try notifier.query("SELECT pg_notify('menu_api_wake_other', 'z')")
        #expect(try listener.waitForNotification(timeout: .milliseconds(200)) == false)
    }

    @Test func listeningSurvivesAReconnect() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let listener = schema.makeConnection()
        let notifier = schema.makeConnection()
        defer {
            listener.close()
            notifier.close()
        }
        try listener.listen("menu_api_reconnect")
        try listener.connect()  // a new session: the LISTEN must be repeated by the connection itself
        try notifier.query("SELECT pg_notify('menu_api_reconnect', '')")
        #expect(try listener.waitForNotification(timeout: .seconds(5)))
    }

    @Test func aChannelThatIsNoPlainNameIsRefused() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let connection = schema.makeConnection()
        defer { connection.close() }
        #expect(throws: PostgresError.self) { try connection.listen("x; DROP TABLE t") }
        #expect(throws: PostgresError.self) { try connection.listen("Upper") }
    }
}
