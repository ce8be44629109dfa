import Digest
import Dispatch
import Foundation
import Glibc
import Logging
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Synchronization
import Testing

/// Asynchronous uploads through nginx: 202 and polling, PostgreSQL-backed workers in the responder and in
/// `menu-api worker` processes, signed webhooks with retries, idempotency keys. The fake OpenAI server is Tier 1.
@Suite(.serialized) struct JobsEndToEndTests {
    static func environment(gpt: FakeOpenAIServer, extra: [String: String] = [:]) -> [String: String] {
        var variables = [
            "OPENAI_API_KEY": gpt.apiKey, "OPENAI_BASE_URL": gpt.baseURL, "OPENAI_MAX_RETRIES": "0",
            "OCR_TIERS": "gpt_vision", "MENU_API_JOB_POLL_SECONDS": "0.2", "OCR_JOB_LEASE_SECONDS": "2",
            "WEBHOOK_RETRY_SCHEDULE_SECONDS": "0.3,0.3", "WEBHOOK_TIMEOUT_SECONDS": "2",
        ]
        for (name, value) in extra { variables[name] = value }
        return variables
    }

    static let menu: [FakeMenuItem] = [FakeMenuItem("김치찌개", 8000), FakeMenuItem("된장찌개", 7500)]

    /// A `menu-api worker` process with `threads` workers on the service's database and settings, logging to
    /// `name.log` in the service's directory.
    static func startWorker(
        threads: Int, name: String, environment: [String: String], service: LiveService, databaseURL: String
    ) throws -> ChildProcess {
        var variables = ProcessInfo.processInfo.environment
        for (variable, value) in environment { variables[variable] = value }
        variables["DATABASE_URL"] = databaseURL
        variables["LOG_LEVEL"] = "debug"
        return try ChildProcess(
            executable: try TestEnvironment.responderBinary(), arguments: ["worker", "--workers", String(threads)],
            environment: variables, logPath: service.directory + "/\(name).log")
    }

