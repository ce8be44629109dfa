import Foundation
import MenuKnowledgeTesting
import MenuStorage
import Postgres
import Testing

/// curl-shaped uploads through nginx to the responder, PostgreSQL and the real local tier (no keys configured).
@Suite(.serialized) struct UploadEndToEndTests {
    @Test func singleUploadIsReadStoredAndReadableBack() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url)
        defer { service.stop() }

        let response = try UploadFixture.upload(
            service, path: fixture.uploadPath,
            files: [("menu.jpg", try UploadFixture.image("menu-thousands-market.jpg"))])
        #expect(response.status == 200)
        let body = try response.jsonObject()
        #expect(body["success"] as? Bool == true)
        #expect(body["total"] as? Int == 1)
        #expect(body["successful"] as? Int == 1)
        #expect(body["failed"] as? Int == 0)
        let results = try #require(body["results"] as? [[String: Any]])
        let result = try #require(results.first)
        #expect(result["file"] as? String == "menu.jpg")
        #expect(result["status"] as? String == "success")
        #expect(result["provider"] as? String == "tesseract")
        #expect(result["cached"] as? Bool == false)
        #expect(result["fallback_triggered"] as? Bool == false)
        let hash = try #require(result["result_hash"] as? String)
        #expect(hash.count == 64 && hash.allSatisfy(\.isHexDigit))
        let items = try #require(result["menu_items"] as? [[String: Any]])
        #expect(items.count == result["menu_count"] as? Int)
        #expect(items.count >= 4)
        // Korean survives nginx, FastCGI, PostgreSQL and JSON: most names of the rendered menu come back exactly.
        let names = Set(items.compactMap { ($0["name_ko"] as? String)?.replacingOccurrences(of: " ", with: "") })
        let truth =
            try JSONSerialization.jsonObject(
                with: Data(try UploadFixture.image("menu-thousands-market.json"))) as? [String: Any]
        let truthNames = (truth?["items"] as? [[String: Any]] ?? []).compactMap { $0["name_ko"] as? String }
        #expect(truthNames.count >= 4)
        #expect(truthNames.filter(names.contains).count * 2 >= truthNames.count)

        // The task reads back with the same results; rows match the response.
        let taskID = try #require(body["task_id"] as? String)
        let task = try service.request("GET", "/api/v1/b2b/tasks/\(taskID)")
        #expect(task.status == 200)
        let taskBody = try task.jsonObject()
        #expect(taskBody["status"] as? String == "completed")
        let storedResults = try #require(taskBody["results"] as? [[String: Any]])
        #expect(storedResults.first?["result_hash"] as? String == hash)
        #expect(try fixture.count("SELECT count(*) FROM menu_items") == items.count)
        #expect(
            try fixture.count("SELECT count(*) FROM upload_tasks WHERE status = 'completed' AND successful = 1") == 1)
        #expect(
            try fixture.count("SELECT count(*) FROM ocr_events WHERE cached = false AND provider = 'tesseract'") == 1)

        let menus = try service.request(
            "GET", "/api/v1/b2b/restaurants/\(fixture.restaurant.uuidString.lowercased())/menus?limit=2")
        #expect(menus.status == 200)
        let menusBody = try menus.jsonObject()
        #expect(menusBody["total"] as? Int == items.count)
        #expect((menusBody["items"] as? [Any])?.count == 2)
        // The local tier's items say where they were read, in the answer and in the menu.
        let box = try #require(items.first?["bbox"] as? [String: Double])
        #expect(Set(box.keys) == ["x", "y", "w", "h"] && box.values.allSatisfy { (0...1).contains($0) })
        let menuItem = try #require((menusBody["items"] as? [[String: Any]])?.first)
        #expect(((menuItem["source"] as? [String: Any])?["bbox"] as? [String: Double])?.count == 4)
        #expect(menusBody["next_offset"] as? Int == 2)
    }

    @Test func theSameImageTwiceIsServedFromTheCache() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url)
        defer { service.stop() }
        let image = try UploadFixture.image("menu-sizes-blurred.jpg")

        let first = try UploadFixture.upload(service, path: fixture.uploadPath, files: [("a.jpg", image)])
        let second = try UploadFixture.upload(service, path: fixture.uploadPath, files: [("again.jpg", image)])
        let firstResult = try #require((try first.jsonObject()["results"] as? [[String: Any]])?.first)
        let secondResult = try #require((try second.jsonObject()["results"] as? [[String: Any]])?.first)
        #expect(firstResult["cached"] as? Bool == false)
        #expect(secondResult["cached"] as? Bool == true)
        #expect(secondResult["result_hash"] as? String == firstResult["result_hash"] as? String)
        #expect(secondResult["menu_count"] as? Int == firstResult["menu_count"] as? Int)
        let firstNames = (firstResult["menu_items"] as? [[String: Any]])?.compactMap { $0["name_ko"] as? String }
        let secondNames = (secondResult["menu_items"] as? [[String: Any]])?.compactMap { $0["name_ko"] as? String }
        #expect(firstNames == secondNames)
        #expect(try fixture.count("SELECT count(*) FROM ocr_cache") == 1)
        #expect(try fixture.count("SELECT count(*) FROM ocr_events WHERE cached") == 1)
        // Both uploads keep their own readings, of the same menu entries, which the second reading, saying the same,
        // leaves as they were (no new revision).
        #expect(try fixture.count("SELECT count(DISTINCT task_id) FROM menu_items") == 2)
        let firstIDs = (firstResult["menu_items"] as? [[String: Any]])?.compactMap { $0["item_id"] as? String }
        #expect(firstIDs == (secondResult["menu_items"] as? [[String: Any]])?.compactMap { $0["item_id"] as? String })
        #expect(try fixture.count("SELECT count(*) FROM menu_revisions") == firstIDs.map { Set($0).count } ?? -1)
        #expect(try fixture.count("SELECT count(*) FROM menu_entries WHERE revision <> 1") == 0)
    }

    @Test func anExpiredCacheEntryIsIgnored() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url)
        defer { service.stop() }
        let image = try UploadFixture.image("menu-rotated.jpg")
        _ = try UploadFixture.upload(service, path: fixture.uploadPath, files: [("a.jpg", image)])
        try fixture.connection.query("UPDATE ocr_cache SET expires_at = now() - interval '1 second'")
        let again = try UploadFixture.upload(service, path: fixture.uploadPath, files: [("a.jpg", image)])
        let result = try #require((try again.jsonObject()["results"] as? [[String: Any]])?.first)
        #expect(result["cached"] as? Bool == false)
    }

    @Test func oneBadFileNeverFailsTheBatch() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url, environment: ["UPLOAD_MAX_FILE_BYTES": "300000"])
        defer { service.stop() }
        let jpeg = try UploadFixture.image("menu-thousands-market.jpg")
        let files: [(String, [UInt8])] = [
            ("menu.jpg", jpeg),
            ("notes.jpg", Array("these are not pixels".utf8)),
            ("cut.jpg", Array(jpeg.prefix(jpeg.count / 2))),
            ("empty.jpg", []),
            ("png-named.jpg", try UploadFixture.image("small-menu.png")),
            ("phone.heic", try UploadFixture.image("small-menu.heic")),
            ("huge.jpg", try UploadFixture.image("menu-dark-board.jpg")),
            ("nul\u{0}name.jpg", try UploadFixture.image("menu-rotated.jpg")),
            ("cut.png", Array(try UploadFixture.image("small-menu.png").dropLast(600))),
        ]
        let response = try UploadFixture.upload(service, path: fixture.uploadPath, files: files)
        #expect(response.status == 200)
        let body = try response.jsonObject()
        #expect(body["success"] as? Bool == false)
        #expect(body["total"] as? Int == 9)
        let results = try #require(body["results"] as? [[String: Any]])
        // A NUL in a file name is dropped, never a reason to lose the batch.
        #expect(results.map { $0["file"] as? String } == files.map { $0.0.replacingOccurrences(of: "\u{0}", with: "") })
        #expect(results[7]["status"] as? String == "success")
        #expect(code(8) == "invalid_image")
        func code(_ index: Int) -> String? { (results[index]["error"] as? [String: Any])?["code"] as? String }
        #expect(results[0]["status"] as? String == "success")
        #expect(code(1) == "invalid_image")
        #expect(code(2) == "invalid_image")
        #expect(code(3) == "invalid_image")
        // The PNG is read as PNG whatever its name; the tiny test images may hold no menu the tier can read, but
        // they must never be refused as images.
        #expect(code(4) != "invalid_image")
        #expect(code(5) != "invalid_image")
        #expect(code(6) == "file_too_large")
        let successful = results.filter { $0["status"] as? String == "success" }.count
        #expect(body["successful"] as? Int == successful)
        #expect(try fixture.count("SELECT count(*) FROM upload_results") == 9)
        #expect(try fixture.count("SELECT count(*) FROM ocr_events") == 9)
        // Refused files never reached a provider: they are files in the metrics, not OCR runs.
        #expect(try fixture.count("SELECT count(*) FROM ocr_events WHERE NOT is_run") >= 5)
        #expect(try fixture.count("SELECT count(*) FROM upload_tasks WHERE status = 'processing'") == 0)
    }

    @Test func aDecompressionBombIsRefusedOnItsHeader() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        // 900x1144 = 1.03 MP against a 1 MP limit: refused before decoding.
        let service = try LiveService(databaseURL: fixture.schema.url, environment: ["UPLOAD_MAX_PIXELS": "1000000"])
        defer { service.stop() }
        let response = try UploadFixture.upload(
            service, path: fixture.uploadPath, files: [("bomb.jpg", try UploadFixture.image("menu-dark-board.jpg"))])
        let result = try #require((try response.jsonObject()["results"] as? [[String: Any]])?.first)
        #expect((result["error"] as? [String: Any])?["code"] as? String == "image_too_large")
        #expect(try fixture.count("SELECT count(*) FROM upload_tasks WHERE status = 'failed'") == 1)
    }

    @Test func requestsTheRouteRefusesWithTheirStatusAndCode() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(databaseURL: fixture.schema.url, environment: ["UPLOAD_MAX_FILES": "2"])
        defer { service.stop() }
        let image = try UploadFixture.image("small-menu.png")

        let badID = try UploadFixture.upload(
            service, path: "/api/v1/b2b/restaurants/not-a-uuid/menus/upload-images", files: [("a.png", image)])
        #expect(badID.status == 400)
        #expect(Check.errorCode(badID) == "invalid_restaurant_id")

        let unknown = try UploadFixture.upload(
            service, path: "/api/v1/b2b/restaurants/\(UUID().uuidString)/menus/upload-images", files: [("a.png", image)]
        )
        #expect(unknown.status == 404)
        #expect(Check.errorCode(unknown) == "restaurant_not_found")

        let noFiles = try UploadFixture.upload(service, path: fixture.uploadPath, files: [])
        #expect(noFiles.status == 400)
        #expect(Check.errorCode(noFiles) == "no_files")

        let tooMany = try UploadFixture.upload(
            service, path: fixture.uploadPath, files: [("a.png", image), ("b.png", image), ("c.png", image)])
        #expect(tooMany.status == 400)
        #expect(Check.errorCode(tooMany) == "too_many_files")

        let notMultipart = try service.request(
            "POST", fixture.uploadPath, headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
        #expect(notMultipart.status == 400)
        #expect(Check.errorCode(notMultipart) == "invalid_content_type")

        let truncatedForm = try service.request(
            "POST", fixture.uploadPath, headers: [("Content-Type", "multipart/form-data; boundary=XyZ")],
            body: Array("--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n\r\nabc".utf8))
        #expect(truncatedForm.status == 400)
        #expect(Check.errorCode(truncatedForm) == "malformed_multipart")

        let badTask = try service.request("GET", "/api/v1/b2b/tasks/\(UUID().uuidString)")
        #expect(badTask.status == 404)
        #expect(try fixture.count("SELECT count(*) FROM upload_tasks") == 0)
        // The responder is still there.
        #expect(try service.request("GET", "/api/v1/health").status == 200)
    }

    /// Where keys are optional (the default outside production), a credential header that is there but malformed
    /// is 401 `malformed_credentials` through nginx, and nothing is uploaded (issue 15, item 5).
    @Test func malformedCredentialsAreUnauthorizedWhereKeysAreOptional() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let service = try LiveService(
            databaseURL: fixture.schema.url, environment: ["ADMIN_TOKEN": MetricsEndToEndTests.adminToken])
        defer { service.stop() }
        let image = try UploadFixture.image("menu-rotated.jpg")
        for header in [
            ("Authorization", "Bearer"), ("Authorization", "Bearer "), ("Authorization", "Basic dXNlcjpwYXNz"),
            ("Authorization", "Token abc"), ("X-API-Key", ""),
        ] {
            let refused = try UploadFixture.upload(
                service, path: fixture.uploadPath, files: [("a.jpg", image)], headers: [header])
            #expect(refused.status == 401, "\(header)")
            #expect(Check.errorCode(refused) == "malformed_credentials", "\(header)")
            #expect(refused.headers["www-authenticate"] == #"Bearer error="invalid_request""#)
            #expect(refused.headers["x-request-id"]?.isEmpty == false)
            let admin = try service.request("GET", "/api/v1/admin/ocr/metrics", headers: [header])
            #expect(admin.status == 401, "\(header)")
            #expect(Check.errorCode(admin) == "malformed_credentials" || header.0 == "X-API-Key")
        }
        #expect(try fixture.count("SELECT count(*) FROM upload_tasks") == 0)
        // No header at all is still the anonymous upload the optional setting allows.
        let anonymous = try UploadFixture.upload(service, path: fixture.uploadPath, files: [("a.jpg", image)])
        #expect(anonymous.status == 200)
    }

    /// Twenty 1x1 PNGs are refused on their headers as `image_too_small`, so no tier runs: the fake OpenAI server
    /// hears nothing (issue 15, item 6: before, every tier ran on each and GPT was paid).
    @Test func imagesTooSmallForAMenuAreRefusedBeforeAnyProvider() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.menu(items: [])])
        let service = try LiveService(
            databaseURL: fixture.schema.url,
            environment: ["OPENAI_API_KEY": gpt.apiKey, "OPENAI_BASE_URL": gpt.baseURL, "OPENAI_MAX_RETRIES": "0"])
        defer { service.stop() }
        let files = (0..<20).map { ("dot\($0).png", TinyPNG.make(width: 1, height: 1, grey: UInt8($0 * 10))) }
        let response = try UploadFixture.upload(service, path: fixture.uploadPath, files: files)
        #expect(response.status == 200)
        let body = try response.jsonObject()
        #expect(body["failed"] as? Int == 20)
        let results = try #require(body["results"] as? [[String: Any]])
        #expect(results.count == 20)
        for result in results {
            let error = result["error"] as? [String: Any]
            #expect(error?["code"] as? String == "image_too_small")
            #expect(result["attempts"] == nil || (result["attempts"] as? [Any])?.isEmpty == true)
        }
        // No tier ran: the provider was never called (how fast that answers is the bench's business, not a test's).
        #expect(gpt.callCount == 0)
        #expect(try fixture.count("SELECT count(*) FROM ocr_events WHERE error_kind = 'image_too_small'") == 20)
    }

    /// In a mixed upload the small images fail alone: the menu photo is read (one provider call) and succeeds, and
    /// the limit is the short side (`UPLOAD_MIN_SIDE`, here 200): 199 wide is refused whatever its height.
    @Test func aSmallImageFailsAloneInAMixedUpload() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        defer { gpt.stop() }
        gpt.script([.menu(items: [FakeMenuItem("김치찌개", 8000)])])
        let service = try LiveService(
            databaseURL: fixture.schema.url,
            environment: JobsEndToEndTests.environment(gpt: gpt, extra: ["UPLOAD_MIN_SIDE": "200"]))
        defer { service.stop() }
        let response = try UploadFixture.upload(
            service, path: fixture.uploadPath,
            files: [
                ("dot.png", TinyPNG.make(width: 1, height: 1)),
                ("menu.jpg", try UploadFixture.image("menu-rotated.jpg")),
                ("narrow.png", TinyPNG.make(width: 199, height: 1200)),
            ])
        #expect(response.status == 200)
        let results = try #require(try response.jsonObject()["results"] as? [[String: Any]])
        #expect(results.map { $0["status"] as? String } == ["failed", "success", "failed"])
        #expect((results[0]["error"] as? [String: Any])?["code"] as? String == "image_too_small")
        #expect(
            (results[2]["error"] as? [String: Any])?["message"] as? String
                == "The image is 199x1200 pixels; its short side must be at least 200 pixels to hold a readable menu")
        #expect(results[1]["menu_count"] as? Int == 1)
        #expect(gpt.callCount == 1)
    }

    @Test func keysAreRequiredWhenConfiguredAndBoundToTheirRestaurant() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let other = try PostgresRestaurantStore(connection: fixture.connection).create(name: "다른 식당")
        let service = try LiveService(databaseURL: fixture.schema.url, environment: ["B2B_AUTH": "required"])
        defer { service.stop() }
        let image = try UploadFixture.image("menu-rotated.jpg")

        let missing = try UploadFixture.upload(service, path: fixture.uploadPath, files: [("a.jpg", image)])
        #expect(missing.status == 401)
        #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect(Check.errorCode(missing) == "missing_api_key")

        let wrong = try UploadFixture.upload(
            service, path: fixture.uploadPath, files: [("a.jpg", image)],
            headers: [("Authorization", "Bearer mk_not-a-real-key")])
        #expect(wrong.status == 401)
        #expect(Check.errorCode(wrong) == "invalid_api_key")

        let foreign = try UploadFixture.upload(
            service, path: fixture.uploadPath, files: [("a.jpg", image)],
            headers: [("Authorization", "Bearer \(other.apiKey)")])
        #expect(foreign.status == 403)
        #expect(Check.errorCode(foreign) == "forbidden")

        let bearer = try UploadFixture.upload(
            service, path: fixture.uploadPath, files: [("a.jpg", image)],
            headers: [("Authorization", "Bearer \(fixture.apiKey)")])
        #expect(bearer.status == 200)
        let taskID = try #require(try bearer.jsonObject()["task_id"] as? String)

        let menus = try service.request(
            "GET", "/api/v1/b2b/restaurants/\(fixture.restaurant.uuidString.lowercased())/menus",
            headers: [("X-API-Key", fixture.apiKey)])
        #expect(menus.status == 200)
        let foreignTask = try service.request(
            "GET", "/api/v1/b2b/tasks/\(taskID)", headers: [("X-API-Key", other.apiKey)])
        #expect(foreignTask.status == 403)
        #expect(try fixture.count("SELECT count(*) FROM restaurant_api_keys WHERE key_digest IS NOT NULL") == 2)
        // Keys are never stored as given.
        #expect(
            try fixture.count(
                "SELECT count(*) FROM restaurant_api_keys WHERE encode(key_digest, 'escape') LIKE '%\(fixture.apiKey)%'"
            )
                == 0)
    }

    @Test func aTaskLeftProcessingByADeadProcessIsMarkedInterruptedAtStart() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let dead = UUID()
        // A task whose worker's session is gone (no such backend).
        try fixture.connection.query(
            """
            INSERT INTO upload_tasks (id, restaurant_id, status, total, owner_pid, owner_backend_start)
            VALUES (\(dead), \(fixture.restaurant), 'processing', 1, 1, now() - interval '1 hour')
            """)
        let service = try LiveService(databaseURL: fixture.schema.url)
        defer { service.stop() }
        let status = try fixture.connection.query("SELECT status FROM upload_tasks WHERE id = \(dead)")
            .first?.decode(String.self, column: "status")
        #expect(status == "interrupted")
    }
}
