/// One recognised word (a CLOVA `field`) in a ``FakeClovaServer`` answer. A string literal is a word with the default
/// confidence, so lines read naturally:
/// `[["김치찌개", "8,000원"], ["된장찌개", FakeClovaWord("7,500", confidence: 0.6)]]`.
public struct FakeClovaWord: Sendable, ExpressibleByStringLiteral {
    /// `inferText`.
    public var text: String
    /// `inferConfidence`, 0…1.
    public var confidence: Double

    /// A word.
    /// - Parameters:
    ///   - text: `inferText`.
    ///   - confidence: `inferConfidence`. Defaults to 0.98.
    public init(_ text: String, confidence: Double = 0.98) {
        self.text = text
        self.confidence = confidence
    }

    /// A word with confidence 0.98.
    public init(stringLiteral text: String) {
        self.init(text)
    }
}
