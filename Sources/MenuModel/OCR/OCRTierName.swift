/// A tier of the OCR chain, as `OCR_TIERS` names it and as results and metrics report the provider.
public enum OCRTierName: String, Sendable, CaseIterable {
    /// Tier 1: GPT-4o-mini vision (``OpenAIVisionProvider``).
    case gptVision = "gpt_vision"
    /// Tier 2: NAVER CLOVA OCR (``ClovaOCRProvider``).
    case clova
    /// The local tier: Tesseract and the layout parser (``TesseractOCRProvider``).
    case tesseract
}
