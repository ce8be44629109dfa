public import Curl
public import Logging
public import MenuConfiguration
import MenuModel
public import Tesseract

extension TierRouter {
    /// The configured chain for the calling thread: its providers share `client` (one easy handle, connections kept
    /// to each provider) and, when the local tier is on, one Tesseract engine made by `makeTesseractEngine`.
    /// - Parameters:
    ///   - breakers: the process's circuit breakers, shared by every router it makes. Defaults to nil: none.
    ///   - budget: the process's OpenAI budget, for the GPT vision tier. Defaults to nil: none.
    /// - Throws: `TesseractError` when the local tier is configured and its languages cannot be loaded.
    public static func make(
        configuration: Configuration.OCR, client: HTTPClient, logger: Logger, breakers: ProviderBreakers? = nil,
        budget: OpenAIBudget? = nil,
        makeTesseractEngine: () throws(TesseractError) -> TesseractEngine = { () throws(TesseractError) in
            try TesseractOCRProvider.makeEngine()
        }
    ) throws(TesseractError) -> TierRouter {
        var tiers: [OCRTier] = []
        for name in configuration.tierNames {
            let bar = tiers.isEmpty ? configuration.primaryMinimumConfidence : configuration.fallbackMinimumConfidence
            switch name {
            case .gptVision:
                tiers.append(
                    OCRTier(
                        provider: OpenAIVisionProvider(
                            configuration: configuration.openAI, client: client, logger: logger),
                        minimumConfidence: bar, timeout: configuration.openAI.timeout,
                        breaker: breakers?.breaker(for: name), budget: budget))
            case .clova:
                tiers.append(
                    OCRTier(
                        provider: ClovaOCRProvider(configuration: configuration.clova, client: client, logger: logger),
                        minimumConfidence: bar, timeout: configuration.clova.timeout,
                        breaker: breakers?.breaker(for: name)))
            case .tesseract:
                tiers.append(
                    OCRTier(
                        provider: TesseractOCRProvider(engine: try makeTesseractEngine()), minimumConfidence: bar,
                        timeout: configuration.tesseractTimeout))
            }
        }
        return TierRouter(tiers: tiers, maximumItems: configuration.maximumItems, deadline: configuration.imageDeadline)
    }

    /// How our own reading of a page is done: preprocessing, Tesseract's user words, the layout parser, the price
    /// rules and the lexicon. Raised whenever one of them changes what a page reads as (2: the highlight boxes,
    /// user words, compound names and the parser rules of issue 10's second stop; 6: header boxes found at page scale,
    /// leaning gutters, and every item's box; 7: item confidences through ``TesseractCalibration/fitted``, which also
    /// moves the page's confidence against the bars), so cached results made the old way are not served; the
    /// service version in `/api/v1/health` is not raised for that.
    public static let readingRevision = 7

    /// What changes results: the tiers, models, prompt version, bars and our own reading. Part of the cache key, so
    /// a deployment that changes any of them does not serve results computed the old way.
    public static func pipelineVersion(of configuration: Configuration.OCR) -> String {
        var parts = ["v1", "service:\(ServiceVersion.current)", "reading:\(readingRevision)"]
        for name in configuration.tierNames {
            switch name {
            case .gptVision:
                parts.append("gpt_vision:\(configuration.openAI.model):\(OpenAIVisionProvider.promptVersion)")
            case .clova: parts.append("clova:V2")
            case .tesseract: parts.append("tesseract:kor:psm6:inkmap:lexicon")
            }
        }
        parts.append("bars:\(configuration.primaryMinimumConfidence):\(configuration.fallbackMinimumConfidence)")
        parts.append("max:\(configuration.maximumItems)")
        return parts.joined(separator: "|")
    }
}
