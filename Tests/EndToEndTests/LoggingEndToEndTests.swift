import Foundation
import Glibc
import JSON
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Synchronization
import Testing

/// The service's own log lines through the real stack (issue 14), and issue 15's secrets check: a session mixing
/// keys, tokens, failing providers, webhooks and a 5xx, after which no secret is in any log or response body.
@Suite(.serialized) struct LoggingEndToEndTests {
    static let uploadRoute = "/api/v1/b2b/restaurants/{restaurant_id}/menus/upload-images"

    /// Every line of the responder's log that is one of its own (`ts=` first), read as logfmt.
    static func logfmtLines(_ service: LiveService) throws -> [LogfmtLine] {
        try service.responder.log().split(separator: "\n").filter { $0.hasPrefix("ts=") }.map {
            try LogfmtLine(String($0))
        }
    }

    @Test func anUploadLogsOneRequestLineAndOneOCRLinePerFileSyncAndAsync() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.menu(items: JobsEndToEndTests.menu, promptTokens: 1200, completionTokens: 80)])
        let service = try LiveService(
            databaseURL: fixture.schema.url, environment: JobsEndToEndTests.environment(gpt: gpt))
        defer { service.stop() }
        let restaurant = fixture.restaurant.uuidString.lowercased()

        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        let sync = try UploadFixture.upload(
            service, path: fixture.uploadPath, files: [("menu.jpg", jpeg), ("broken.jpg", [0xFF, 0xD8, 0x00])])
        #expect(sync.status == 200)
        let syncRequest = try #require(sync.headers["x-request-id"])
        let syncTask = try #require(try sync.jsonObject()["task_id"] as? String)

        var lines = try Self.logfmtLines(service)
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.keys.starts(with: ["ts", "level", "msg"]) })
        let requestLines = lines.filter { $0["msg"] == "Request answered" && $0["mke.request.id"] == syncRequest }
        #expect(requestLines.count == 1)
        let requestLine = try #require(requestLines.first)
        #expect(requestLine["level"] == "info")
        #expect(requestLine["mke.request.method"] == "POST")
        #expect(requestLine["mke.request.route"] == Self.uploadRoute)
        #expect(requestLine["mke.response.status"] == "200")
        #expect(requestLine["mke.restaurant"] == restaurant)
        #expect(requestLine["mke.response.ms"].flatMap(Double.init) != nil)
        #expect(!lines.contains { $0["mke.request.route"]?.contains(restaurant) == true }, "the template, not the path")

        let ocrLines = lines.filter { $0["msg"] == "OCR file done" && $0["mke.task"] == syncTask }
        #expect(ocrLines.count == 2, "one OCR line per file")
        let read = try #require(ocrLines.first { $0["mke.file"] == "0" })
        #expect(read["level"] == "info")
        #expect(read["mke.request.id"] == syncRequest)
        #expect(read["mke.restaurant"] == restaurant)
        #expect(read["mke.ocr.status"] == "success")
        #expect(read["mke.ocr.provider"] == "gpt_vision")
        #expect(read["mke.tier"] == "1")
        #expect(read["mke.ocr.fallback"] == "false")
        #expect(read["mke.ocr.fallback_reason"] == "")
        #expect(read["mke.ocr.cached"] == "false")
        #expect(read["mke.ocr.items"] == "2")
        #expect(read["mke.ocr.confidence"].flatMap(Double.init).map { $0 > 0 && $0 <= 1 } == true)
        #expect(read["mke.ocr.ms"].flatMap(Int.init) != nil)
        #expect(read["mke.ocr.prompt_tokens"] == "1200")
        #expect(read["mke.ocr.completion_tokens"] == "80")
        let broken = try #require(ocrLines.first { $0["mke.file"] == "1" })
        #expect(broken["mke.ocr.status"] == "invalid_image")
        #expect(broken["mke.ocr.fallback"] == "false")

        // The same image again, asynchronously: the job worker logs the file's line, a cache hit.
        let accepted = try UploadFixture.upload(
            service, path: fixture.uploadPath + "?async=true", files: [("again.jpg", jpeg)])
        #expect(accepted.status == 202)
        let asyncRequest = try #require(accepted.headers["x-request-id"])
        let asyncTask = try #require(try accepted.jsonObject()["task_id"] as? String)
        _ = try JobsEndToEndTests.waitForTask(service, asyncTask)
        lines = try Self.logfmtLines(service)
        let queued = lines.filter { $0["msg"] == "Request answered" && $0["mke.request.id"] == asyncRequest }
        #expect(queued.count == 1)
        #expect(queued.first?["mke.response.status"] == "202")
        let hits = lines.filter { $0["msg"] == "OCR file done" && $0["mke.task"] == asyncTask }
        #expect(hits.count == 1)
        #expect(hits.first?["mke.ocr.cached"] == "true")
        #expect(hits.first?["mke.ocr.provider"] == "gpt_vision")
        #expect(hits.first?["mke.ocr.prompt_tokens"] == "0", "a cache hit asks no provider")
        #expect(hits.first?["mke.restaurant"] == restaurant)
        let polls = lines.filter { $0["mke.request.route"] == "/api/v1/b2b/tasks/{task_id}" }
        #expect(!polls.isEmpty && polls.allSatisfy { $0["mke.response.status"] == "200" })
        #expect(gpt.callCount == 1)
    }

    /// A body over the responder's limit is refused before the router: its request line is written all the same.
    @Test func aBodyRefusedBeforeTheRouterStillLogsItsRequestLine() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(
            databaseURL: fixture.schema.url, environment: ["MENU_API_MAX_BODY_BYTES": "1000"])
        defer { service.stop() }
        let response = try service.request(
            "POST", fixture.uploadPath, headers: [("Content-Type", "application/octet-stream")],
            body: Array(repeating: 0x41, count: 5000))
        #expect(response.status == 413)
        let requestID = try #require(response.headers["x-request-id"])
        let lines = try Self.logfmtLines(service).filter { $0["mke.request.id"] == requestID }
        let requestLines = lines.filter { $0["msg"] == "Request answered" }
        #expect(requestLines.count == 1)
        #expect(requestLines.first?["mke.response.status"] == "413")
        #expect(requestLines.first?["mke.request.method"] == "POST")
        #expect(requestLines.first?["mke.request.route"] == "unmatched")
    }

    // MARK: - Secrets (issue 15)

    /// The secrets of one session, each unique to this run so that a match can only come from it.
    struct Secrets {
        let run = UUID().uuidString.prefix(8).lowercased()
        var openAIKey: String { "sk-proj-LEAKCHECK-openai-\(run)-0123456789abcdef" }
        var clovaSecret: String { "LEAKCHECK-clova-secret-\(run)" }
        var adminToken: String { "LEAKCHECK-admin-token-\(run)-0123456789" }
        var wrongAdminToken: String { "LEAKCHECK-wrong-admin-\(run)-0123456789" }
        var wrongRestaurantKey: String { "LEAKCHECK-wrong-key-\(run)" }
        var callbackPassword: String { "LEAKCHECK-callback-pw-\(run)" }
    }

    @Test func noSecretReachesALogOrAResponseBody() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let (other, otherKey) = try PostgresRestaurantStore(connection: fixture.connection).create(name: "다른 식당")
        let secrets = Secrets()
        let gpt = try FakeOpenAIServer(apiKey: secrets.openAIKey)
        let clova = try FakeClovaServer(secret: secrets.clovaSecret)
        let receiver = try FakeHTTPServer { _ in .json(200, "{}") }
        defer {
            gpt.stop()
            clova.stop()
            receiver.stop()
        }
        // Providers that fail and quote what they were sent, as OpenAI's 401 quotes the key; the error code (the
        // part of the body the providers' messages repeat) quotes it too, as a gateway echoing its input would.
        gpt.script([
            .error(
                status: 401, type: "invalid_request_error", code: "invalid_api_key:\(secrets.openAIKey)",
                message: "Incorrect API key provided: \(secrets.openAIKey)."),
            .menu(items: JobsEndToEndTests.menu),
            .serverError(),
        ])
        clova.script([
            .error(
                status: 401, code: "0002:\(secrets.clovaSecret)", message: "Secret \(secrets.clovaSecret) is not valid"),
            .lines([["비빔밥", "9,000원"], ["냉면", "8,000원"]]),
        ])
        var environment = MetricsEndToEndTests.environment(gpt: gpt, clova: clova)
        environment["ADMIN_TOKEN"] = secrets.adminToken
        environment["LOG_FORMAT"] = "json"
        environment["MENU_API_JOB_POLL_SECONDS"] = "0.2"
        environment["WEBHOOK_TIMEOUT_SECONDS"] = "2"
        let service = try LiveService(databaseURL: fixture.schema.url, environment: environment)
        defer { service.stop() }
        let webhookSecret = try JobsEndToEndTests.setWebhook(
            fixture, service: service, url: receiver.baseURL + "/hooks")

        var responses: [TestHTTPResponse] = []
        func keep(_ response: TestHTTPResponse, _ status: Int, _ what: String) {
            #expect(response.status == status, "\(what): \(response.text)")
            responses.append(response)
        }
        let key = ("Authorization", "Bearer \(fixture.apiKey)")
        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        keep(try service.request("GET", "/api/v1/health"), 200, "health")
        keep(
            try UploadFixture.upload(
                service, path: fixture.uploadPath, files: [("fails.jpg", MetricsEndToEndTests.variant(jpeg, "1"))],
                headers: [key]), 200, "both tiers failing")
        keep(
            try UploadFixture.upload(
                service, path: fixture.uploadPath, files: [("reads.jpg", MetricsEndToEndTests.variant(jpeg, "2"))],
                headers: [("X-API-Key", fixture.apiKey)]), 200, "GPT reading")
        let accepted = try UploadFixture.upload(
            service, path: fixture.uploadPath + "?async=true",
            files: [("falls-back.jpg", MetricsEndToEndTests.variant(jpeg, "3"))], headers: [key])
        keep(accepted, 202, "async upload")
        let task = try #require(try accepted.jsonObject()["task_id"] as? String)
        _ = try JobsEndToEndTests.waitForTask(service, task)
        keep(try service.request("GET", "/api/v1/b2b/tasks/\(task)", headers: [key]), 200, "task")
        keep(
            try UploadFixture.upload(
                service, path: fixture.uploadPath, files: [("x.jpg", jpeg)],
                headers: [("Authorization", "Bearer \(otherKey)")]), 403, "another restaurant's key")
        keep(
            try UploadFixture.upload(
                service, path: "/api/v1/b2b/restaurants/\(other.uuidString.lowercased())/menus/upload-images",
                files: [("x.jpg", jpeg)], headers: [("Authorization", "Bearer \(secrets.wrongRestaurantKey)")]),
            401, "an unknown key")
        for callback in [
            "http://user:\(secrets.callbackPassword)@127.0.0.1:\(receiver.port)/hooks",
            "http://user:\(secrets.callbackPassword)@[bad",
        ] {
            var form = MultipartBody()
            form.addField("callback_url", callback)
            form.addFile(jpeg, filename: "cb.jpg")
            keep(
                try service.request(
                    "POST", fixture.uploadPath, headers: [("Content-Type", form.contentType), key], body: form.body),
                400, "a callback URL with credentials")
        }
        keep(
            try service.request(
                "GET", "/api/v1/admin/ocr/metrics", headers: [("Authorization", "Bearer \(secrets.adminToken)")]),
            200, "metrics")
        keep(
            try service.request(
                "GET", "/api/v1/admin/ocr/metrics", headers: [("Authorization", "Bearer \(secrets.wrongAdminToken)")]),
            403, "metrics with a wrong token")
        // A 5xx: the menu's table gone under the responder.
        try fixture.connection.executeScript(unsafeSQL: "ALTER TABLE menu_entries RENAME TO menu_entries_gone")
        keep(
            try service.request("GET", fixture.uploadPath.replacing("/upload-images", with: ""), headers: [key]), 500,
            "5xx")

        // Three tasks ended with a webhook each (the two synchronous uploads and the async one).
        let deadline = ContinuousClock.now + .seconds(20)
        while receiver.requests.count < 3, ContinuousClock.now < deadline { usleep(50_000) }
        #expect(receiver.requests.count == 3)
        usleep(300_000)  // the worker logs the delivery after its 2xx

        // The secrets were in play: the providers got them, the webhooks were signed with one.
        #expect(gpt.requests.contains { $0.header("authorization") == "Bearer \(secrets.openAIKey)" })
        #expect(clova.requests.contains { $0.header("x-ocr-secret") == secrets.clovaSecret })
        #expect(receiver.requests.allSatisfy { $0.header("x-menu-api-signature") != nil })

        // The logs are there and are the service's lines, so an empty or unread log cannot pass.
        let responderLog = service.responder.log()
        let objects = try responderLog.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(objects.count > 20)
        let messages = objects.compactMap { $0["msg"]?.stringValue }
        #expect(messages.filter { $0 == "Request answered" || $0 == "Request failed" }.count >= responses.count)
        #expect(messages.contains("Request failed"), "the 5xx is logged")
        #expect(messages.filter { $0 == "OCR file done" }.count >= 3)
        #expect(messages.contains("Webhook delivered"))
        let tierFailures = objects.filter { $0["msg"]?.stringValue == "OCR tier failed" }
        #expect(tierFailures.count >= 3, "GPT's 401 and 5xx, CLOVA's 401")
        #expect(
            tierFailures.contains { $0["mke.error"]?.stringValue?.contains("<redacted>") == true },
            "the providers' echo reached the log, redacted")
        let nginxDirectory = service.directory + "/nginx/logs"
        let accessLog = (try? String(contentsOfFile: nginxDirectory + "/access.log", encoding: .utf8)) ?? ""
        let errorLog = (try? String(contentsOfFile: nginxDirectory + "/error.log", encoding: .utf8)) ?? ""
        #expect(accessLog.split(separator: "\n").count >= responses.count)

        let sources: [(String, String)] =
            [
                ("responder log", responderLog), ("nginx access log", accessLog), ("nginx error log", errorLog),
                ("nginx output", service.nginx.log()),
            ] + responses.enumerated().map { ("response \($0.offset) body", $0.element.text) }
        let named: [(String, String)] = [
            ("OpenAI key", secrets.openAIKey), ("CLOVA secret", secrets.clovaSecret),
            ("admin token", secrets.adminToken), ("wrong admin token", secrets.wrongAdminToken),
            ("restaurant key", fixture.apiKey), ("other restaurant's key", otherKey),
            ("unknown key", secrets.wrongRestaurantKey), ("webhook secret", webhookSecret),
            ("callback password", secrets.callbackPassword),
        ]
        for (secretName, secret) in named {
            for (sourceName, text) in sources {
                #expect(!text.contains(secret), "\(secretName) found in \(sourceName)")
            }
        }
    }
}
