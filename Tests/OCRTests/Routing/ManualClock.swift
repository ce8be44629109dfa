import Foundation
import Synchronization

/// A clock the test moves by hand, for the breaker's cool-down and the budget's refresh interval.
final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    private let date = Mutex(Date(timeIntervalSince1970: 1_796_000_000))

    /// The continuous instant, for ``CircuitBreaker``.
    var now: ContinuousClock.Instant { instant.withLock { $0 } }
    /// The wall-clock date, for ``OpenAIBudget``.
    var wallClock: Date { date.withLock { $0 } }

    func advance(by duration: Duration) {
        instant.withLock { $0 = $0.advanced(by: duration) }
        date.withLock { $0 = $0.addingTimeInterval(Double(duration.components.seconds)) }
    }

    /// Sets the wall clock (to cross a UTC midnight).
    func set(_ newDate: Date) {
        date.withLock { $0 = newDate }
    }
}
