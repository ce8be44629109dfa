import Foundation
import Logging
import MenuModel
import OCR
import Synchronization
import Testing

/// The budget's cached spend: the database read at most every refresh interval, this process's costs added at
/// once, days and months in UTC, a failed read keeping the last figure.
struct OpenAIBudgetTests {
    /// A database stand-in whose figure the test sets, counting reads.
    final class ScriptedSpendSource: OpenAISpendSource {
        struct Unreachable: Error {}
        private let figure = Mutex<OpenAISpend?>(OpenAISpend(dayUSD: 0, monthUSD: 0))
        let reads = Atomic(0)

        /// nil makes reads fail.
        func set(_ spend: OpenAISpend?) { figure.withLock { $0 = spend } }

        func spend() throws -> OpenAISpend {
            reads.add(1, ordering: .relaxed)
            guard let spend = figure.withLock({ $0 }) else { throw Unreachable() }
            return spend
        }
    }

    static func budget(
        daily: Double? = 1, monthly: Double? = nil, source: ScriptedSpendSource, clock: ManualClock
    ) -> OpenAIBudget {
        OpenAIBudget(
            dailyLimitUSD: daily, monthlyLimitUSD: monthly, source: source, refreshInterval: .seconds(5),
            localHold: .seconds(300), logger: Logger(label: "menu-api.tests"), now: { clock.wallClock })
    }

    @Test func theDatabaseIsReadAtMostEveryRefreshInterval() {
        let source = ScriptedSpendSource()
        let clock = ManualClock()
        let budget = Self.budget(source: source, clock: clock)

        for _ in 0..<100 { _ = budget.isExhausted }
        #expect(source.reads.load(ordering: .relaxed) == 1)

        source.set(OpenAISpend(dayUSD: 1.5, monthUSD: 1.5))
        #expect(!budget.isExhausted, "the cached figure stands until the interval is over")
        clock.advance(by: .seconds(5))
        #expect(budget.isExhausted)
        #expect(source.reads.load(ordering: .relaxed) == 2)
    }

    @Test func thisProcessesCostsCountAtOnce() {
        let source = ScriptedSpendSource()
        let clock = ManualClock()
        let budget = Self.budget(daily: 0.01, source: source, clock: clock)
        #expect(!budget.isExhausted)

        budget.record(costUSD: 0.004)
        #expect(!budget.isExhausted)
        budget.record(costUSD: 0.006)

        #expect(budget.isExhausted)
        #expect(budget.status().exhaustedPeriods == [.day])
        #expect(budget.status().spend.dayUSD == 0.01)
    }

    @Test func theMonthlyBudgetCountsEveryDayOfTheMonth() {
        let source = ScriptedSpendSource()
        source.set(OpenAISpend(dayUSD: 0.5, monthUSD: 29.5))
        let clock = ManualClock()
        let budget = Self.budget(daily: 10, monthly: 30, source: source, clock: clock)
        #expect(!budget.isExhausted)

        budget.record(costUSD: 0.5)

        #expect(budget.status().exhaustedPeriods == [.month])
        #expect(budget.status().remainingUSD(in: .day) == 9)
    }

    @Test func aNewUTCDayStartsFromNothingUntilTheNextRead() throws {
        let source = ScriptedSpendSource()
        source.set(OpenAISpend(dayUSD: 2, monthUSD: 2))
        let clock = ManualClock()
        clock.set(try #require(ISO8601DateFormatter().date(from: "2026-12-02T23:59:58Z")))
        let budget = Self.budget(daily: 1, source: source, clock: clock)
        #expect(budget.isExhausted)

        // Past midnight UTC, before the next read: yesterday's figure is not today's.
        clock.set(try #require(ISO8601DateFormatter().date(from: "2026-12-03T00:00:01Z")))
        source.set(nil)
        #expect(!budget.isExhausted)
        #expect(budget.status().spend.monthUSD == 2, "the same month")
    }

    @Test func aFailedReadKeepsTheLastFigure() {
        let source = ScriptedSpendSource()
        source.set(OpenAISpend(dayUSD: 3, monthUSD: 3))
        let clock = ManualClock()
        let budget = Self.budget(daily: 2, source: source, clock: clock)
        #expect(budget.isExhausted)

        source.set(nil)
        clock.advance(by: .seconds(6))

        #expect(budget.isExhausted)
        #expect(source.reads.load(ordering: .relaxed) == 2)
    }

    @Test func localCostsAreDroppedAfterTheHold() {
        let source = ScriptedSpendSource()
        let clock = ManualClock()
        let budget = Self.budget(daily: 1, source: source, clock: clock)
        budget.record(costUSD: 0.4)
        #expect(budget.status().spend.dayUSD == 0.4)

        clock.advance(by: .seconds(301))

        #expect(budget.status().spend.dayUSD == 0)
    }
}
