public import JSON

/// What one OCR tier made of one image: a reading (items, text, confidence), or a failure that says why. Success
/// is the shape, not a flag beside optionals: a failed result has its reason and message, always both, and no items.
public struct OCRResult: Sendable {
    /// Why a tier failed on the image.
    public struct Failure: Sendable, Equatable {
        public var reason: OCRFailureReason
        /// A sentence for operators and clients saying what happened (never a provider's own text, which may quote
        /// part of a key).
        public var message: String
    }

    /// The tier's wire name: `gpt_vision`, `clova` or `tesseract`.
    public var provider: String
    /// The extracted items (none for a failure).
    public private(set) var items: [MenuItem]
    /// The text as the engine read it, line by line.
    public var rawText: String
    /// The result's confidence, 0...1.
    public var confidence: Double
    /// True when the tier detected handwriting (the local tier cannot tell honestly, and says false).
    public var hasHandwriting: Bool
    /// How long the tier took.
    public var processingTime: Duration
    /// Tokens and cost, where a provider reports them.
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var estimatedCostUSD: Double?
    /// Nil when the tier read the image; why it did not otherwise.
    public let failure: Failure?

    /// A reading.
    public init(
        provider: String, items: [MenuItem], rawText: String, confidence: Double, hasHandwriting: Bool,
        processingTime: Duration, promptTokens: Int? = nil, completionTokens: Int? = nil,
        estimatedCostUSD: Double? = nil
    ) {
        self.provider = provider
        self.items = items
        self.rawText = rawText
        self.confidence = confidence
        self.hasHandwriting = hasHandwriting
        self.processingTime = processingTime
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.estimatedCostUSD = estimatedCostUSD
        failure = nil
    }

    private init(provider: String, failure: Failure, processingTime: Duration, usage: (Int?, Int?, Double?)) {
        self.provider = provider
        items = []
        rawText = ""
        confidence = 0
        hasHandwriting = false
        self.processingTime = processingTime
        (promptTokens, completionTokens, estimatedCostUSD) = usage
        self.failure = failure
    }

    /// A failed attempt of `provider`.
    public static func failure(
        provider: String, reason: OCRFailureReason, message: String, processingTime: Duration,
        promptTokens: Int? = nil, completionTokens: Int? = nil, estimatedCostUSD: Double? = nil
    ) -> OCRResult {
        OCRResult(
            provider: provider, failure: Failure(reason: reason, message: message), processingTime: processingTime,
            usage: (promptTokens, completionTokens, estimatedCostUSD))
    }

    /// False when the tier failed (error, timeout, unusable output); ``failure`` says why.
    public var isSuccess: Bool { failure == nil }
    public var failureReason: OCRFailureReason? { failure?.reason }
    public var failureMessage: String? { failure?.message }

    /// Price errors over all items.
    public var priceErrorCount: Int { items.reduce(0) { $0 + $1.priceErrors.count } }

    /// The result as JSON (the CLI's output, and the shape the API reuses).
    public var json: JSONValue {
        let milliseconds = processingTime.milliseconds
        return .object([
            ("provider", .string(provider)), ("success", .bool(isSuccess)), ("menu_count", .int(items.count)),
            ("confidence", .confidence(confidence)), ("has_handwriting", .bool(hasHandwriting)),
            ("price_error_count", .int(priceErrorCount)), ("processing_time_ms", .int(milliseconds)),
            ("failure_reason", failureReason.map { .string($0.rawValue) } ?? .null),
            ("menu_items", .array(items.map(\.json))),
            ("raw_text", .string(rawText)),
        ])
    }
}
