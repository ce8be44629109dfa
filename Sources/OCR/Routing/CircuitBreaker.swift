public import Logging
public import MenuModel
import Synchronization

/// One provider's circuit breaker in this process: after ``failureThreshold`` consecutive calls that say the
/// provider is unwell (``OCRFailureReason/meansProviderUnwell``), the router skips it for ``cooldown`` instead of
/// letting every image wait out its timeout and retries; then exactly one trial call goes through, and its outcome
/// closes the breaker or opens it again.
///
/// ```swift
/// if let permit = breaker.permit() {
///     let result = provider.recognize(image, deadline: budget)
///     breaker.record(result, for: permit)
/// } else {
///     // skipped: fall back at once with `provider_unavailable`
/// }
/// ```
///
/// Thread-safe: the routers of every file thread share one breaker per provider. The state is per process (each
/// responder and `menu-api worker` process learns of an outage from its own calls).
public final class CircuitBreaker: Sendable {
    /// Where the breaker stands.
    public enum State: Sendable, Equatable {
        /// Calls go through; `failures` is the run of unwell calls so far.
        case closed(failures: Int)
        /// Calls are skipped until `until`.
        case open(until: ContinuousClock.Instant)
        /// The cool-down is over and one trial call is in flight; other calls are skipped until it ends.
        case halfOpen
    }

    /// Leave to call the provider, from ``permit()``; hand it back to ``record(_:for:)``.
    public struct Permit: Sendable {
        /// True for the one call the half-open breaker lets through.
        public let isTrial: Bool
    }

    /// The provider's wire name, for the log lines.
    public let provider: String
    /// Consecutive unwell calls that open the breaker (`OCR_BREAKER_FAILURES`).
    public let failureThreshold: Int
    /// How long an open breaker skips the provider (`OCR_BREAKER_COOLDOWN_SECONDS`).
    public let cooldown: Duration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let logger: Logger
    private let state = Mutex<State>(.closed(failures: 0))

    /// - Parameters:
    ///   - provider: the provider's wire name (`gpt_vision`).
    ///   - failureThreshold: consecutive unwell calls that open it; at least 1.
    ///   - cooldown: how long it stays open.
    ///   - logger: where opening and closing are logged.
    ///   - now: the clock; tests pass one they move by hand. Defaults to the continuous clock.
    public init(
        provider: String, failureThreshold: Int, cooldown: Duration, logger: Logger,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.provider = provider
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
        self.logger = logger
        self.now = now
    }

    /// The state now (an open breaker whose cool-down is over still reads open until a call asks for a permit).
    public var current: State { state.withLock { $0 } }

    /// True while calls are skipped or only a trial is allowed: what the `menu_api_ocr_breaker_open` gauge shows.
    public var isOpen: Bool {
        if case .closed = current { return false }
        return true
    }

    /// Leave to call the provider, or nil to skip it: open and cooling down, or half-open with the trial in flight.
    public func permit() -> Permit? {
        let instant = now()
        return state.withLock { state in
            switch state {
            case .closed: return Permit(isTrial: false)
            case .open(let until):
                guard instant >= until else { return nil }
                state = .halfOpen
                return Permit(isTrial: true)
            case .halfOpen: return nil
            }
        }
    }

    /// Counts the call made under `permit`. Only failures that say the provider is unwell count; any other result
    /// (a reading, a bad image, a refusal) shows the provider answering, which ends a run of failures.
    public func record(_ result: OCRResult, for permit: Permit) {
        record(unwell: result.failureReason?.meansProviderUnwell ?? false, for: permit)
    }

    /// ``record(_:for:)`` with the verdict already made: `unwell` when the call timed out, could not connect, or
    /// was answered 5xx or 429.
    public func record(unwell: Bool, for permit: Permit) {
        let instant = now()
        let change: Change? = state.withLock { state in
            if permit.isTrial {
                // Only the trial moves a half-open breaker, and it is the only call in flight since it opened.
                guard case .halfOpen = state else { return nil }
                state = unwell ? .open(until: instant.advanced(by: cooldown)) : .closed(failures: 0)
                return unwell ? .reopened : .closed
            }
            // A call let through before the breaker opened may end after it did: the trial decides, not it.
            guard case .closed(let failures) = state else { return nil }
            guard unwell else {
                state = .closed(failures: 0)
                return nil
            }
            guard failures + 1 >= failureThreshold else {
                state = .closed(failures: failures + 1)
                return nil
            }
            state = .open(until: instant.advanced(by: cooldown))
            return .opened
        }
        if let change { log(change) }
    }

    private enum Change {
        case opened, reopened, closed
    }

    private func log(_ change: Change) {
        let metadata: Logger.Metadata = [
            LogKey.provider: "\(provider)", LogKey.breakerFailures: "\(failureThreshold)",
            LogKey.breakerCooldownSeconds: "\(cooldown.components.seconds)",
        ]
        switch change {
        case .opened:
            logger.warning("OCR provider circuit breaker opened; skipping the provider", metadata: metadata)
        case .reopened:
            logger.warning("OCR provider circuit breaker trial failed; skipping the provider again", metadata: metadata)
        case .closed:
            logger.notice("OCR provider circuit breaker closed; the trial call succeeded", metadata: metadata)
        }
    }
}
