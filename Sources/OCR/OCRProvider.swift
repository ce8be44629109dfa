public import MenuModel

/// An OCR tier: turns image bytes into a result. The local Tesseract tier and the cloud tiers share this.
public protocol OCRProvider {
    /// The tier's wire name.
    var name: String { get }
    /// Reads one image. Never throws: failures are results with `isSuccess == false`.
    /// - Note: Blocks the calling thread for at most `deadline`.
    func recognize(_ image: PreparedImage, deadline: Duration) -> OCRResult
}
