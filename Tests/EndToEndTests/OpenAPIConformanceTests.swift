import Foundation
import MenuKnowledgeTesting
import Testing

/// `openapi.yaml` is the contract, and these tests hold the service to it: openapi-spec-validator checks the file,
/// and schemathesis (both from PyPI; `scripts/deps.sh test` installs them) sends generated requests through real
/// nginx to the responder and PostgreSQL, failing on any status, content type, header or body the file does not
/// document, and on any 5xx.
@Suite(.serialized) struct OpenAPIConformanceTests {
    static let specification = TestEnvironment.repositoryRoot + "/openapi.yaml"
    static let configuration = TestEnvironment.repositoryRoot + "/Tests/EndToEndTests/OpenAPI/schemathesis.toml"
    static let adminToken = "openapi-conformance-admin-token"

    @Test func theSpecificationIsValidOpenAPI() throws {
        let (status, output) = try Self.python(["-m", "openapi_spec_validator", Self.specification])
        #expect(status == 0, "openapi-spec-validator: \(output)")
        #expect(output.contains("OK"), "openapi-spec-validator: \(output)")
    }

    @Test func schemathesisFindsNothingUndocumentedThroughNginx() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.menu(items: JobsEndToEndTests.menu)])
        // KEEP_UPLOADS: the task's file route answers its image, not only 404. The admin token: the metrics route
        // is checked with the credential it needs in production.
        let service = try LiveService(
            databaseURL: fixture.schema.url,
            environment: JobsEndToEndTests.environment(
                gpt: gpt, extra: ["ADMIN_TOKEN": Self.adminToken, "KEEP_UPLOADS": "1"]))
        defer { service.stop() }

        // A real task and a real item, so the fixed path parameters lead to the handlers' answers.
        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        let upload = try UploadFixture.upload(
            service, path: fixture.uploadPath, files: [("menu.jpg", jpeg)], headers: [("X-API-Key", fixture.apiKey)])
        #expect(upload.status == 200)
        let task = try #require(try upload.jsonObject()["task_id"] as? String)
        let results = try #require(try upload.jsonObject()["results"] as? [[String: Any]])
        let items = try #require(results.first?["menu_items"] as? [[String: Any]])
        let item = try #require(items.first?["item_id"] as? String)
        let deletedItem = try #require(items.last?["item_id"] as? String)
        #expect(item != deletedItem)

        let (status, output) = try Self.python(
            [
                "-m", "schemathesis.cli", "--config-file", Self.configuration, "run", Self.specification,
                "--url", "http://127.0.0.1:\(service.port)", "--no-color",
            ],
            environment: [
                "MENU_API_RESTAURANT_ID": fixture.restaurant.uuidString.lowercased(), "MENU_API_KEY": fixture.apiKey,
                "MENU_API_TASK_ID": task, "MENU_API_ITEM_ID": item, "MENU_API_DELETED_ITEM_ID": deletedItem,
                "MENU_API_ADMIN_TOKEN": Self.adminToken,
            ],
            timeout: .seconds(300))
        #expect(status == 0, "schemathesis failed:\n\(output)")
        let summary = Self.summary(of: output)
        #expect(summary.passed > 0, "schemathesis ran no test case:\n\(output)")
        #expect(summary.failed == 0, "schemathesis:\n\(output)")
        #expect(!service.responder.log().contains("Unexpected error"), "a 500 was logged: \(service.responder.log())")
    }

    /// The counts of schemathesis's closing summary (`Test cases: N generated, N found M unique failures` or
    /// `N generated, N passed`).
    static func summary(of output: String) -> (passed: Int, failed: Int) {
        var passed = 0
        var failed = 0
        for line in output.split(separator: "\n") where line.contains("generated") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "," })
            for (index, word) in words.enumerated().dropFirst() {
                guard let count = Int(words[index - 1]) else { continue }
                if word == "passed" { passed = count }
                if word.hasPrefix("found") || word == "failed" { failed = max(failed, count) }
            }
        }
        return (passed, failed)
    }

    /// Runs python3 (the one on PATH, where `scripts/deps.sh` installed the packages) with `arguments`.
    /// - Returns: the exit status and everything it printed.
    static func python(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)
    ) throws -> (status: Int32, output: String) {
        let python = try TestEnvironment.program("python3")
        let directory = try TestEnvironment.makeTemporaryDirectory("python")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logPath = directory + "/output"
        let status = try ChildProcess.run(
            python, arguments, environment: environment, logPath: logPath, timeout: timeout)
        return (status, (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }
}
