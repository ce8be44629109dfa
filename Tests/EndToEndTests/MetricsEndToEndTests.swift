import Foundation
import MenuKnowledgeTesting
import Postgres
import Synchronization
import Testing

/// The admin metrics route after real uploads through nginx, with the fake OpenAI and CLOVA servers as tiers 1 and
/// 2, and `menu-api report` on the same database.
@Suite(.serialized) struct MetricsEndToEndTests {
    static let adminToken = "metrics-test-admin-token-0123456789"

    /// The same JPEG with a comment segment after SOI: different bytes (another cache key), same picture.
    static func variant(_ jpeg: [UInt8], _ label: String) -> [UInt8] {
        let comment = Array(label.utf8)
        let length = comment.count + 2
        return Array(jpeg.prefix(2)) + [0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)] + comment
            + Array(jpeg.dropFirst(2))
    }

    static func environment(gpt: FakeOpenAIServer, clova: FakeClovaServer) -> [String: String] {
        [
            "OPENAI_API_KEY": gpt.apiKey, "OPENAI_BASE_URL": gpt.baseURL, "OPENAI_MAX_RETRIES": "0",
            "CLOVA_OCR_URL": clova.invokeURL, "CLOVA_OCR_SECRET": clova.secret, "CLOVA_MAX_RETRIES": "0",
            "OCR_TIERS": "gpt_vision,clova", "ADMIN_TOKEN": adminToken,
        ]
    }

    static func metrics(_ service: LiveService, query: String = "") throws -> [String: Any] {
        let response = try service.request(
            "GET", "/api/v1/admin/ocr/metrics\(query)", headers: [("Authorization", "Bearer \(adminToken)")])
        #expect(response.status == 200)
        return try response.jsonObject()
    }

    @Test func exactFiguresAfterAScriptedMixOfRuns() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        let clova = try FakeClovaServer()
        defer {
            gpt.stop()
            clova.stop()
        }
        gpt.script([
            .menu(items: [FakeMenuItem("김치찌개", 8000), FakeMenuItem("된장찌개", 7500), FakeMenuItem("공기밥", 1000)]),
            .menu(items: [FakeMenuItem("비빔밥", 9000)], hasHandwriting: true),
            .serverError(), .serverError(),
        ])
        clova.script([
            .lines([["비빔밥", "9,000원"], ["냉면", "8,000원"]]),
            .lines([["라면", "4,500원"], ["떡볶이", "80원"]]),
            .error(status: 400, code: "0011", message: "Request body invalid."),
        ])
        let service = try LiveService(
            databaseURL: fixture.schema.url, environment: Self.environment(gpt: gpt, clova: clova))
        defer { service.stop() }

        let jpeg = try UploadFixture.image("menu-rotated.jpg")
        var results: [[String: Any]] = []
        for (index, file) in [
            ("accepted.jpg", Self.variant(jpeg, "1")), ("handwriting.jpg", Self.variant(jpeg, "2")),
            ("price-error.jpg", Self.variant(jpeg, "3")), ("both-fail.jpg", Self.variant(jpeg, "4")),
            ("accepted-again.jpg", Self.variant(jpeg, "1")), ("notes.jpg", Array("not an image".utf8)),
        ].enumerated() {
            let response = try UploadFixture.upload(service, path: fixture.uploadPath, files: [file])
            #expect(response.status == 200, "upload \(index)")
            results.append(try #require((try response.jsonObject()["results"] as? [[String: Any]])?.first))
        }
        #expect(gpt.problems.isEmpty)
        #expect(clova.problems.isEmpty)
        #expect(results.map { $0["provider"] as? String } == ["gpt_vision", "clova", "clova", nil, "gpt_vision", nil])
        #expect(results[1]["fallback_reason"] as? String == "손글씨 감지")
        #expect(results[2]["fallback_reason"] as? String == "OCR 실패: server_error")
        #expect(results[4]["cached"] as? Bool == true)
        #expect(gpt.callCount == 4)
        #expect(clova.callCount == 3)

        let body = try Self.metrics(service)
        #expect(body["tier_1_count"] as? Int == 1)
        #expect(body["tier_2_count"] as? Int == 3)
        #expect(body["total_count"] as? Int == 4)
        #expect(body["tier_1_success_rate"] as? String == "25.0%")
        #expect(body["tier_2_fallback_rate"] as? String == "75.0%")
        #expect(body["price_error_count"] as? Int == 1)
        #expect(body["price_error_rate"] as? String == "14.3%")
        #expect(body["handwriting_detection_rate"] as? String == "25.0%")
        #expect(body["file_count"] as? Int == 6)
        #expect(body["cache_hits"] as? Int == 1)
        #expect(body["cache_hit_rate"] as? String == "16.7%")
        #expect(body["error_count"] as? Int == 2)
        #expect(body["error_rate"] as? String == "33.3%")
        #expect(body["provider_counts"] as? [String: Int] == ["clova": 3, "gpt_vision": 1])
        #expect(body["window"] as? String == "all")
        let lastUpdated = try #require(body["last_updated"] as? String)
        #expect(lastUpdated.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
        let average = try #require(body["avg_processing_time_ms"] as? Int)
        #expect(average > 0)
        // GPT tokens of the four attempts (fake usage 25,700 + 180 each where it answered: two menus).
        #expect(body["prompt_tokens"] as? Int == 2 * 25_700)
        let alerts = try #require(body["alerts"] as? [[String: Any]]).compactMap { $0["rule"] as? String }
        #expect(alerts.contains("tier_1_success_rate < 70%"))
        #expect(alerts.contains("error_rate > 2%"))
        #expect(alerts.contains("tier_2_fallback_rate > 20%"))
        let kpis = try #require(body["kpis"] as? [[String: Any]])
        #expect(kpis.count == 6)

        // Windows and the hourly series.
        let hour = try Self.metrics(service, query: "?window=1h&series=hourly")
        #expect(hour["total_count"] as? Int == 4)
        let series = try #require(hour["series"] as? [[String: Any]])
        #expect(series.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 4)

        // Prometheus text agrees with the JSON.
        let prometheus = try service.request(
            "GET", "/api/v1/admin/ocr/metrics?format=prometheus",
            headers: [("Authorization", "Bearer \(Self.adminToken)")])
        #expect(prometheus.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(prometheus.text.contains("\nmenu_api_ocr_files_total 6\n"))
        #expect(prometheus.text.contains("\nmenu_api_ocr_processing_seconds_count 4\n"))
        #expect(prometheus.text.contains("\nmenu_api_ocr_processing_seconds_bucket{le=\"+Inf\"} 4\n"))
        #expect(prometheus.text.contains("\nmenu_api_ocr_window_files{window=\"all\"} 6\n"))
        #expect(prometheus.text.contains("\nmenu_api_ocr_window_error_ratio{window=\"all\"} 0.3333333333333333\n"))
        // promtool parses the real scrape and finds nothing to lint (names, suffixes, HELP, histogram series).
        let check = try Promtool.run(["check", "metrics"], input: prometheus.text)
        #expect(check.status == 0, "promtool check metrics: \(check.output)")
        #expect(check.output.isEmpty, "promtool check metrics: \(check.output)")
        // Another window changes the gauges' label, never the counters.
        let hourly = try service.request(
            "GET", "/api/v1/admin/ocr/metrics?format=prometheus&window=1h",
            headers: [("Authorization", "Bearer \(Self.adminToken)")])
        #expect(hourly.text.contains("\nmenu_api_ocr_files_total 6\n"))
        #expect(hourly.text.contains("\nmenu_api_ocr_window_files{window=\"1h\"} 6\n"))
        #expect(try Promtool.run(["check", "metrics"], input: hourly.text).status == 0)

        // The daily report reads the same database: critical alerts exit 2.
        let reportStatus = try ChildProcess.run(
            try TestEnvironment.responderBinary(), ["report", "--window", "24h"],
            environment: ["DATABASE_URL": fixture.schema.url, "LOG_LEVEL": "error"])
        #expect(reportStatus == 2)

        // Two hours later (the events moved back, the roll-ups forgotten, as if nothing had read them since) the
        // 1h window is empty and the counters stand where they stood: they never go down.
        try fixture.connection.query("UPDATE ocr_events SET occurred_at = occurred_at - interval '2 hours'")
        for table in ["ocr_event_hours", "ocr_event_hour_buckets", "ocr_event_hour_providers"] {
            try fixture.connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)"))
        }
        try fixture.connection.query("UPDATE ocr_rollup_state SET rolled_until = '-infinity'")
        let later = try service.request(
            "GET", "/api/v1/admin/ocr/metrics?format=prometheus&window=1h",
            headers: [("Authorization", "Bearer \(Self.adminToken)")])
        #expect(later.text.contains("\nmenu_api_ocr_files_total 6\n"))
        #expect(later.text.contains("\nmenu_api_ocr_errors_total 2\n"))
        #expect(later.text.contains("\nmenu_api_ocr_processing_seconds_count 4\n"))
        #expect(later.text.contains("\nmenu_api_ocr_window_files{window=\"1h\"} 0\n"))
        #expect(!later.text.contains("menu_api_ocr_window_error_ratio{"), "no files, no ratio")
    }

    @Test func adminAuthThroughNginx() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url, environment: ["ADMIN_TOKEN": Self.adminToken])
        defer { service.stop() }
        let missing = try service.request("GET", "/api/v1/admin/ocr/metrics")
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"] == "Bearer")
        let wrong = try service.request(
            "GET", "/api/v1/admin/ocr/metrics", headers: [("Authorization", "Bearer \(Self.adminToken)x")])
        #expect(wrong.status == 403)
        #expect(!wrong.text.contains(Self.adminToken))
        let empty = try Self.metrics(service)
        #expect(empty["total_count"] as? Int == 0)
        #expect(empty["tier_1_success_rate"] as? String == "0.0%")
        #expect(empty["last_updated"] is NSNull)
        #expect((empty["alerts"] as? [Any])?.isEmpty == true)
        let badWindow = try service.request(
            "GET", "/api/v1/admin/ocr/metrics?window=2w", headers: [("Authorization", "Bearer \(Self.adminToken)")])
        #expect(badWindow.status == 400)

        // Without a token (development), a loopback client is let in.
        let open = try LiveService(databaseURL: fixture.schema.url)
        defer { open.stop() }
        #expect(try open.request("GET", "/api/v1/admin/ocr/metrics").status == 200)
    }

    @Test func parallelUploadsFromTwoProcessesCountExactlyAndRunTheProviderOnce() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        let clova = try FakeClovaServer()
        defer {
            gpt.stop()
            clova.stop()
        }
        gpt.script([.delayed(.milliseconds(800), .menu(items: [FakeMenuItem("삼겹살", 15000)]))])
        let environment = Self.environment(gpt: gpt, clova: clova)
        let first = try LiveService(databaseURL: fixture.schema.url, environment: environment)
        defer { first.stop() }
        let second = try LiveService(databaseURL: fixture.schema.url, environment: environment)
        defer { second.stop() }
        let image = Self.variant(try UploadFixture.image("menu-rotated.jpg"), "same")
        let path = fixture.uploadPath

        let uploads = 8
        let hashes = Mutex<[String?]>(Array(repeating: nil, count: uploads))
        let ports = [first.port, second.port]
        // A thread per upload (concurrentPerform would run only as many at once as there are CPUs).
        let done = DispatchSemaphore(value: 0)
        for index in 0..<uploads {
            Thread {
                let response = try? UploadFixture.upload(
                    port: ports[index % 2], path: path, files: [("same.jpg", image)])
                let result = ((try? response?.jsonObject())?["results"] as? [[String: Any]])?.first
                hashes.withLock { $0[index] = result?["result_hash"] as? String }
                done.signal()
            }.start()
        }
        for _ in 0..<uploads { done.wait() }
        let collected = hashes.withLock { $0 }
        #expect(collected.allSatisfy { $0 != nil })
        #expect(Set(collected.compactMap { $0 }).count == 1)
        #expect(gpt.callCount == 1)

        let body = try Self.metrics(first)
        #expect(body["file_count"] as? Int == uploads)
        #expect(body["total_count"] as? Int == 1)
        #expect(body["cache_hits"] as? Int == uploads - 1)
        #expect(body["tier_1_count"] as? Int == 1)
        #expect(try fixture.count("SELECT count(*) FROM upload_tasks WHERE status = 'completed'") == uploads)
    }

    @Test func reportExitCodesFollowTheWorstAlert() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        func report() throws -> Int32 {
            try ChildProcess.run(
                try TestEnvironment.responderBinary(), ["report", "--window", "24h"],
                environment: ["DATABASE_URL": fixture.schema.url, "LOG_LEVEL": "error"])
        }
        #expect(try report() == 0)
        // 79 first-tier runs and 21 fallbacks: only the fallback warning.
        try fixture.connection.query(
            """
            INSERT INTO ocr_events (cached, is_run, provider, tier, fallback_triggered, processing_ms, status)
            SELECT false, true, CASE WHEN i <= 21 THEN 'clova' ELSE 'gpt_vision' END, CASE WHEN i <= 21 THEN 2 ELSE 1 END,
                i <= 21, 3000, 'success'
            FROM generate_series(1, 100) i
            """)
        #expect(try report() == 1)
        // Three failures in a hundred and three files: error rate over 2%, critical.
        try fixture.connection.query(
            """
            INSERT INTO ocr_events (cached, is_run, provider, tier, processing_ms, status, error_kind)
            SELECT false, false, NULL, NULL, 5, 'failed', 'invalid_image' FROM generate_series(1, 3)
            """)
        #expect(try report() == 2)
    }
}
