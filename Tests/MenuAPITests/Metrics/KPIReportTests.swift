import Logging
import MenuAPI
import MenuConfiguration
import MenuModel
import Testing

/// The operators' targets and alert rules on crafted metrics (the admin token check is in AdminTokenMiddlewareTests).
struct KPIReportTests {
    static func metrics(
        runs: Int = 100, tier1: Int = 88, fallbacks: Int = 12, averageMilliseconds: Int = 3500, files: Int? = nil,
        cacheHits: Int = 60, errors: Int = 0
    ) -> OCRMetrics {
        var metrics = OCRMetrics()
        metrics.runs = runs
        metrics.tier1 = tier1
        metrics.fallbacks = fallbacks
        metrics.processingMilliseconds = averageMilliseconds * runs
        metrics.files = files ?? runs + cacheHits
        metrics.cacheHits = cacheHits
        metrics.errors = errors
        metrics.items = runs * 10
        return metrics
    }

    @Test func healthyWindowMeetsEveryTargetAndRaisesNothing() {
        let report = KPIReport(metrics: Self.metrics())
        #expect(report.kpis.map(\.status) == Array(repeating: .ok, count: 6))
        #expect(report.alerts.isEmpty)
        #expect(report.severity == 0)
    }

    @Test func aSpentBudgetIsCriticalEvenOnAnEmptyWindow() {
        let budget = OpenAIBudgetStatus(
            dailyLimitUSD: 5, monthlyLimitUSD: 100, spend: OpenAISpend(dayUSD: 5.00004, monthUSD: 40))
        let report = KPIReport(metrics: OCRMetrics(), budget: budget)
        #expect(report.alerts.map(\.level) == [.critical])
        #expect(report.alerts.map(\.rule) == ["openai_spend_day >= OPENAI_DAILY_BUDGET_USD"])
        #expect(report.alerts.map(\.value) == ["$5.0000 / $5.0000"])
        #expect(report.alerts.map(\.action) == ["OpenAI 예산 초과: 예산 증액 또는 사용량 점검"])
        #expect(report.severity == 2)
        #expect(budget.remainingUSD(in: .month) == 60)
    }

    @Test func aBudgetWithMoneyLeftRaisesNothing() {
        let budget = OpenAIBudgetStatus(
            dailyLimitUSD: 5, monthlyLimitUSD: nil, spend: OpenAISpend(dayUSD: 4.99, monthUSD: 400))
        #expect(KPIReport(metrics: Self.metrics(), budget: budget).alerts.isEmpty)
        #expect(budget.remainingUSD(in: .month) == nil)
    }

    @Test func emptyWindowHasNoDataAndNoAlert() {
        let report = KPIReport(metrics: OCRMetrics())
        #expect(report.kpis.allSatisfy { $0.status == .noData })
        #expect(report.alerts.isEmpty)
        #expect(report.severity == 0)
        #expect(OCRMetrics().averageMilliseconds == 0)
        #expect(OCRMetrics.percent(OCRMetrics().tier1SuccessRate) == "0.0%")
    }

    struct RuleCase: Sendable, CustomTestStringConvertible {
        var metrics: OCRMetrics
        var rules: [String]
        var severity: Int
        var testDescription: String { rules.joined(separator: " + ").isEmpty ? "none" : rules.joined(separator: " + ") }
    }

    static let ruleCases: [RuleCase] = [
        RuleCase(
            metrics: metrics(tier1: 69, fallbacks: 31),
            rules: ["tier_1_success_rate < 70%", "tier_2_fallback_rate > 20%"], severity: 2),
        RuleCase(metrics: metrics(tier1: 70, fallbacks: 20), rules: [], severity: 0),
        RuleCase(metrics: metrics(tier1: 79, fallbacks: 21), rules: ["tier_2_fallback_rate > 20%"], severity: 1),
        RuleCase(metrics: metrics(files: 1000, errors: 21), rules: ["error_rate > 2%"], severity: 2),
        RuleCase(metrics: metrics(files: 1000, errors: 20), rules: [], severity: 0),
        RuleCase(metrics: metrics(averageMilliseconds: 10_001), rules: ["avg_processing_time_ms > 10000"], severity: 2),
        RuleCase(metrics: metrics(averageMilliseconds: 10_000), rules: ["avg_processing_time_ms > 5000"], severity: 1),
        RuleCase(metrics: metrics(averageMilliseconds: 5001), rules: ["avg_processing_time_ms > 5000"], severity: 1),
        RuleCase(metrics: metrics(averageMilliseconds: 5000), rules: [], severity: 0),
    ]

    @Test(arguments: ruleCases)
    func eachAlertRuleFiresOnItsWindowAndNotOtherwise(_ testCase: RuleCase) {
        let report = KPIReport(metrics: testCase.metrics)
        #expect(report.alerts.map(\.rule) == testCase.rules)
        #expect(report.severity == testCase.severity)
        for alert in report.alerts { #expect(!alert.action.isEmpty) }
    }

    @Test func alertsCarryTheOperatorsActions() {
        let report = KPIReport(metrics: Self.metrics(tier1: 50, fallbacks: 50, files: 200, errors: 10))
        let actions = Dictionary(uniqueKeysWithValues: report.alerts.map { ($0.rule, $0.action) })
        #expect(actions["tier_1_success_rate < 70%"] == "GPT API 문제 조사: API 상태 확인, 모델 재인증")
        #expect(actions["error_rate > 2%"] == "시스템 장애 경고: 로그 분석, 서비스 재시작 검토")
        #expect(actions["tier_2_fallback_rate > 20%"] == "Tier 1 신뢰도 저하: 이미지 전처리 로직 재검토")
        #expect(report.alerts.first { $0.rule.hasPrefix("tier_1") }?.value == "50.0%")
    }

    @Test func percentilesReportTheirBucketBound() {
        var metrics = OCRMetrics()
        for milliseconds in [120, 980, 3000, 3001, 3050, 4200, 65_000] {
            metrics.runs += 1
            metrics.buckets[ProcessingTimeBuckets.index(of: milliseconds)] += 1
        }
        #expect(metrics.percentileMilliseconds(0.5) == 3100)
        #expect(metrics.percentileMilliseconds(0.95) == 120_000)
        #expect(metrics.percentileMilliseconds(0.1) == 150)
        #expect(ProcessingTimeBuckets.index(of: 3000) == ProcessingTimeBuckets.bounds.firstIndex(of: 3000))
    }

    @Test func productionRefusesToStartWithoutAnAdminToken() {
        #expect {
            try Configuration(environment: ["APP_ENV": "production"])
        } throws: { error in
            (error as? ConfigurationError)?.variable == "ADMIN_TOKEN"
        }
        #expect(throws: Never.self) {
            try Configuration(environment: ["APP_ENV": "production", "ADMIN_TOKEN": "a-long-enough-admin-token"])
        }
    }
}
