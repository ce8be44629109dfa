import Foundation
import MenuKnowledgeTesting
import Testing

/// The two web pages (issue 14) through nginx: their files and headers, and each page in headless Chromium, driven
/// by `scripts/web-pages-check.py` (Selenium) against the responder and PostgreSQL with the fake OpenAI server
/// reading the photos. Screenshots at 390 and 1280 px go to `var/screenshots/`. Without chromium, chromium-driver or
/// Selenium the script exits non-zero and the test fails (`make test` installs them).
@Suite(.serialized) struct WebPagesEndToEndTests {
    static let adminToken = "web-pages-test-admin-token-0123456789"
    static let screenshots = TestEnvironment.repositoryRoot + "/var/screenshots"
    static let script = TestEnvironment.repositoryRoot + "/scripts/web-pages-check.py"

    /// Runs the page script against `service` and returns the object of its `RESULT` line.
    static func drive(_ page: String, _ arguments: [String], service: LiveService) throws -> [String: Any] {
        let logPath = service.directory + "/browser-\(page).log"
        let status = try ChildProcess.run(
            try TestEnvironment.program("python3"),
            [script, page, "--base-url", "http://127.0.0.1:\(service.port)", "--screenshots", screenshots]
                + arguments,
            logPath: logPath, timeout: .seconds(240))
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard status == 0, let line = log.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }) else {
            throw TestEnvironmentError(description: "web-pages-check.py \(page) exited \(status):\n\(log)")
        }
        guard let result = try JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8)) as? [String: Any]
        else {
            throw TestEnvironmentError(description: "the RESULT line is no JSON object: \(line)")
        }
        return result
    }

    @Test func thePagesAndTheirFilesAreServedWithTheirTypesAndTheContentSecurityPolicy() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url)
        defer { service.stop() }
        for (path, type) in [
            ("/", "text/html; charset=utf-8"), ("/admin/", "text/html; charset=utf-8"),
            ("/static/api.js", "text/javascript; charset=utf-8"), ("/static/app.js", "text/javascript; charset=utf-8"),
            ("/static/admin.js", "text/javascript; charset=utf-8"), ("/static/style.css", "text/css; charset=utf-8"),
        ] {
            let response = try service.request("GET", path)
            #expect(response.status == 200, "\(path)")
            #expect(response.headers["content-type"] == type, "\(path)")
            let policy = response.headers["content-security-policy"] ?? ""
            #expect(policy.hasPrefix("default-src 'self';"), "\(path): \(policy)")
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"), "\(path)")
            #expect(response.headers["x-content-type-options"] == "nosniff", "\(path)")
            #expect(Check.isNginxRequestID(response.headers["x-request-id"]), "\(path)")
            #expect(response.headers["strict-transport-security"] == nil, "no HSTS on plain HTTP: \(path)")
        }
        // Only those paths serve files: anything else beside them is still the JSON 404.
        for path in [
            "/index.html", "/admin", "/admin/index.html", "/static/", "/static/nope.js", "/static/.hidden.js",
            "/static/../index.html", "/web/index.html", "/static/app.js.map", "/favicon.ico",
        ] {
            let response = try service.request("GET", path)
            #expect(response.status == 404, "\(path)")
            #expect(Check.errorCode(response) == "not_found", "\(path)")
        }
        // No inline script or style in the pages: the CSP would refuse them.
        for path in ["/", "/admin/"] {
            let page = try service.request("GET", path).text
            #expect(!page.contains("<script>") && !page.contains("<style") && !page.contains("style="), "\(path)")
        }
    }

    /// Every code a client can receive, read from where each kind is defined: the codes the routes and the
    /// responder throw (`code: "..."`), the per-file codes (`FileErrorCode`), the multipart codes
    /// (`MultipartError`, passed through as they are), nginx's own error pages, and the two the menu's paging
    /// builds from a parameter name (`invalid_limit`, `invalid_offset`).
    static func errorCodes() throws -> Set<String> {
        let root = TestEnvironment.repositoryRoot
        var codes: Set<String> = ["invalid_limit", "invalid_offset"]
        func matches(_ pattern: String, in path: String) throws -> [String] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let expression = try NSRegularExpression(pattern: pattern)
            return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).map { String(text[$0]) }
            }
        }
        for folder in ["Sources/MenuAPI", "Sources/menu-api"] {
            let files = FileManager.default.enumerator(atPath: "\(root)/\(folder)")?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".swift") {
                codes.formUnion(try matches(#"code: "([a-z_]+)""#, in: "\(root)/\(folder)/\(file)"))
            }
        }
        for file in ["Sources/MenuModel/FileErrorCode.swift", "Sources/MenuAPI/Upload/MultipartError.swift"] {
            codes.formUnion(try matches(#"case [A-Za-z]+ = "([a-z_]+)""#, in: "\(root)/\(file)"))
        }
        codes.formUnion(try matches(#""code":"([a-z_]+)""#, in: "\(root)/nginx/menu-api-locations.conf"))
        return codes
    }

    @Test func everyErrorCodeTheServiceAnswersHasAKoreanSentence() throws {
        let codes = try Self.errorCodes()
        #expect(codes.count > 50, "the scan found the codes: \(codes.sorted())")
        let script = try String(contentsOfFile: TestEnvironment.repositoryRoot + "/web/static/api.js", encoding: .utf8)
        let missing = codes.filter { code in
            guard let line = script.split(separator: "\n").first(where: { $0.hasPrefix("        \(code): ") }) else {
                return true
            }
            // A sentence in Korean: at least one Hangul syllable.
            return !line.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }
        }
        #expect(missing.isEmpty, "codes without a Korean sentence in web/static/api.js: \(missing.sorted())")
    }

    @Test func staffUploadPhotosCorrectAPriceAndDownloadTheCSV() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        // Both files get one menu each; which file runs first does not matter, as their dishes differ. 공기밥 has no
        // price (review: no_price) and 낙지볶음's low confidence makes its page miss the bar (fallback_result).
        gpt.script([
            .menu(items: [FakeMenuItem("김치찌개", 8000, category: "찌개"), FakeMenuItem("된장찌개", 7500, category: "찌개")]),
            .menu(items: [
                FakeMenuItem("공기밥", prices: [], category: "식사"),
                FakeMenuItem("낙지볶음", 15000, category: "요리", confidence: 0.2, valueLogprob: -2),
            ]),
        ])
        let service = try LiveService(
            databaseURL: fixture.schema.url,
            environment: JobsEndToEndTests.environment(gpt: gpt, extra: ["KEEP_UPLOADS": "1"]))
        defer { service.stop() }
        let photo = try UploadFixture.image("menu-rotated.jpg")
        var paths: [String] = []
        for label in ["first", "second"] {
            let path = service.directory + "/menu-\(label).jpg"
            try Data(MetricsEndToEndTests.variant(photo, label)).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let restaurant = fixture.restaurant.uuidString.lowercased()

        let result = try Self.drive(
            "upload",
            [
                "--restaurant", restaurant, "--key", fixture.apiKey, "--files", paths.joined(separator: ","),
                "--correct", "김치찌개", "--price", "9500", "--downloads", service.directory + "/downloads",
            ], service: service)

        #expect(result["stored_restaurant"] as? String == restaurant, "the id is remembered in localStorage")
        #expect(result["progress"] as? String == "1", "the upload's progress bar reached the end")
        let files = try #require(result["files"] as? [String])
        #expect(files.count == 2 && files.allSatisfy { $0.hasPrefix("✓") }, "\(files)")
        let rows = try #require(result["rows"] as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["name_ko"] as? String }) == ["김치찌개", "된장찌개", "공기밥", "낙지볶음"])
        let flags = rows.map { $0["needs_review"] as? Bool == true }
        #expect(flags.contains(true) && flags == flags.sorted { $0 && !$1 }, "rows to review come first: \(rows)")
        let rice = try #require(rows.first { $0["name_ko"] as? String == "공기밥" })
        #expect((rice["reasons"] as? [String] ?? []).contains { $0.hasPrefix("가격 없음") }, "\(rice)")
        #expect((result["saved_note"] as? String)?.hasPrefix("저장됨") == true, "\(result)")
        #expect((result["photo_width"] as? Int ?? 0) > 0, "the kept photo is shown beside the table")

        // The correction is stored, through the API.
        let item = try #require(result["corrected_item"] as? String)
        let stored = try service.request(
            "GET", "/api/v1/b2b/restaurants/\(restaurant)/menus/items/\(item)",
            headers: [("Authorization", "Bearer \(fixture.apiKey)")])
        #expect(stored.status == 200)
        let body = try stored.jsonObject()
        #expect(body["name_ko"] as? String == "김치찌개")
        #expect((body["prices"] as? [[String: Any]])?.compactMap { $0["amount"] as? Int } == [9500])
        #expect(body["corrected"] as? Bool == true)

        // The CSV the page offers is the export, the correction in it.
        #expect(result["csv_download"] as? String == "menu-\(restaurant).csv")
        let csv = try #require(result["csv"] as? String)
        #expect(result["csv_has_bom"] as? Bool == true, "the byte-order mark Excel needs")
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "item_id,name_ko,name_en,category,label,amount,market_price,needs_review")
        #expect(lines.contains("\(item),김치찌개,,찌개,,9500,false,false"), "\(lines)")
        #expect(lines.count == 5, "a header and one row per price (공기밥 has an empty one): \(lines)")
        // An item added on the page and deleted again: both in its history.
        #expect(result["added_prices"] as? String == "9000")
        let added = try #require(result["added_item"] as? String)
        let addedPath = "/api/v1/b2b/restaurants/\(restaurant)/menus/items/\(added)"
        let auth = [("Authorization", "Bearer \(fixture.apiKey)")]
        #expect(Check.errorCode(try service.request("GET", addedPath, headers: auth)) == "item_not_found")
        let history = try service.request("GET", addedPath + "/history", headers: auth).jsonObject()
        let kinds = (history["revisions"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["added", "deleted"], "\(history)")
        for name in ["upload-390", "upload-1280", "review-390", "review-1280"] {
            #expect(FileManager.default.fileExists(atPath: "\(Self.screenshots)/\(name).png"), "\(name)")
        }
    }

    @Test func theKeptPhotoShowsTheItemsBoxOverIt() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        // The local tier alone (no provider is configured): Tesseract's items carry boxes, GPT vision's do not.
        let service = try LiveService(databaseURL: fixture.schema.url, environment: ["KEEP_UPLOADS": "1"])
        defer { service.stop() }
        let auth = [("Authorization", "Bearer \(fixture.apiKey)")]
        let response = try UploadFixture.upload(
            service, path: fixture.uploadPath,
            files: [("menu.jpg", try UploadFixture.image("menu-thousands-market.jpg"))], headers: auth)
        #expect(response.status == 200)

        let result = try Self.drive(
            "photo", ["--restaurant", fixture.restaurant.uuidString.lowercased(), "--key", fixture.apiKey],
            service: service)

        #expect((result["name_ko"] as? String)?.isEmpty == false)
        #expect(result["wrong_key"] as? String == "API 키가 올바르지 않습니다. (invalid_api_key)")
        #expect(result["dropped"] as? [String] == ["dropped.pdf (1 KB)"], "a dropped file is chosen")
        for width in ["1280", "390"] {
            let layout = try #require(result[width] as? [String: [String: Double]], "\(result)")
            let image = try #require(layout["image"])
            let box = try #require(layout["box"])
            let (x, y, w, h) = (box["x"] ?? -1, box["y"] ?? -1, box["w"] ?? 0, box["h"] ?? 0)
            #expect(w > 4 && h > 4, "a box one can see at \(width) px: \(box)")
            let (left, top) = (image["x"] ?? 0, image["y"] ?? 0)
            let (right, bottom) = (left + (image["w"] ?? 0), top + (image["h"] ?? 0))
            // The box's border may stand a pixel or two outside a box that touches the photo's edge.
            #expect(x >= left - 3 && y >= top - 3 && x + w <= right + 3 && y + h <= bottom + 3, "\(layout)")
        }
    }

    @Test func theAdminSeesKPITilesAlertsForFailingUploadsAndSwitchesTheWindow() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        // One page read, two failed by the provider: an error rate of 67%, over the 2% of a critical alert.
        gpt.script([.menu(items: JobsEndToEndTests.menu), .serverError(), .serverError()])
        let service = try LiveService(
            databaseURL: fixture.schema.url,
            environment: JobsEndToEndTests.environment(gpt: gpt, extra: ["ADMIN_TOKEN": Self.adminToken]))
        defer { service.stop() }
        let photo = try UploadFixture.image("menu-rotated.jpg")
        for label in ["read", "failed-1", "failed-2"] {
            let response = try UploadFixture.upload(
                service, path: fixture.uploadPath,
                files: [("\(label).jpg", MetricsEndToEndTests.variant(photo, label))],
                headers: [("Authorization", "Bearer \(fixture.apiKey)")])
            #expect(response.status == 200)
        }

        let result = try Self.drive("admin", ["--token", Self.adminToken, "--window", "1h"], service: service)

        let tiles = try #require(result["tiles"] as? [String: [String: String]])
        #expect(
            Set(tiles.keys) == [
                "tier_1_success_rate", "tier_2_fallback_rate", "avg_processing_time_ms", "price_error_rate",
                "cache_hit_rate", "error_rate",
            ])
        #expect(tiles["error_rate"]?["status"]?.contains("off_target") == true, "\(tiles)")
        #expect(tiles["error_rate"]?["text"]?.contains("66.7%") == true, "\(tiles)")
        #expect(tiles["error_rate"]?["text"]?.contains("< 1%") == true, "the target beside the value: \(tiles)")
        let alerts = try #require(result["alerts"] as? [String])
        #expect(alerts.contains("error_rate > 2%"), "\(alerts)")
        let texts = try #require(result["alert_texts"] as? [String])
        #expect(texts.contains { $0.contains("시스템 장애 경고: 로그 분석, 서비스 재시작 검토") }, "the action: \(texts)")
        #expect((result["chart_bars"] as? Int ?? 0) >= 3, "a bar per chart for this hour")
        #expect(result["window_after"] as? String == "1h")
        #expect((result["tiles_after"] as? [String: Any])?.count == 6)
        #expect((result["mix"] as? [String])?.contains { $0.hasPrefix("gpt_vision") } == true, "\(result)")
        #expect(result["token_in_session"] as? Bool == true)
        #expect(result["token_in_local"] as? Bool == false, "the admin token never outlives the tab")
        for name in ["admin-390", "admin-1280"] {
            #expect(FileManager.default.fileExists(atPath: "\(Self.screenshots)/\(name).png"), "\(name)")
        }
    }
}
