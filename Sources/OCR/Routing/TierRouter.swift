public import JSON
public import MenuModel

/// One tier of the chain: a provider and the bar its results must clear.
public struct OCRTier {
    public var provider: any OCRProvider
    /// Results below this confidence fall back (0.75 for the first tier, 0.70 after it, by default).
    public var minimumConfidence: Double
    /// The most this tier may take of the image's budget.
    public var timeout: Duration
    /// The provider's circuit breaker in this process: while it is open the tier is skipped without a call. Nil
    /// for none (the local tier).
    public var breaker: CircuitBreaker?
    /// The OpenAI budgets: once one is spent the tier is skipped without a call. Nil for none (every tier but GPT
    /// vision, or no budget set).
    public var budget: OpenAIBudget?

    /// - Parameters:
    ///   - breaker: the provider's circuit breaker. Defaults to nil.
    ///   - budget: the budget this tier's calls spend. Defaults to nil.
    public init(
        provider: any OCRProvider, minimumConfidence: Double, timeout: Duration, breaker: CircuitBreaker? = nil,
        budget: OpenAIBudget? = nil
    ) {
        self.provider = provider
        self.minimumConfidence = minimumConfidence
        self.timeout = timeout
        self.breaker = breaker
        self.budget = budget
    }
}

/// Why a tier's result was not accepted. `code` is for machines (metrics), `korean` is how operators read it.
public struct FallbackTrigger: Sendable, Equatable {
    /// The rule that rejected the result; the raw value is the wire form.
    public enum Code: String, Sendable, CaseIterable {
        case providerFailed = "provider_failed"
        case lowConfidence = "low_confidence"
        case noItems = "no_items"
        case handwriting
        case priceErrors = "price_errors"
        case tooManyItems = "too_many_items"
        /// The tier was skipped: its provider's circuit breaker is open.
        case providerUnavailable = "provider_unavailable"
        /// The tier was skipped: the OpenAI budget is spent.
        case budgetExhausted = "budget_exhausted"
    }

    public var code: Code
    /// e.g. `신뢰도 0.62`, `OCR 실패: timeout`.
    public var korean: String

    /// The trigger of a failed result: skipped tiers have their own codes, every other failure is
    /// `provider_failed`.
    public static func providerFailed(_ reason: OCRFailureReason?) -> FallbackTrigger {
        switch reason {
        case .providerUnavailable?: .providerUnavailable
        case .budgetExhausted?: .budgetExhausted
        default: FallbackTrigger(code: .providerFailed, korean: "OCR 실패: \(reason?.rawValue ?? "error")")
        }
    }
    public static let providerUnavailable = FallbackTrigger(code: .providerUnavailable, korean: "OCR 건너뜀: 연속 실패")
    public static let budgetExhausted = FallbackTrigger(code: .budgetExhausted, korean: "OCR 건너뜀: 예산 초과")
    public static func lowConfidence(_ confidence: Double) -> FallbackTrigger {
        FallbackTrigger(code: .lowConfidence, korean: "신뢰도 \(Self.twoDecimals(confidence))")
    }
    public static let noItems = FallbackTrigger(code: .noItems, korean: "메뉴 부족")
    public static let handwriting = FallbackTrigger(code: .handwriting, korean: "손글씨 감지")
    public static func priceErrors(_ count: Int) -> FallbackTrigger {
        FallbackTrigger(code: .priceErrors, korean: "가격 에러 \(count)건")
    }
    public static let tooManyItems = FallbackTrigger(code: .tooManyItems, korean: "메뉴 개수 이상")

