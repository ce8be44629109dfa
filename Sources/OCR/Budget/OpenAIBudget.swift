public import Foundation
public import Logging
public import MenuModel
import Synchronization

/// The OpenAI budgets of the day and the month (`OPENAI_DAILY_BUDGET_USD`, `OPENAI_MONTHLY_BUDGET_USD`), checked
/// before every GPT vision call: once one is spent the router skips the tier with `budget_exhausted`.
///
/// The check must cost nothing on the upload path, so the spend is read from ``source`` (the whole service's,
/// every process's, in PostgreSQL) at most every ``refreshInterval``, by one caller while the others use the last
/// figure, and this process adds each call's own cost at once. A call's cost reaches the database only when its
/// upload's events are stored, after the upload's last file, so a local cost is counted on top of the database's
/// figure for ``localHold`` (longer than an upload takes) and may be counted twice meanwhile: the budget errs on the
/// side of stopping early. It can be overshot by the calls already in flight when it runs out, in every process,
/// and by what other processes spent since this one last read the database (at most ``refreshInterval`` of their
/// calls). Days and months are UTC, as in OpenAI's usage figures.
///
/// A failed read keeps the last figure (or none: no budget is known spent), logs a warning, and is tried again
/// after ``refreshInterval``: a database outage does not stop GPT vision.
public final class OpenAIBudget: Sendable {
    public let dailyLimitUSD: Double?
    public let monthlyLimitUSD: Double?
    /// How often the database is read. Defaults to 5 seconds.
    public let refreshInterval: Duration
    /// How long a call's own cost is added to the database's figure. Defaults to 5 minutes.
    public let localHold: Duration
    private let source: any OpenAISpendSource
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        /// The database's last figure and the UTC day it was read on; nil until a read succeeds.
        var stored: (spend: OpenAISpend, day: Day)?
        /// When a read last started; nil before the first.
        var lastRead: Date?
        var isReading = false
        /// This process's calls: when each ended and what it cost.
        var local: [(at: Date, costUSD: Double)] = []
    }

    /// A UTC calendar day, and the month it is in.
    private struct Day: Equatable {
        var year: Int
        var month: Int
        var day: Int

        static let calendar: Calendar = {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
            return calendar
        }()

        init(_ date: Date) {
            let parts = Self.calendar.dateComponents([.year, .month, .day], from: date)
            (year, month, day) = (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        }

        func isSameMonth(as other: Day) -> Bool { year == other.year && month == other.month }
    }

    /// - Parameters:
    ///   - dailyLimitUSD: the day's budget; nil for none.
    ///   - monthlyLimitUSD: the month's budget; nil for none.
    ///   - source: the service's spend.
    ///   - refreshInterval: how often `source` is read. Defaults to 5 seconds.
    ///   - localHold: how long a call's own cost is counted locally. Defaults to 5 minutes.
    ///   - logger: for failed reads.
    ///   - now: the wall clock (days and months are calendar ones); tests pass their own. Defaults to `Date()`.
    public init(
        dailyLimitUSD: Double?, monthlyLimitUSD: Double?, source: any OpenAISpendSource,
        refreshInterval: Duration = .seconds(5), localHold: Duration = .seconds(300), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.dailyLimitUSD = dailyLimitUSD
        self.monthlyLimitUSD = monthlyLimitUSD
        self.source = source
        self.refreshInterval = refreshInterval
        self.localHold = localHold
        self.logger = logger
        self.now = now
    }

    /// The budgets beside the spend as this process knows it now (reading the database first when the last read
    /// is older than ``refreshInterval`` and no other caller is reading it).
    /// - Note: Blocks the calling thread for one query at most every ``refreshInterval``.
    public func status() -> OpenAIBudgetStatus {
        refreshIfDue()
        let instant = now()
        let today = Day(instant)
        let spend = state.withLock { state in
            var spend = OpenAISpend(dayUSD: 0, monthUSD: 0)
            // A figure read on another day or month says nothing of this one's.
            if let stored = state.stored, stored.day.isSameMonth(as: today) {
                spend.monthUSD = stored.spend.monthUSD
                if stored.day == today { spend.dayUSD = stored.spend.dayUSD }
            }
            state.local.removeAll { $0.at.timeIntervalSince(instant) < -localHold.seconds }
            for call in state.local {
                let day = Day(call.at)
                if day.isSameMonth(as: today) { spend.monthUSD += call.costUSD }
                if day == today { spend.dayUSD += call.costUSD }
            }
            return spend
        }
        return OpenAIBudgetStatus(dailyLimitUSD: dailyLimitUSD, monthlyLimitUSD: monthlyLimitUSD, spend: spend)
    }

    /// True when a budget is spent: the router skips GPT vision.
    public var isExhausted: Bool { status().isExhausted }

    /// Adds one call's estimated cost (nothing for a call without usage).
    public func record(costUSD: Double) {
        guard costUSD > 0, costUSD.isFinite else { return }
        let instant = now()
        state.withLock { $0.local.append((instant, costUSD)) }
    }

    private func refreshIfDue() {
        let instant = now()
        let isDue = state.withLock { state in
            guard !state.isReading else { return false }
            if let last = state.lastRead, instant.timeIntervalSince(last) < refreshInterval.seconds,
                last <= instant
            {
                return false
            }
            state.isReading = true
            state.lastRead = instant
            return true
        }
        guard isDue else { return }
        let read: OpenAISpend?
        do {
            read = try source.spend()
        } catch {
            logger.warning(
                "Could not read the OpenAI spend; the budget uses the last figure",
                metadata: [LogKey.error: "\(String(reflecting: error))"])
            read = nil
        }
        state.withLock { state in
            state.isReading = false
            if let read { state.stored = (read, Day(instant)) }
        }
    }
}