    /// Sets the fixture restaurant's webhook with `menu-api restaurants set-webhook`, as an operator does.
    /// - Returns: the signing secret it printed.
    static func setWebhook(_ fixture: UploadFixture, service: LiveService, url: String) throws -> String {
        let output = service.directory + "/set-webhook.out"
        let status = try ChildProcess.run(
            try TestEnvironment.responderBinary(),
            ["restaurants", "set-webhook", fixture.restaurant.uuidString, "--url", url],
            environment: ["DATABASE_URL": fixture.schema.url], logPath: output)
        #expect(status == 0)
        let printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let secret = try #require(
            printed.split(separator: "\n").first { $0.hasPrefix("webhook_secret: ") }.map {
                String($0.dropFirst("webhook_secret: ".count))
            })
        #expect(secret.hasPrefix("whsec_"))
        return secret
    }

    /// Polls the task until it has ended, returning the last body.
    static func waitForTask(
        _ service: LiveService, _ taskID: String, timeout: Duration = .seconds(60)
    ) throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let response = try service.request("GET", "/api/v1/b2b/tasks/\(taskID)")
            #expect(response.status == 200)
            let body = try response.jsonObject()
            let status = body["status"] as? String ?? ""
            if ["completed", "failed", "interrupted"].contains(status) {
                #expect(response.headers["retry-after"] == nil)
                return body
            }
            #expect(response.headers["retry-after"] == "2")
            guard ContinuousClock.now < deadline else {
                throw TestEnvironmentError(description: "task \(taskID) still \(status) after \(timeout)")
            }
            usleep(100_000)
        }
    }

    @Test func anAsyncUploadAnswers202AtOnceAndPollingReachesTheSynchronousResults() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.delayed(.seconds(3), .menu(items: Self.menu))])
        let service = try LiveService(databaseURL: fixture.schema.url, environment: Self.environment(gpt: gpt))
        defer { service.stop() }

        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        let accepted = try UploadFixture.upload(
            service, path: fixture.uploadPath, files: [("menu.jpg", jpeg), ("broken.jpg", [0xFF, 0xD8, 0x00])],
            headers: [("Prefer", "respond-async, wait=5")])
        #expect(accepted.status == 202)
        let body = try accepted.jsonObject()
        let taskID = try #require(body["task_id"] as? String)
        #expect(body["success"] as? Bool == true)
        #expect(body["status"] as? String == "queued")
        #expect(body["total"] as? Int == 2)
        #expect(body["status_url"] as? String == "/api/v1/b2b/tasks/\(taskID)")
        #expect(accepted.headers["location"] == "/api/v1/b2b/tasks/\(taskID)")
        #expect(accepted.headers["preference-applied"] == "respond-async")

        // The 202 did not wait for the provider: the good file is not done (only the broken one's event exists), and
        // the broken file failed at once, before any worker.
        #expect(try fixture.count("SELECT count(*) FROM ocr_events") == 1)
        let early = try service.request("GET", "/api/v1/b2b/tasks/\(taskID)")
        let earlyBody = try early.jsonObject()
        #expect(["queued", "processing"].contains(earlyBody["status"] as? String ?? ""))
        #expect(earlyBody["done"] as? Int == 1)
        #expect(earlyBody["failed"] as? Int == 1)
        #expect(earlyBody["finished_at"] is NSNull)
        #expect(early.headers["retry-after"] == "2")

        let finished = try Self.waitForTask(service, taskID)
        #expect(finished["status"] as? String == "completed")
        #expect(finished["done"] as? Int == 2)
        #expect(finished["successful"] as? Int == 1)
        #expect(finished["failed"] as? Int == 1)
        #expect(finished["finished_at"] is String)
        let results = try #require(finished["results"] as? [[String: Any]])
        #expect(results.map { $0["file"] as? String } == ["menu.jpg", "broken.jpg"])
        #expect((results[1]["error"] as? [String: Any])?["code"] as? String == "invalid_image")
        let asyncHash = try #require(results[0]["result_hash"] as? String)
        #expect(results[0]["provider"] as? String == "gpt_vision")
        #expect((results[0]["menu_items"] as? [Any])?.count == 2)

        // The same file synchronously: the same result (from the cache the worker filled), the same fields.
        let sync = try UploadFixture.upload(service, path: fixture.uploadPath, files: [("menu.jpg", jpeg)])
        #expect(sync.status == 200)
        let syncResult = try #require((try sync.jsonObject()["results"] as? [[String: Any]])?.first)
        #expect(syncResult["result_hash"] as? String == asyncHash)
        #expect(syncResult["cached"] as? Bool == true)
        #expect(Set(syncResult.keys).subtracting(["attempts"]) == Set(results[0].keys).subtracting(["attempts"]))
        #expect(gpt.callCount == 1)
        #expect(try fixture.count("SELECT count(*) FROM ocr_events") == 3)
        #expect(try fixture.count("SELECT count(*) FROM upload_file_bytes") == 0, "bytes are deleted once read")
        #expect(try fixture.count("SELECT count(*) FROM upload_files WHERE state = 'done' AND claims = 1") == 1)
    }

    @Test func aWebhookGetsOneSignedDeliveryPerTaskAndAFailingReceiverGetsRetries() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.menu(items: Self.menu)])
        // The receiver fails the first two attempts of every delivery, then takes it.
        let received = Mutex<[FakeHTTPRequest]>([])
        let receiver = try FakeHTTPServer { request in
            let count = received.withLock {
                $0.append(request)
                return $0.count
            }
            return count <= 2 ? .json(500, #"{"error":"busy"}"#) : .json(200, "{}")
        }
        defer { receiver.stop() }

        let admin = MetricsEndToEndTests.adminToken
        let service = try LiveService(
            databaseURL: fixture.schema.url, environment: Self.environment(gpt: gpt, extra: ["ADMIN_TOKEN": admin]))
        defer { service.stop() }
        let secret = try Self.setWebhook(fixture, service: service, url: receiver.baseURL + "/hooks/menu")
        #expect(secret.count > 40)

        let accepted = try UploadFixture.upload(
            service, path: fixture.uploadPath + "?async=true",
            files: [("menu.jpg", try UploadFixture.image("menu-rotated.jpg"))])
        #expect(accepted.status == 202)
        let taskID = try #require(try accepted.jsonObject()["task_id"] as? String)
        _ = try Self.waitForTask(service, taskID)

        let deadline = ContinuousClock.now + .seconds(20)
        while received.withLock({ $0.count }) < 3, ContinuousClock.now < deadline { usleep(50_000) }
        usleep(800_000)  // no fourth attempt may follow the 2xx
        let requests = received.withLock { $0 }
        #expect(requests.count == 3)
        let deliveries = Set(requests.compactMap { $0.header("x-menu-api-delivery") })
        #expect(deliveries.count == 1, "retries keep the delivery id")
        for request in requests {
            #expect(request.method == "POST")
            #expect(request.path == "/hooks/menu")
            #expect(request.header("content-type") == "application/json")
            #expect(request.header("x-menu-api-event") == "task.completed")
            let signature = try #require(request.header("x-menu-api-signature"))
            #expect(Self.verify(signature, secret: secret, body: request.body))
            #expect(!Self.verify(signature, secret: secret, body: request.body + [0x20]), "a changed body fails")
            #expect(!Self.verify(signature, secret: "whsec_other", body: request.body))
            let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect(body["task_id"] as? String == taskID)
            #expect(body["status"] as? String == "completed")
            #expect((body["results"] as? [Any])?.count == 1)
        }
        #expect(!requests.contains { $0.text.contains(secret) }, "the secret never travels")
        #expect(
            try fixture.count(
                "SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id "
                    + "WHERE d.state = 'sent'") == 3)
        #expect(try fixture.count("SELECT count(*) FROM webhook_attempts WHERE http_status = 500") == 2)
        #expect(!service.responder.log().contains(secret), "the secret is never logged")

        // The metrics count the claim and the deliveries, in JSON and in Prometheus text.
        let queue = try #require(try MetricsEndToEndTests.metrics(service)["queue"] as? [String: Any])
        #expect(queue["queued"] as? Int == 0)
        #expect(queue["claims"] as? Int == 1)
        #expect(queue["reclaims"] as? Int == 0)
        let webhooks = try #require(queue["webhooks"] as? [String: Any])
        #expect(webhooks["sent"] as? Int == 1)
        #expect(webhooks["pending"] as? Int == 0)
        #expect(webhooks["failed_attempts"] as? Int == 2)
        let prometheus = try service.request(
            "GET", "/api/v1/admin/ocr/metrics?format=prometheus", headers: [("Authorization", "Bearer \(admin)")])
        #expect(prometheus.text.contains("\nmenu_api_queue_claims_total 1\n"))
        #expect(prometheus.text.contains("\nmenu_api_webhook_deliveries{state=\"sent\"} 1\n"))
        #expect(prometheus.text.contains("\nmenu_api_webhook_failed_attempts_total 2\n"))
        let ready = try service.request("GET", "/api/v1/health/ready")
        #expect((try ready.jsonObject()["queue"] as? [String: Any])?["queued"] as? Int == 0)
    }

    /// The receiver's check, written from the README's description: HMAC-SHA256 over "<t>.<body>", `t` recent.
    static func verify(_ header: String, secret: String, body: [UInt8]) -> Bool {
        var fields: [String: String] = [:]
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let t = fields["t"], let timestamp = Int(t), let v1 = fields["v1"],
            abs(Int(Date().timeIntervalSince1970) - timestamp) < 300
        else { return false }
        let expected = HMACSHA256.authenticationCode(key: Array(secret.utf8), message: Array("\(t).".utf8) + body)
        return SHA256.hex(expected) == v1
    }

    @Test func idempotencyKeysReplayRefuseAReusedKeyAndAnswer409WhileRunning() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.delayed(.milliseconds(1500), .menu(items: Self.menu))])
        let service = try LiveService(databaseURL: fixture.schema.url, environment: Self.environment(gpt: gpt))
        defer { service.stop() }
        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        let other = MetricsEndToEndTests.variant(jpeg, "other")

        // Synchronous: a second request with the key while the first runs is 409; after it, the stored answer.
        let port = service.port
        let path = fixture.uploadPath
        let first = Mutex<TestHTTPResponse?>(nil)
        let thread = Thread {
            let response = try? UploadFixture.upload(
                port: port, path: path, files: [("menu.jpg", jpeg)], headers: [("Idempotency-Key", "sync-1")])
            first.withLock { $0 = response }
        }
        thread.start()
        let inside = ContinuousClock.now + .seconds(10)
        while gpt.callCount < 1, ContinuousClock.now < inside { usleep(20_000) }
        let during = try UploadFixture.upload(
            service, path: path, files: [("menu.jpg", jpeg)], headers: [("Idempotency-Key", "sync-1")])
        #expect(during.status == 409)
        #expect(Check.errorCode(during) == "request_in_progress")
        #expect(during.headers["retry-after"] != nil)
        let deadline = ContinuousClock.now + .seconds(30)
        while first.withLock({ $0 }) == nil, ContinuousClock.now < deadline { usleep(50_000) }
        let original = try #require(first.withLock { $0 })
        #expect(original.status == 200)
        let replay = try UploadFixture.upload(
            service, path: path, files: [("menu.jpg", jpeg)], headers: [("Idempotency-Key", "sync-1")])
        #expect(replay.status == 200)
        #expect(replay.body == original.body)
        #expect(replay.headers["idempotent-replayed"] == "true")

        // The key with other files is refused; another key runs.
        let reused = try UploadFixture.upload(
            service, path: path, files: [("menu.jpg", other)], headers: [("Idempotency-Key", "sync-1")])
        #expect(reused.status == 422)
        #expect(Check.errorCode(reused) == "idempotency_key_reused")

        // Asynchronous: the retry gets the same task back, and nothing is queued twice.
        let asyncFirst = try UploadFixture.upload(
            service, path: path + "?async=true", files: [("other.jpg", other)],
            headers: [("Idempotency-Key", "async-1")])
        let asyncAgain = try UploadFixture.upload(
            service, path: path + "?async=true", files: [("other.jpg", other)],
            headers: [("Idempotency-Key", "async-1")])
        #expect(asyncFirst.status == 202)
        #expect(asyncAgain.status == 202)
        let taskID = try #require(try asyncFirst.jsonObject()["task_id"] as? String)
        #expect(try asyncAgain.jsonObject()["task_id"] as? String == taskID)
        #expect(asyncAgain.headers["location"] == "/api/v1/b2b/tasks/\(taskID)")
        _ = try Self.waitForTask(service, taskID)
        #expect(try fixture.count("SELECT count(*) FROM upload_tasks") == 2)
        #expect(gpt.callCount == 2)

        let badKey = try UploadFixture.upload(
            service, path: path, files: [("menu.jpg", jpeg)],
            headers: [("Idempotency-Key", String(repeating: "k", count: 256))])
        #expect(badKey.status == 400)
        #expect(Check.errorCode(badKey) == "invalid_idempotency_key")
    }

    @Test func aKilledWorkersFileIsFinishedByAnotherWithOneEvent() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.delayed(.seconds(4), .menu(items: Self.menu)), .menu(items: Self.menu)])
        // The responder runs no job workers: only the worker processes read files.
        let environment = Self.environment(gpt: gpt, extra: ["MENU_API_JOB_WORKERS": "0"])
        let service = try LiveService(databaseURL: fixture.schema.url, environment: environment)
        defer { service.stop() }

        let doomed = try Self.startWorker(
            threads: 1, name: "worker-1", environment: environment, service: service, databaseURL: fixture.schema.url)
        try doomed.waitForLog("worker ready")

        let accepted = try UploadFixture.upload(
            service, path: fixture.uploadPath + "?async=true",
            files: [("menu.jpg", try UploadFixture.image("menu-rotated.jpg"))])
        let taskID = try #require(try accepted.jsonObject()["task_id"] as? String)
        // The first worker is inside the provider's 4 s when it dies.
        let deadline = ContinuousClock.now + .seconds(10)
        while gpt.callCount < 1, ContinuousClock.now < deadline { usleep(20_000) }
        #expect(gpt.callCount == 1)
        doomed.send(SIGKILL)
        _ = try doomed.waitForExit()

        let rescuer = try Self.startWorker(
            threads: 1, name: "worker-2", environment: environment, service: service, databaseURL: fixture.schema.url)
        defer { _ = try? rescuer.stop() }
        let finished = try Self.waitForTask(service, taskID, timeout: .seconds(30))
        #expect(finished["status"] as? String == "completed")
        #expect(finished["successful"] as? Int == 1)
        #expect(try fixture.count("SELECT count(*) FROM ocr_events") == 1)
        #expect(try fixture.count("SELECT claims FROM upload_files") == 2)
        #expect(rescuer.log().contains("Job file claimed again"))
    }

    @Test func aFileWhoseWorkersKeepDyingFailsAsWorkerLostPastTheClaimLimit() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.delayed(.seconds(10), .menu(items: Self.menu))])
        let environment = Self.environment(gpt: gpt, extra: ["MENU_API_JOB_WORKERS": "0", "OCR_MAX_CLAIMS": "1"])
        let service = try LiveService(databaseURL: fixture.schema.url, environment: environment)
        defer { service.stop() }
        let doomed = try Self.startWorker(
            threads: 1, name: "worker-1", environment: environment, service: service, databaseURL: fixture.schema.url)
        try doomed.waitForLog("worker ready")
        let accepted = try UploadFixture.upload(
            service, path: fixture.uploadPath + "?async=true",
            files: [("menu.jpg", try UploadFixture.image("menu-rotated.jpg"))])
        let taskID = try #require(try accepted.jsonObject()["task_id"] as? String)
        let deadline = ContinuousClock.now + .seconds(10)
        while gpt.callCount < 1, ContinuousClock.now < deadline { usleep(20_000) }
        doomed.send(SIGKILL)
        _ = try doomed.waitForExit()

        let rescuer = try Self.startWorker(
            threads: 1, name: "worker-2", environment: environment, service: service, databaseURL: fixture.schema.url)
        defer { _ = try? rescuer.stop() }
        let finished = try Self.waitForTask(service, taskID, timeout: .seconds(30))
        #expect(finished["status"] as? String == "failed")
        let result = try #require((finished["results"] as? [[String: Any]])?.first)
        #expect((result["error"] as? [String: Any])?["code"] as? String == "worker_lost")
        #expect(gpt.callCount == 1, "the second claim does not read the file again")
        #expect(try fixture.count("SELECT count(*) FROM ocr_events WHERE error_kind = 'worker_lost'") == 1)
    }

    @Test func twoWorkerProcessesAndTheResponderDrainAQueueReadingNoFileTwice() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.delayed(.milliseconds(200), .menu(items: Self.menu))])
        let environment = Self.environment(gpt: gpt, extra: ["MENU_API_JOB_WORKERS": "1"])
        let service = try LiveService(databaseURL: fixture.schema.url, environment: environment)
        defer { service.stop() }
        let workers = try (1...2).map { number in
            try Self.startWorker(
                threads: 2, name: "worker-\(number)", environment: environment, service: service,
                databaseURL: fixture.schema.url)
        }
        defer { for worker in workers { _ = try? worker.stop() } }
        for worker in workers { try worker.waitForLog("worker ready") }

        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        var taskIDs: [String] = []
        for batch in 0..<3 {
            let files = (0..<8).map {
                ("menu-\(batch)-\($0).jpg", MetricsEndToEndTests.variant(jpeg, "b\(batch)f\($0)"))
            }
            let accepted = try UploadFixture.upload(
                service, path: fixture.uploadPath, files: files, headers: [("Prefer", "respond-async")])
            #expect(accepted.status == 202)
            taskIDs.append(try #require(try accepted.jsonObject()["task_id"] as? String))
        }
        for taskID in taskIDs {
            let finished = try Self.waitForTask(service, taskID)
            #expect(finished["successful"] as? Int == 8)
        }
        #expect(gpt.callCount == 24, "every file was read once")
        #expect(try fixture.count("SELECT count(*) FROM ocr_events") == 24)
        #expect(try fixture.count("SELECT count(*) FROM upload_files WHERE claims <> 1") == 0)
        // The work was shared: each worker process finished some files.
        for worker in workers {
            #expect(worker.log().contains("Job file finished"))
        }
    }
}