    private static func twoDecimals(_ value: Double) -> String {
        // A provider's corrupt confidence (NaN, infinite) reads as 0.00 rather than trapping.
        let clamped = value.isFinite ? min(max(value, 0), 1) : 0
        let hundredths = Int((clamped * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// One tier's try at an image, as the metrics record it.
public struct OCRAttempt: Sendable {
    public var provider: String
    /// 0 for the first tier.
    public var tierIndex: Int
    /// What became of the try; the raw value is the wire form.
    public enum Outcome: String, Sendable {
        /// The result met the tier's bar.
        case accepted
        /// The result was not good enough (see the triggers).
        case fallback
        /// The provider failed (an error, or no time was left for it).
        case failed
        /// The provider was not called: its circuit breaker is open, or the budget is spent.
        case skipped
    }

    public var outcome: Outcome
    public var triggers: [FallbackTrigger]
    public var result: OCRResult

    /// `{"provider", "tier", "outcome", "processing_time_ms", "confidence", "menu_count", "triggers", ...}`
    public var json: JSONValue {
        .object([
            ("provider", .string(provider)), ("tier", .int(tierIndex + 1)), ("outcome", .string(outcome.rawValue)),
            ("processing_time_ms", .int(result.processingTime.milliseconds)),
            ("confidence", .confidence(result.confidence)),
            ("menu_count", .int(result.items.count)),
            ("triggers", .array(triggers.map { .string($0.code.rawValue) })),
            ("failure_reason", result.failureReason.map { .string($0.rawValue) } ?? .null),
            ("prompt_tokens", result.promptTokens.map(JSONValue.int) ?? .null),
            ("completion_tokens", result.completionTokens.map(JSONValue.int) ?? .null),
            ("estimated_cost_usd", result.estimatedCostUSD.map(JSONValue.double) ?? .null),
        ])
    }
}

/// What the chain made of one image.
public struct RoutedOCRResult: Sendable {
    /// The result returned: the accepted one, else the best attempt with items, else the last failure.
    public var result: OCRResult
    /// The tier `result` came from (0-based).
    public var tierIndex: Int
    /// Every tier tried, in order.
    public var attempts: [OCRAttempt]
    /// True when a later tier than the first was asked.
    public var fallbackTriggered: Bool
    /// The triggers of every tier that fell back, in order.
    public var fallbackTriggers: [FallbackTrigger]
    /// False when no tier cleared its bar and `result` is the best of what there was.
    public var meetsBar: Bool

    /// The triggers as operators read them, joined with `, `; nil without a fallback.
    public var fallbackReason: String? {
        fallbackTriggered ? fallbackTriggers.map(\.korean).joined(separator: ", ") : nil
    }

    /// Tokens and cost summed over every attempt (a fallback pays for both tiers).
    public var promptTokens: Int { attempts.reduce(0) { $0 + ($1.result.promptTokens ?? 0) } }
    public var completionTokens: Int { attempts.reduce(0) { $0 + ($1.result.completionTokens ?? 0) } }
    public var estimatedCostUSD: Double { attempts.reduce(0) { $0 + ($1.result.estimatedCostUSD ?? 0) } }
}

/// Runs the tiers in order until one's result is good enough, within one deadline per image.
///
/// A result is accepted unless a trigger holds: the provider failed; confidence below the tier's bar; no item; more
/// than ``maximumItems``; and, for the first tier only, handwriting or any price error (the later tiers are there
/// to read exactly those menus, so they accept them). When every tier misses, the best attempt with items is
/// returned marked ``RoutedOCRResult/meetsBar`` false; with no items anywhere, the last failure.
///
/// Budget: a tier gets its own timeout, but never so much of what is left that the next tier could not run: a tier
/// that is not the last leaves the smaller of half the remaining time and the next tier's timeout.
///
/// Skips: a tier whose OpenAI budget is spent (``OCRTier/budget``) or whose provider's breaker is open
/// (``OCRTier/breaker``) is not called; its attempt is `skipped`, takes no time, and falls back with
/// `budget_exhausted` or `provider_unavailable`.
public struct TierRouter {
    public var tiers: [OCRTier]
    /// Defaults to 100.
    public var maximumItems: Int
    /// The whole chain's budget per image.
    public var deadline: Duration

    /// - Precondition: `tiers` is not empty (a programmer error: the configuration always yields a tier).
    public init(tiers: [OCRTier], maximumItems: Int = 100, deadline: Duration) {
        precondition(!tiers.isEmpty, "a TierRouter needs at least one tier")
        self.tiers = tiers
        self.maximumItems = maximumItems
        self.deadline = deadline
    }

    /// The triggers that reject `result` at tier `index`; empty means accepted.
    public func triggers(for result: OCRResult, tierIndex index: Int) -> [FallbackTrigger] {
        guard result.isSuccess else { return [.providerFailed(result.failureReason)] }
        var triggers: [FallbackTrigger] = []
        if index == 0, result.hasHandwriting { triggers.append(.handwriting) }
        if result.items.isEmpty {
            triggers.append(.noItems)
        } else if !(result.confidence >= tiers[index].minimumConfidence) {  // NaN never clears the bar
            triggers.append(.lowConfidence(result.confidence))
        }
        if index == 0, result.priceErrorCount > 0 { triggers.append(.priceErrors(result.priceErrorCount)) }
        if result.items.count > maximumItems { triggers.append(.tooManyItems) }
        return triggers
    }

    /// - Note: Blocks the calling thread for at most ``deadline`` (plus the last provider's overrun, if it
    ///   overruns its own deadline).
    public func recognize(_ image: PreparedImage) -> RoutedOCRResult {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        var attempts: [OCRAttempt] = []
        var fallbackTriggers: [FallbackTrigger] = []
        for (index, tier) in tiers.enumerated() {
            let remaining = clock.now.duration(to: end)
            var budget = min(tier.timeout, remaining)
            if index + 1 < tiers.count {
                budget = min(budget, remaining - min(remaining / 2, tiers[index + 1].timeout))
            }
            let result: OCRResult
            if budget < ProviderRequester.minimumAttemptTime {
                result = .failure(
                    provider: tier.provider.name, reason: .timeout, message: "No time was left for this tier",
                    processingTime: .zero)
            } else {
                result = Self.call(tier, image, deadline: budget)
            }
            let triggers = triggers(for: result, tierIndex: index)
            let outcome: OCRAttempt.Outcome =
                triggers.isEmpty
                ? .accepted : result.isSuccess ? .fallback : Self.isSkip(result.failureReason) ? .skipped : .failed
            attempts.append(
                OCRAttempt(
                    provider: tier.provider.name, tierIndex: index, outcome: outcome, triggers: triggers, result: result
                ))
            if triggers.isEmpty {
                return RoutedOCRResult(
                    result: result, tierIndex: index, attempts: attempts, fallbackTriggered: index > 0,
                    fallbackTriggers: fallbackTriggers, meetsBar: true)
            }
            // The last tier's own misses are not a fallback: there is nothing after it.
            if index + 1 < tiers.count { fallbackTriggers.append(contentsOf: triggers) }
        }
        // Nothing cleared its bar: the most confident attempt that has items, else the last failure.
        let best = attempts.indices.filter { attempts[$0].result.isSuccess && !attempts[$0].result.items.isEmpty }
            .max { attempts[$0].result.confidence < attempts[$1].result.confidence }
        let chosen = best ?? (attempts.count - 1)
        return RoutedOCRResult(
            result: attempts[chosen].result, tierIndex: chosen, attempts: attempts, fallbackTriggered: tiers.count > 1,
            fallbackTriggers: fallbackTriggers, meetsBar: false)
    }

    /// One tier's call, unless its budget is spent or its breaker open (then a failure made without a call, which
    /// takes no time): the breaker hears how the call went, the budget what it cost.
    private static func call(_ tier: OCRTier, _ image: PreparedImage, deadline: Duration) -> OCRResult {
        let name = tier.provider.name
        if let budget = tier.budget, budget.isExhausted {
            return .failure(
                provider: name, reason: .budgetExhausted, message: "The OpenAI budget is spent", processingTime: .zero)
        }
        var permit: CircuitBreaker.Permit?
        if let breaker = tier.breaker {
            permit = breaker.permit()
            guard permit != nil else {
                return .failure(
                    provider: name, reason: .providerUnavailable,
                    message: "Skipped: the provider failed \(breaker.failureThreshold) times in a row",
                    processingTime: .zero)
            }
        }
        let result = tier.provider.recognize(image, deadline: deadline)
        if let breaker = tier.breaker, let permit { breaker.record(result, for: permit) }
        tier.budget?.record(costUSD: result.estimatedCostUSD ?? 0)
        return result
    }

    private static func isSkip(_ reason: OCRFailureReason?) -> Bool {
        reason == .providerUnavailable || reason == .budgetExhausted
    }
}
