import Foundation
import MenuKnowledgeTesting
import Testing

/// The OpenAI budget through nginx and PostgreSQL: a tiny daily budget, one paid GPT vision run, then the next
/// upload never calls GPT and reports `budget_exhausted`, and the metrics route raises the critical alert.
@Suite(.serialized) struct BudgetEndToEndTests {
    @Test func pastTheDailyBudgetGPTIsSkippedAndTheMetricsAlert() throws {
        let fixture = try UploadFixture()
        defer { fixture.drop() }
        let gpt = try FakeOpenAIServer()
        let clova = try FakeClovaServer()
        defer {
            gpt.stop()
            clova.stop()
        }
        // One call costs 25,700 × 0.15 + 180 × 0.60 per million tokens: $0.003963, over the $0.001 budget.
        gpt.script([.menu(items: [FakeMenuItem("김치찌개", 8000), FakeMenuItem("된장찌개", 7500)])])
        clova.script([.lines([["비빔밥", "9,000원"], ["냉면", "8,000원"]])])
        var environment = MetricsEndToEndTests.environment(gpt: gpt, clova: clova)
        environment["OPENAI_DAILY_BUDGET_USD"] = "0.001"
        environment["OPENAI_MONTHLY_BUDGET_USD"] = "100"
        let service = try LiveService(databaseURL: fixture.schema.url, environment: environment)
        defer { service.stop() }
        let jpeg = try UploadFixture.image("menu-rotated.jpg")

        let paid = try Self.firstResult(
            try UploadFixture.upload(
                service, path: fixture.uploadPath, files: [("paid.jpg", MetricsEndToEndTests.variant(jpeg, "1"))]))
        #expect(paid["provider"] as? String == "gpt_vision")
        #expect(gpt.callCount == 1)

        let skipped = try Self.firstResult(
            try UploadFixture.upload(
                service, path: fixture.uploadPath, files: [("next.jpg", MetricsEndToEndTests.variant(jpeg, "2"))]))
        #expect(skipped["provider"] as? String == "clova")
        #expect(skipped["fallback_reason"] as? String == "OCR 건너뜀: 예산 초과")
        #expect(skipped["fallback_codes"] as? [String] == ["budget_exhausted"])
        #expect(gpt.callCount == 1, "no GPT call past the budget")
        #expect(clova.callCount == 1)

        let body = try MetricsEndToEndTests.metrics(service)
        let alerts = try #require(body["alerts"] as? [[String: Any]])
        let budgetAlert = try #require(
            alerts.first { ($0["rule"] as? String) == "openai_spend_day >= OPENAI_DAILY_BUDGET_USD" })
        #expect(budgetAlert["level"] as? String == "critical")
        #expect(budgetAlert["value"] as? String == "$0.0040 / $0.0010")
        #expect(budgetAlert["action"] as? String == "OpenAI 예산 초과: 예산 증액 또는 사용량 점검")
        #expect(!alerts.contains { ($0["rule"] as? String)?.hasPrefix("openai_spend_month") == true })
        let budget = try #require(body["openai_budget"] as? [String: Any])
        let day = try #require(budget["day"] as? [String: Any])
        #expect(day["exhausted"] as? Bool == true)
        #expect(day["spent_usd"] as? Double == 0.003963)
        #expect((budget["month"] as? [String: Any])?["exhausted"] as? Bool == false)
        #expect((body["circuit_breakers"] as? [String: String]) == ["clova": "closed", "gpt_vision": "closed"])

        let prometheus = try service.request(
            "GET", "/api/v1/admin/ocr/metrics?format=prometheus",
            headers: [("Authorization", "Bearer \(MetricsEndToEndTests.adminToken)")])
        #expect(prometheus.status == 200)
        #expect(prometheus.text.contains("\nmenu_api_openai_budget_remaining_usd{period=\"day\"} -0.00296"))
        #expect(prometheus.text.contains("\nmenu_api_openai_budget_usd{period=\"month\"} 100\n"))
        #expect(prometheus.text.contains("\nmenu_api_ocr_breaker_open{provider=\"gpt_vision\"} 0\n"))
        // The budget's and tier 1's (one run of two accepted from GPT vision: 50%).
        #expect(prometheus.text.contains("\nmenu_api_ocr_window_alerts{window=\"all\",level=\"critical\"} 2\n"))
    }

    static func firstResult(_ response: TestHTTPResponse) throws -> [String: Any] {
        #expect(response.status == 200)
        return try #require((try response.jsonObject()["results"] as? [[String: Any]])?.first)
    }
}
