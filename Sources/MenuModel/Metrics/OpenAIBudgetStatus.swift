/// The OpenAI budgets (`OPENAI_DAILY_BUDGET_USD`, `OPENAI_MONTHLY_BUDGET_USD`) beside what was spent: the metrics'
/// remaining-budget gauges and the KPI report's `budget_exhausted` alert.
public struct OpenAIBudgetStatus: Sendable, Equatable {
    /// A budget's period; the raw value is the Prometheus `period` label.
    public enum Period: String, Sendable, CaseIterable {
        case day
        case month
    }

    /// The daily budget in US dollars; nil when none is set.
    public var dailyLimitUSD: Double?
    /// The monthly budget in US dollars; nil when none is set.
    public var monthlyLimitUSD: Double?
    public var spend: OpenAISpend

    public init(dailyLimitUSD: Double?, monthlyLimitUSD: Double?, spend: OpenAISpend) {
        self.dailyLimitUSD = dailyLimitUSD
        self.monthlyLimitUSD = monthlyLimitUSD
        self.spend = spend
    }

    /// The budget set for `period`, if any.
    public func limitUSD(for period: Period) -> Double? {
        switch period {
        case .day: dailyLimitUSD
        case .month: monthlyLimitUSD
        }
    }

    /// What was spent in `period` so far.
    public func spentUSD(in period: Period) -> Double {
        switch period {
        case .day: spend.dayUSD
        case .month: spend.monthUSD
        }
    }

    /// The budget left in `period` (negative once overshot); nil without a budget for it.
    public func remainingUSD(in period: Period) -> Double? {
        limitUSD(for: period).map { $0 - spentUSD(in: period) }
    }

    /// The periods whose budget is spent: GPT vision is skipped while this is not empty.
    public var exhaustedPeriods: [Period] {
        Period.allCases.filter { period in remainingUSD(in: period).map { $0 <= 0 } ?? false }
    }

    /// True when some budget is spent.
    public var isExhausted: Bool { !exhaustedPeriods.isEmpty }
}