/// PDF menus, synchronous and asynchronous: each page read as an image of the file, listed with its page.
@Suite(.serialized) struct PDFUploadEndToEndTests {
    @Test func aTwoPagePDFIsReadPageByPageBesideAPhoto() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.menu(items: JobsEndToEndTests.menu)])
        let service = try LiveService(
            databaseURL: fixture.schema.url, environment: JobsEndToEndTests.environment(gpt: gpt))
        defer { service.stop() }
        let pdf = try UploadFixture.image("menu-two-pages.pdf")
        let broken = Array(pdf.prefix(400))

        let sync = try UploadFixture.upload(
            service, path: fixture.uploadPath,
            files: [
                ("menu.pdf", pdf), ("photo.jpg", try UploadFixture.image("menu-rotated.jpg")), ("cut.pdf", broken),
            ])
        #expect(sync.status == 200)
        let body = try sync.jsonObject()
        #expect(body["total"] as? Int == 4)
        #expect(body["successful"] as? Int == 3)
        let results = try #require(body["results"] as? [[String: Any]])
        #expect(results.map { $0["file"] as? String } == ["menu.pdf", "menu.pdf", "photo.jpg", "cut.pdf"])
        #expect(results.map { $0["page"] as? Int } == [1, 2, nil, nil])
        #expect(results[0]["status"] as? String == "success")
        #expect(results[1]["status"] as? String == "success")
        #expect((results[3]["error"] as? [String: Any])?["code"] as? String == "invalid_image")
        #expect(results[0]["result_hash"] as? String != nil)
        #expect(gpt.callCount == 3, "two pages and the photo")

        // Asynchronously the same pages, from the cache the synchronous upload filled.
        let accepted = try UploadFixture.upload(
            service, path: fixture.uploadPath + "?async=true", files: [("menu.pdf", pdf)])
        #expect(accepted.status == 202)
        #expect(try accepted.jsonObject()["total"] as? Int == 2)
        let taskID = try #require(try accepted.jsonObject()["task_id"] as? String)
        let finished = try JobsEndToEndTests.waitForTask(service, taskID)
        let pages = try #require(finished["results"] as? [[String: Any]])
        #expect(pages.map { $0["page"] as? Int } == [1, 2])
        #expect(pages.map { $0["cached"] as? Bool } == [true, true], "rendering is deterministic: same bytes")
        #expect(gpt.callCount == 3)
    }
}

