import Foundation
public import MenuModel

/// A secret from the environment (API key, OCR secret). Its description is redacted, so printing a configuration
/// or interpolating it into a log line never shows the value.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The value, for the one place that sends it (a request header).
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    /// `text` with every occurrence of the value replaced by `<redacted>`: for a peer's message that may echo what
    /// it was sent (a provider's "incorrect API key: sk-...", a proxy echoing headers) before it is logged.
    public func redacted(in text: String) -> String {
        guard !value.isEmpty, text.contains(value) else { return text }
        return text.replacing(value, with: "<redacted>")
    }
}

extension Configuration {
    /// The OCR tiers and their providers.
    public struct OCR: Sendable {
        /// The tiers in order (`OCR_TIERS`, comma-separated `gpt_vision`, `clova`, `tesseract`). Defaults to nil: GPT
        /// vision when `OPENAI_API_KEY` is set, CLOVA when its URL and secret are set, then the local tier.
        public var tiers: [OCRTierName]? = nil
        /// Whether the default tier list ends with the local Tesseract tier (`OCR_LOCAL_TIER`). Defaults to true.
        public var usesLocalTier = true
        /// The first tier's confidence bar (`OCR_TIER1_MIN_CONFIDENCE`). Defaults to 0.75.
        public var primaryMinimumConfidence = 0.75
        /// The bar of every later tier (`OCR_FALLBACK_MIN_CONFIDENCE`). Defaults to 0.70.
        public var fallbackMinimumConfidence = 0.70
        /// More items than this is an anomaly that triggers a fallback (`OCR_MAX_ITEMS`). Defaults to 100.
        public var maximumItems = 100
        /// The whole tier chain's budget per image (`OCR_IMAGE_DEADLINE_SECONDS`). Defaults to 45 seconds.
        public var imageDeadline: Duration = .seconds(45)
        /// The local tier's own budget (`TESSERACT_TIMEOUT_SECONDS`). Defaults to 20 seconds.
        public var tesseractTimeout: Duration = .seconds(20)
        /// TCP + TLS handshake limit for provider calls (`OCR_CONNECT_TIMEOUT_SECONDS`). Defaults to 5 seconds.
        public var connectTimeout: Duration = .seconds(5)
        /// Consecutive calls that time out, cannot connect or are answered 5xx or 429 after which a cloud provider's
        /// circuit breaker opens (`OCR_BREAKER_FAILURES`). Defaults to 5.
        public var breakerFailures = 5
        /// How long an open breaker skips its provider before one trial call (`OCR_BREAKER_COOLDOWN_SECONDS`).
        /// Defaults to 30 seconds.
        public var breakerCooldown: Duration = .seconds(30)
        public var openAI = OpenAI()
        public var clova = Clova()

        /// True when GPT vision runs under a daily or monthly budget.
        public var limitsOpenAISpend: Bool { tierNames.contains(.gptVision) && openAI.hasBudget }

        /// The tier names in the order they run.
        public var tierNames: [OCRTierName] {
            if let tiers { return tiers }
            var names: [OCRTierName] = []
            if openAI.apiKey != nil { names.append(.gptVision) }
            if clova.isConfigured { names.append(.clova) }
            if usesLocalTier || names.isEmpty { names.append(.tesseract) }
            return names
        }
    }

