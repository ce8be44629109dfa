/// A word an OCR engine read, with where it is and how sure the engine is. Tesseract words and CLOVA fields both
/// become these, so one layout parser serves every engine.
public struct OCRWord: Sendable, Equatable, Codable {
    /// The text as read.
    public var text: String
    /// Left edge, in pixels.
    public var x: Double
    /// Top edge, in pixels.
    public var y: Double
    public var width: Double
    public var height: Double
    /// The engine's confidence, 0...1.
    public var confidence: Double

    public init(text: String, x: Double, y: Double, width: Double, height: Double, confidence: Double) {
        self.text = text
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.confidence = confidence
    }

    package var centerX: Double { x + width / 2 }
    package var centerY: Double { y + height / 2 }
    package var right: Double { x + width }
}
