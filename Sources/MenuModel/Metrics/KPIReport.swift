/// The operators' targets and alert rules, evaluated on a window's metrics.
public struct KPIReport: Sendable {
    public struct KPI: Sendable, Equatable {
        /// Machine name, e.g. `tier_1_success_rate`.
        public var name: String
        /// The target as written, e.g. `>= 85%`.
        public var target: String
        /// The value as shown, e.g. `91.2%` or `3200 ms`.
        public var value: String
        public var status: Status
    }

    /// Where a KPI stands; the raw value is the wire form.
    public enum Status: String, Sendable {
        case ok
        case offTarget = "off_target"
        /// The window holds nothing to measure it on.
        case noData = "no_data"
    }

    /// How urgent an alert is; the raw value is the wire form.
    public enum Level: String, Sendable {
        case warning
        case critical
    }

    public struct Alert: Sendable, Equatable {
        public var level: Level
        /// The rule as operators wrote it, e.g. `tier_1_success_rate < 70%`.
        public var rule: String
        public var value: String
        /// What to do, in the operators' words.
        public var action: String
    }

    public var kpis: [KPI]
    public var alerts: [Alert]

    /// 0 when all is well, 1 with a warning, 2 with a critical alert (`menu-api report`'s exit code).
    public var severity: Int {
        alerts.contains { $0.level == .critical } ? 2 : alerts.isEmpty ? 0 : 1
    }

    /// Evaluates every target and rule. Rates over runs need runs, rates over files need files: an empty window
    /// reports `no_data` and raises no alert. A spent OpenAI budget is critical whatever the window (budgets are
    /// per UTC day and month).
    /// - Parameters:
    ///   - metrics: the window's figures.
    ///   - budget: the OpenAI budgets and the spend; nil (the default) when no budget is set.
    public init(metrics: OCRMetrics, budget: OpenAIBudgetStatus? = nil) {
        let hasRuns = metrics.runs > 0
        let hasFiles = metrics.files > 0
        func kpi(_ name: String, _ target: String, _ value: String, hasData: Bool, _ met: Bool) -> KPI {
            KPI(name: name, target: target, value: value, status: hasData ? (met ? .ok : .offTarget) : .noData)
        }
        let average = metrics.averageMilliseconds
        kpis = [
            kpi(
                "tier_1_success_rate", ">= 85%", OCRMetrics.percent(metrics.tier1SuccessRate), hasData: hasRuns,
                metrics.tier1SuccessRate >= 0.85),
            kpi(
                "tier_2_fallback_rate", "10-15%", OCRMetrics.percent(metrics.fallbackRate), hasData: hasRuns,
                (0.10...0.15).contains(metrics.fallbackRate)),
            kpi("avg_processing_time_ms", "<= 4000 ms (3-4 s)", "\(average) ms", hasData: hasRuns, average <= 4000),
            kpi(
                "price_error_rate", "< 5%", OCRMetrics.percent(metrics.priceErrorRate), hasData: hasRuns,
                metrics.priceErrorRate < 0.05),
            kpi(
                "cache_hit_rate", "> 30%", OCRMetrics.percent(metrics.cacheHitRate), hasData: hasFiles,
                metrics.cacheHitRate > 0.30),
            kpi(
                "error_rate", "< 1%", OCRMetrics.percent(metrics.errorRate), hasData: hasFiles, metrics.errorRate < 0.01
            ),
        ]
        var alerts: [Alert] = []
        if hasRuns, metrics.tier1SuccessRate < 0.70 {
            alerts.append(
                Alert(
                    level: .critical, rule: "tier_1_success_rate < 70%",
                    value: OCRMetrics.percent(metrics.tier1SuccessRate), action: "GPT API 문제 조사: API 상태 확인, 모델 재인증"))
        }
        if hasFiles, metrics.errorRate > 0.02 {
            alerts.append(
                Alert(
                    level: .critical, rule: "error_rate > 2%", value: OCRMetrics.percent(metrics.errorRate),
                    action: "시스템 장애 경고: 로그 분석, 서비스 재시작 검토"))
        }
        if hasRuns, average > 10_000 {
            alerts.append(
                Alert(
                    level: .critical, rule: "avg_processing_time_ms > 10000", value: "\(average) ms",
                    action: "성능 저하: 병목 지점 분석, 타임아웃 확인"))
        }
        if hasRuns, metrics.fallbackRate > 0.20 {
            alerts.append(
                Alert(
                    level: .warning, rule: "tier_2_fallback_rate > 20%",
                    value: OCRMetrics.percent(metrics.fallbackRate),
                    action: "Tier 1 신뢰도 저하: 이미지 전처리 로직 재검토"))
        }
        // Over 10 s is already critical; the 5 s warning would only repeat it.
        if hasRuns, average > 5000, average <= 10_000 {
            alerts.append(
                Alert(
                    level: .warning, rule: "avg_processing_time_ms > 5000", value: "\(average) ms",
                    action: "성능 저하 추세: API 성능 분석, 인프라 리소스 확인"))
        }
        for period in budget?.exhaustedPeriods ?? [] {
            guard let budget, let limit = budget.limitUSD(for: period) else { continue }
            let variable = period == .day ? "OPENAI_DAILY_BUDGET_USD" : "OPENAI_MONTHLY_BUDGET_USD"
            alerts.append(
                Alert(
                    level: .critical, rule: "openai_spend_\(period.rawValue) >= \(variable)",
                    value: "\(Self.dollars(budget.spentUSD(in: period))) / \(Self.dollars(limit))",
                    action: "OpenAI 예산 초과: 예산 증액 또는 사용량 점검"))
        }
        self.alerts = alerts
    }

    /// `$1.2346`: four decimals, as GPT vision's calls cost fractions of a cent.
    static func dollars(_ value: Double) -> String {
        let tenThousandths = Int((value * 10_000).rounded())
        let fraction = String(abs(tenThousandths) % 10_000)
        let sign = tenThousandths < 0 ? "-" : ""
        return "\(sign)$\(abs(tenThousandths) / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
    }
}