    /// Tier 1: OpenAI chat completions with vision.
    public struct OpenAI: Sendable {
        /// `OPENAI_API_KEY`. No default; GPT vision is off without it.
        public var apiKey: Secret? = nil
        /// `OPENAI_BASE_URL`, as the official SDKs read it. Defaults to `https://api.openai.com/v1`.
        public var baseURL = "https://api.openai.com/v1"
        /// `OPENAI_MODEL`. Defaults to `gpt-4o-mini`.
        public var model = "gpt-4o-mini"
        /// `OPENAI_ORGANIZATION` / `OPENAI_PROJECT`, sent as headers when set. Default nil.
        public var organization: String? = nil
        public var project: String? = nil
        /// `OPENAI_MAX_COMPLETION_TOKENS`. Defaults to 4,096: a 100-item menu fits in about 3,000.
        public var maxCompletionTokens = 4096
        /// One call's limit (`OPENAI_TIMEOUT_SECONDS`). Defaults to 20 seconds.
        public var timeout: Duration = .seconds(20)
        /// Retries after a 408, 409, 429 or 5xx or a lost connection (`OPENAI_MAX_RETRIES`). Defaults to 2, as the SDKs.
        public var maxRetries = 2
        /// US dollars per million prompt tokens (`OPENAI_INPUT_USD_PER_MTOK`). Defaults to 0.15 (gpt-4o-mini).
        public var inputPricePerMillionTokens = 0.15
        /// US dollars per million completion tokens (`OPENAI_OUTPUT_USD_PER_MTOK`). Defaults to 0.60 (gpt-4o-mini).
        public var outputPricePerMillionTokens = 0.60
        /// US dollars GPT vision may cost per UTC day, by the estimate above (`OPENAI_DAILY_BUDGET_USD`). Defaults
        /// to nil: no daily budget.
        public var dailyBudgetUSD: Double? = nil
        /// US dollars GPT vision may cost per UTC month (`OPENAI_MONTHLY_BUDGET_USD`). Defaults to nil: no monthly
        /// budget.
        public var monthlyBudgetUSD: Double? = nil

        /// True when a daily or monthly budget is set.
        public var hasBudget: Bool { dailyBudgetUSD != nil || monthlyBudgetUSD != nil }
    }

    /// Tier 2: NAVER CLOVA OCR General (V2).
    public struct Clova: Sendable {
        /// The domain's APIGW invoke URL ending in `/general` (`CLOVA_OCR_URL`). No default.
        public var url: String? = nil
        /// `CLOVA_OCR_SECRET`, sent as `X-OCR-SECRET`. No default.
        public var secret: Secret? = nil
        /// One call's limit (`CLOVA_TIMEOUT_SECONDS`). Defaults to 15 seconds.
        public var timeout: Duration = .seconds(15)
        /// Retries after code 0025 (too many concurrent calls), 0500/0501, `inferResult: ERROR` or a lost
        /// connection (`CLOVA_MAX_RETRIES`). Defaults to 2.
        public var maxRetries = 2

        var isConfigured: Bool { url != nil && secret != nil }
    }

