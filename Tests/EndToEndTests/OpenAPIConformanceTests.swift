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
        #expect(summary.generated > 0, "schemathesis generated no test case")
        #expect(summary.failed == 0, "schemathesis found \(summary.failed) failures")
        // Every operation of the file was run: one left out (an unreadable definition) would pass unnoticed.
        let selected = Self.value(after: "Selected:", in: output)
        #expect(selected != nil && selected == Self.value(after: "Tested:", in: output).map { "\($0)/\($0)" })
        #expect(!service.responder.log().contains("Unexpected error"), "the responder logged a 500")
    }

    /// The counts of schemathesis's closing summary: `Test cases:` then `N generated, N passed`, or `N generated,
    /// N found M unique failures` when some failed.
    static func summary(of output: String) -> (generated: Int, failed: Int) {
        var generated = 0
        var failed = 0
        for line in output.split(separator: "\n") where line.contains(" generated") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "," })
            for (index, word) in words.enumerated().dropFirst() {
                guard let count = Int(words[index - 1]) else { continue }
                if word == "generated" { generated = count }
                if word == "found" || word == "failed" { failed = max(failed, count) }
            }
        }
        return (generated, failed)
    }

    /// The first word after `label` in the output (`Selected: 12/12`, `Tested: 12`).
    static func value(after label: String, in output: String) -> String? {
        guard let range = output.range(of: label) else { return nil }
        return output[range.upperBound...].split(whereSeparator: \.isWhitespace).first.map(String.init)
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
        // Hypothesis (under schemathesis) keeps a cache in `.hypothesis/` of the working directory, the checkout's:
        // it goes into this run's own directory instead, removed with it.
        var variables = environment
        variables["HYPOTHESIS_STORAGE_DIRECTORY"] = directory + "/hypothesis"
        let status = try ChildProcess.run(
            python, arguments, environment: variables, logPath: logPath, timeout: timeout)
        return (status, (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }
}
