import Digest
public import JSON
public import MenuModel
public import OCR

/// The cacheable form of a routed result: what the cache stores and `result_hash` digests. No times and no attempts,
/// so that equal readings hash equally. The response, the cache and the metrics event read its fields; its JSON is
/// written and read here only.
public struct CanonicalResult: Sendable, Equatable {
    /// The wire name of the tier that gave the result.
    public var provider: String
    /// 1 for the first tier.
    public var tier: Int
    /// Rounded as the wire shows it (three decimals), so that the hash does not depend on noise below it.
    public var confidence: Double
    public var meetsConfidenceBar: Bool
    public var hasHandwriting: Bool
    public var fallbackTriggered: Bool
    /// The triggers as operators read them (`신뢰도 0.62, 손글씨 감지`).
    public var fallbackReason: String?
    public var fallbackCodes: [FallbackTrigger.Code]
    public var priceErrorCount: Int
    public var items: [MenuItem]

    public init(of routed: RoutedOCRResult) {
        let result = routed.result
        provider = result.provider
        tier = routed.tierIndex + 1
        confidence = JSONValue.roundedConfidence(result.confidence)
        meetsConfidenceBar = routed.meetsBar
        hasHandwriting = result.hasHandwriting
        fallbackTriggered = routed.fallbackTriggered
        fallbackReason = routed.fallbackReason
        fallbackCodes = routed.fallbackTriggers.map(\.code)
        priceErrorCount = result.priceErrorCount
        items = result.items
    }

    /// The stored form, members in this order (the hash is over these bytes).
    public var json: JSONValue {
        .object([
            ("provider", .string(provider)), ("tier", .int(tier)), ("menu_count", .int(items.count)),
            ("confidence", .confidence(confidence)), ("meets_confidence_bar", .bool(meetsConfidenceBar)),
            ("has_handwriting", .bool(hasHandwriting)), ("fallback_triggered", .bool(fallbackTriggered)),
            ("fallback_reason", fallbackReason.map(JSONValue.string) ?? .null),
            ("fallback_codes", .array(fallbackCodes.map { .string($0.rawValue) })),
            ("price_error_count", .int(priceErrorCount)), ("menu_items", .array(items.map(\.json))),
        ])
    }

    /// `SHA256(json)` in hex: the `result_hash` clients compare.
    public var hash: String { SHA256.hexHash(json.encoded) }

    /// Reads a stored form; nil when the JSON is not one (a corrupt or foreign row is a cache miss, not an empty
    /// result).
    public init?(json: JSONValue) {
        guard let provider = json["provider"]?.stringValue, let tier = json["tier"]?.intValue,
            let confidence = json["confidence"]?.doubleValue, let items = json["menu_items"]?.arrayValue
        else { return nil }
        let menuItems = items.compactMap(MenuItem.init(json:))
        guard menuItems.count == items.count else { return nil }
        self.provider = provider
        self.tier = tier
        self.confidence = confidence
        self.items = menuItems
        meetsConfidenceBar = json["meets_confidence_bar"]?.boolValue ?? true
        hasHandwriting = json["has_handwriting"]?.boolValue ?? false
        fallbackTriggered = json["fallback_triggered"]?.boolValue ?? false
        fallbackReason = json["fallback_reason"]?.stringValue
        fallbackCodes = (json["fallback_codes"]?.arrayValue ?? []).compactMap {
            $0.stringValue.flatMap(FallbackTrigger.Code.init(rawValue:))
        }
        priceErrorCount = json["price_error_count"]?.intValue ?? menuItems.reduce(0) { $0 + $1.priceErrors.count }
    }
}