    mutating func readOCR(from reader: EnvironmentReader) throws(ConfigurationError) {
        if let list = try reader.nonEmpty("OCR_TIERS") {
            // A misspelt name stops start-up: it must never quietly mean some other tier.
            let names = list.split(separator: ",").map {
                OCRTierName(rawValue: String($0).trimmingCharacters(in: .whitespaces))
            }
            let tiers = names.compactMap { $0 }
            guard !tiers.isEmpty, tiers.count == names.count, Set(tiers).count == tiers.count else {
                let known = OCRTierName.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(
                    variable: "OCR_TIERS", reason: "'\(list)' is not a comma-separated list of \(known), each once")
            }
            ocr.tiers = tiers
        }
        ocr.usesLocalTier = try reader.flag("OCR_LOCAL_TIER") ?? ocr.usesLocalTier
        ocr.primaryMinimumConfidence =
            try reader.fraction("OCR_TIER1_MIN_CONFIDENCE") ?? ocr.primaryMinimumConfidence
        ocr.fallbackMinimumConfidence =
            try reader.fraction("OCR_FALLBACK_MIN_CONFIDENCE") ?? ocr.fallbackMinimumConfidence
        ocr.maximumItems = try reader.integer("OCR_MAX_ITEMS", in: 1...10_000) ?? ocr.maximumItems
        ocr.imageDeadline = try reader.seconds("OCR_IMAGE_DEADLINE_SECONDS", in: 1...600) ?? ocr.imageDeadline
        ocr.tesseractTimeout = try reader.seconds("TESSERACT_TIMEOUT_SECONDS", in: 1...600) ?? ocr.tesseractTimeout
        ocr.connectTimeout = try reader.seconds("OCR_CONNECT_TIMEOUT_SECONDS", in: 1...60) ?? ocr.connectTimeout
        ocr.breakerFailures = try reader.integer("OCR_BREAKER_FAILURES", in: 1...1000) ?? ocr.breakerFailures
        ocr.breakerCooldown = try reader.seconds("OCR_BREAKER_COOLDOWN_SECONDS", in: 1...3600) ?? ocr.breakerCooldown

        ocr.openAI.apiKey = try reader.nonEmpty("OPENAI_API_KEY").map(Secret.init)
        ocr.openAI.baseURL = try reader.url("OPENAI_BASE_URL") ?? ocr.openAI.baseURL
        ocr.openAI.model = try reader.nonEmpty("OPENAI_MODEL") ?? ocr.openAI.model
        ocr.openAI.organization = try reader.nonEmpty("OPENAI_ORGANIZATION")
        ocr.openAI.project = try reader.nonEmpty("OPENAI_PROJECT")
        ocr.openAI.maxCompletionTokens =
            try reader.integer("OPENAI_MAX_COMPLETION_TOKENS", in: 256...16_384) ?? ocr.openAI.maxCompletionTokens
        ocr.openAI.timeout = try reader.seconds("OPENAI_TIMEOUT_SECONDS", in: 1...600) ?? ocr.openAI.timeout
        ocr.openAI.maxRetries = try reader.integer("OPENAI_MAX_RETRIES", in: 0...10) ?? ocr.openAI.maxRetries
        ocr.openAI.inputPricePerMillionTokens =
            try reader.decimal("OPENAI_INPUT_USD_PER_MTOK") ?? ocr.openAI.inputPricePerMillionTokens
        ocr.openAI.outputPricePerMillionTokens =
            try reader.decimal("OPENAI_OUTPUT_USD_PER_MTOK") ?? ocr.openAI.outputPricePerMillionTokens
        ocr.openAI.dailyBudgetUSD = try reader.positiveDecimal("OPENAI_DAILY_BUDGET_USD")
        ocr.openAI.monthlyBudgetUSD = try reader.positiveDecimal("OPENAI_MONTHLY_BUDGET_USD")

        ocr.clova.url = try reader.url("CLOVA_OCR_URL")
        ocr.clova.secret = try reader.nonEmpty("CLOVA_OCR_SECRET").map(Secret.init)
        ocr.clova.timeout = try reader.seconds("CLOVA_TIMEOUT_SECONDS", in: 1...600) ?? ocr.clova.timeout
        ocr.clova.maxRetries = try reader.integer("CLOVA_MAX_RETRIES", in: 0...10) ?? ocr.clova.maxRetries

        let tiers = ocr.tierNames
        if tiers.contains(.gptVision), ocr.openAI.apiKey == nil {
            throw ConfigurationError(variable: "OPENAI_API_KEY", reason: "OCR_TIERS lists gpt_vision but no key is set")
        }
        if tiers.contains(.clova), !ocr.clova.isConfigured {
            throw ConfigurationError(
                variable: ocr.clova.url == nil ? "CLOVA_OCR_URL" : "CLOVA_OCR_SECRET",
                reason: "OCR_TIERS lists clova but its URL and secret are not both set")
        }
    }
}

extension EnvironmentReader {
    func fraction(_ name: String) throws(ConfigurationError) -> Double? {
        guard let text = try nonEmpty(name) else { return nil }
        guard let value = Double(text), (0...1).contains(value) else {
            throw ConfigurationError(variable: name, reason: "'\(text)' is not a number from 0 to 1")
        }
        return value
    }

    func decimal(_ name: String) throws(ConfigurationError) -> Double? {
        guard let text = try nonEmpty(name) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw ConfigurationError(variable: name, reason: "'\(text)' is not a non-negative number")
        }
        return value
    }

    /// A budget: a finite number above 0 (to turn GPT vision off, leave it out of `OCR_TIERS` instead).
    func positiveDecimal(_ name: String) throws(ConfigurationError) -> Double? {
        guard let text = try nonEmpty(name) else { return nil }
        guard let value = Double(text), value.isFinite, value > 0 else {
            throw ConfigurationError(variable: name, reason: "'\(text)' is not a number above 0")
        }
        return value
    }

    func url(_ name: String) throws(ConfigurationError) -> String? {
        guard var text = try nonEmpty(name) else { return nil }
        guard text.hasPrefix("https://") || text.hasPrefix("http://") else {
            throw ConfigurationError(variable: name, reason: "'\(text)' is not an http(s) URL")
        }
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
