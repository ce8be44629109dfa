import Foundation
import MenuKnowledgeTesting
import Postgres
import Testing

/// The `menu-api` executable's commands, run as processes.
struct CommandLineTests {
    @Test(arguments: [("MENU_API_WORKERS", "lots"), ("APP_ENV", "prod"), ("MENU_API_SOCKET_MODE", "rw")])
    func badConfigurationStopsStartUpNamingTheVariable(variable: String, value: String) throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("config")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/out.log"
        let status = try ChildProcess.run(
            try TestEnvironment.responderBinary(), ["serve", "--listen", "unix:\(directory)/s.sock"],
            environment: [variable: value], logPath: log, timeout: .seconds(20))
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 78)
        #expect(output.contains(variable))
        #expect(!FileManager.default.fileExists(atPath: directory + "/s.sock"))
    }

    @Test func badListenArgumentIsRefused() throws {
        let status = try ChildProcess.run(
            try TestEnvironment.responderBinary(), ["serve", "--listen", "unix:relative.sock"], timeout: .seconds(20))
        #expect(status == 78)
    }

    @Test func startingWithoutListenOutsideFastCGIFailsClearly() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("stdin")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // stdin is /dev/null, not a socket: the responder must say how to start it instead of spinning.
        let status = try ChildProcess.run(
            try TestEnvironment.responderBinary(), ["serve"], environment: ["MENU_API_LISTEN": ""],
            logPath: directory + "/out.log", timeout: .seconds(20))
        #expect(status == 71)
        #expect(((try? String(contentsOfFile: directory + "/out.log", encoding: .utf8)) ?? "").contains("not a socket"))
    }

    @Test func concurrentMigrateProcessesApplyEachMigrationOnce() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let binary = try TestEnvironment.responderBinary()
        let directory = try TestEnvironment.makeTemporaryDirectory("migrate")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let processes = try (0..<3).map { index in
            try ChildProcess(
                executable: binary, arguments: ["migrate"],
                environment: [
                    "DATABASE_URL": schema.url,
                    "MENU_API_MIGRATIONS_DIR": TestEnvironment.repositoryRoot
                        + "/Sources/MenuStorage/Migrations",
                ],
                logPath: directory + "/migrate-\(index).log")
        }
        let statuses = try processes.map { try $0.waitForExit(timeout: .seconds(60)) }
        #expect(statuses == [0, 0, 0])
        let outputs = processes.map { $0.log() }
        #expect(outputs.filter { $0.contains("applied: 0001_restaurants") }.count == 1)
        #expect(outputs.filter { $0.contains("schema is up to date") }.count == 2)
        let connection = schema.makeConnection()
        let shipped = try FileManager.default.contentsOfDirectory(
            atPath: TestEnvironment.repositoryRoot + "/Sources/MenuStorage/Migrations"
        ).filter { $0.hasSuffix(".sql") }.count
        let recorded = try connection.query("SELECT count(*) AS n FROM schema_migrations").first?.decode(
            Int.self, column: "n")
        #expect(recorded == shipped)
    }
}

/// `menu-api ocr`: the local pipeline from the command line, no server or database.
struct OCRCommandTests {
    @Test func printsTheItemsOfAFixtureAsJSON() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("ocr")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let image = TestEnvironment.repositoryRoot + "/Tests/OCRTests/Fixtures/menu-thousands-market.jpg"
        let status = try ChildProcess.run(
            try TestEnvironment.responderBinary(), ["ocr", image], logPath: directory + "/out.json",
            timeout: .seconds(60))
        #expect(status == 0)
        let output = try String(contentsOfFile: directory + "/out.json", encoding: .utf8)
        // stdout and stderr share the log; the JSON array is the line that starts with '['.
        let json = try #require(output.split(separator: "\n").first { $0.hasPrefix("[") })
        let results = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(results.count == 1)
        #expect(results.first?["provider"] as? String == "tesseract")
        #expect(results.first?["success"] as? Bool == true)
        let items = try #require(results.first?["menu_items"] as? [[String: Any]])
        #expect(items.count == 5)
        #expect(items.allSatisfy { ($0["name_ko"] as? String)?.isEmpty == false })
    }

    @Test func unreadableFileExitsNonZero() throws {
        let status = try ChildProcess.run(
            try TestEnvironment.responderBinary(), ["ocr", "/nonexistent/menu.jpg"], timeout: .seconds(60))
        #expect(status == 1)
    }
}