/// After PostgreSQL restarts, no client sees an error once it is back: every idle session of the responder notices
/// it is lost on its next statement and sends that statement again on a new session.
@Suite(.serialized) struct DatabaseRestartEndToEndTests {
    @Test func concurrentUploadsAndMetricsAllSucceedRightAfterARestart() throws {
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        let migrated = try ChildProcess.run(
            try TestEnvironment.responderBinary(), ["migrate"], environment: ["DATABASE_URL": cluster.url])
        #expect(migrated == 0)
        let setup = PostgresConnection(configuration: .init(url: cluster.url), logger: Logger(label: "test"))
        let (restaurant, apiKey) = try PostgresRestaurantStore(connection: setup).create(name: "재시작 식당")
        setup.close()
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.menu(items: JobsEndToEndTests.menu)])
        let admin = MetricsEndToEndTests.adminToken
        let service = try LiveService(
            databaseURL: cluster.url, workers: 12, keepalive: 4,
            environment: JobsEndToEndTests.environment(gpt: gpt, extra: ["ADMIN_TOKEN": admin]))
        defer { service.stop() }
        let path = "/api/v1/b2b/restaurants/\(restaurant.uuidString.lowercased())/menus/upload-images"
        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        let port = service.port
        let headers = [("Authorization", "Bearer \(apiKey)")]

        /// 16 concurrent requests, uploads of the cached photo and metrics reads, answering their statuses.
        func burst() -> [Int] {
            let statuses = Mutex<[Int]>([])
            let group = DispatchGroup()
            for index in 0..<16 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    let response =
                        index % 4 == 3
                        ? try? TestHTTPClient.request(
                            "GET", "/api/v1/admin/ocr/metrics", port: port,
                            headers: [("Authorization", "Bearer \(admin)")])
                        : try? UploadFixture.upload(port: port, path: path, files: [("m.jpg", jpeg)], headers: headers)
                    statuses.withLock { $0.append(response?.status ?? -1) }
                }.start()
            }
            _ = group.wait(timeout: .now() + 120)
            return statuses.withLock { $0 }
        }
        // Every worker and cache connection gets a session first.
        let before = burst()
        #expect(before.allSatisfy { $0 == 200 }, "\(before)")
        try cluster.stop()
        try cluster.start()
        let after = burst()
        #expect(after.count == 16)
        #expect(after.allSatisfy { $0 == 200 }, "\(after)")
        #expect(service.responder.log().contains("reconnecting and sending the statement again"))
    }

    @Test func aTaskWhoseEndCouldNotBeStoredIsFailedOnceTheDatabaseIsBack() throws {
        let cluster = try PostgresCluster()
        defer { cluster.destroy() }
        #expect(
            try ChildProcess.run(
                try TestEnvironment.responderBinary(), ["migrate"], environment: ["DATABASE_URL": cluster.url]) == 0)
        let setup = PostgresConnection(configuration: .init(url: cluster.url), logger: Logger(label: "test"))
        let (restaurant, apiKey) = try PostgresRestaurantStore(connection: setup).create(name: "정전 식당")
        setup.close()
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.delayed(.seconds(2), .menu(items: JobsEndToEndTests.menu))])
        let service = try LiveService(databaseURL: cluster.url, environment: JobsEndToEndTests.environment(gpt: gpt))
        defer { service.stop() }
        let port = service.port
        let path = "/api/v1/b2b/restaurants/\(restaurant.uuidString.lowercased())/menus/upload-images"
        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        let answer = Mutex<TestHTTPResponse?>(nil)
        Thread {
            let response = try? UploadFixture.upload(
                port: port, path: path, files: [("m.jpg", jpeg)], headers: [("Authorization", "Bearer \(apiKey)")])
            answer.withLock { $0 = response }
        }.start()
        // The task is stored and the provider has the photo when the database goes away.
        let inside = ContinuousClock.now + .seconds(10)
        while gpt.callCount < 1, ContinuousClock.now < inside { usleep(20_000) }
        try cluster.stop()
        let deadline = ContinuousClock.now + .seconds(30)
        while answer.withLock({ $0 }) == nil, ContinuousClock.now < deadline { usleep(50_000) }
        let response = try #require(answer.withLock { $0 })
        #expect(response.status == 503)
        #expect(Check.errorCode(response) == "storage_unavailable")
        let message = (try response.jsonObject()["error"] as? [String: Any])?["message"] as? String ?? ""
        let taskID = try #require(message.split(separator: " ").last.map { String($0.dropLast()) })
        #expect(UUID(uuidString: taskID) != nil, "the 503 names the task: \(message)")

        try cluster.start()
        let admin = PostgresClusterConnection(url: cluster.url)
        let back = ContinuousClock.now + .seconds(15)
        var status = ""
        while status != "failed", ContinuousClock.now < back {
            usleep(200_000)
            status =
                (try? admin.count("SELECT count(*) AS n FROM upload_tasks WHERE status = 'failed' AND id = '\(taskID)'"))
                    == 1 ? "failed" : ""
        }
        #expect(status == "failed", "the sweeper ended the task once PostgreSQL was back")
    }
}
