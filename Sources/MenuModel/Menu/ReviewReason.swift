/// Why a person should look at an item of the restaurant's menu (`review_reasons`; the raw value is the wire form).
public enum ReviewReason: String, Sendable, CaseIterable, Codable {
    /// The item's confidence is under `REVIEW_MIN_CONFIDENCE`.
    case lowConfidence = "low_confidence"
    /// A price was read but judged implausible.
    case priceError = "price_error"
    /// No price, and not 시가.
    case noPrice = "no_price"
    /// Two readings of the same dish disagree on a price.
    case conflict
    /// The lexicon corrected the name the engine read.
    case snappedName = "snapped_name"
    /// No tier met its confidence bar: the result is the best of those that missed.
    case fallbackResult = "fallback_result"

    /// The reasons a reading of `item` gives, `meetsBar` telling whether its tier met its confidence bar.
    /// `conflict` is not among them: it takes two readings.
    public static func reasons(for item: MenuItem, meetsBar: Bool, minimumConfidence: Double) -> [ReviewReason] {
        var reasons: [ReviewReason] = []
        if item.confidence < minimumConfidence { reasons.append(.lowConfidence) }
        if !item.priceErrors.isEmpty { reasons.append(.priceError) }
        if item.prices.isEmpty, !item.isMarketPrice { reasons.append(.noPrice) }
        if item.nameRaw != nil { reasons.append(.snappedName) }
        if !meetsBar { reasons.append(.fallbackResult) }
        return reasons
    }
}
