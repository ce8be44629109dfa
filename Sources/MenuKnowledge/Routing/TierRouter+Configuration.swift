public import Curl
public import Logging
public import Tesseract

extension TierRouter {
    /// The configured chain for the calling thread: its providers share `client` (one easy handle, connections kept
    /// to each provider) and, when the local tier is on, one Tesseract engine made by `makeTesseractEngine`.
    /// - Throws: `TesseractError` when the local tier is configured and its languages cannot be loaded.
    public static func make(
        configuration: Configuration.OCR, client: HTTPClient, logger: Logger,
        makeTesseractEngine: () throws(TesseractError) -> TesseractEngine = { () throws(TesseractError) in
            try TesseractEngine(userWords: TesseractOCRProvider.userWords)
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
                        minimumConfidence: bar, timeout: configuration.openAI.timeout))
            case .clova:
                tiers.append(
                    OCRTier(
                        provider: ClovaOCRProvider(configuration: configuration.clova, client: client, logger: logger),
                        minimumConfidence: bar, timeout: configuration.clova.timeout))
            case .tesseract:
                tiers.append(
                    OCRTier(
                        provider: TesseractOCRProvider(engine: try makeTesseractEngine()), minimumConfidence: bar,
                        timeout: configuration.tesseractTimeout))
            }
        }
        return TierRouter(tiers: tiers, maximumItems: configuration.maximumItems, deadline: configuration.imageDeadline)
    }

    /// What changes results: the tiers, models, prompt version and bars. Part of the cache key, so a deployment
    /// that changes any of them does not serve results computed the old way.
    public static func pipelineVersion(of configuration: Configuration.OCR) -> String {
        // The service version stands for our own parsing (layout parser, price rules, preprocessing): a release
        // that changes them reads images again instead of serving results made the old way.
        var parts = ["v1", "service:\(ServiceVersion.current)"]
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
