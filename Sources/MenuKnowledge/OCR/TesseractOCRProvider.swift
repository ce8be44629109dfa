public import Tesseract

/// The local tier: libvips preprocessing, Tesseract words with boxes, and the menu layout parser. Needs no keys and
/// no network.
///
/// Page segmentation is one uniform block (PSM 6): the recogniser then reads whole lines, and the line context
/// corrects characters (on `make eval` printed item F1 0.79 with sparse text, PSM 11, against 0.89 with PSM 6; the
/// automatic layout analysis, PSM 3, cut menus into wrong blocks: 0.70). Columns and order come from our layout
/// parser, which works on the word boxes whatever the mode.
public final class TesseractOCRProvider: OCRProvider {
    public let name = OCRTierName.tesseract.rawValue
    private let engine: TesseractEngine
    private let steps: PreprocessingSteps
    private let layout = MenuLayoutParser()

    /// - Parameters:
    ///   - engine: this thread's engine (made once per worker: loading the models is expensive).
    ///   - steps: the preprocessing. Defaults to all steps on.
    public init(engine: TesseractEngine, steps: PreprocessingSteps = PreprocessingSteps()) {
        self.engine = engine
        self.steps = steps
    }

    /// The words the engine is given: the lexicon's dishes and the section words the layout parser knows. On 160
    /// menus per set printed F1 0.919 → 0.922 on the tuning set and 0.817 → 0.825 held-out, handwriting 0.573 →
    /// 0.587.
    public static let userWords: [String] =
        DishLexicon.standard.entries.map(\.name)
        + MenuLayoutParser.categoryWords.sorted().filter { $0.unicodeScalars.allSatisfy(\.isHangulSyllable) }

    /// An engine as this tier reads with it: Korean, one uniform block, and ``userWords``.
    /// - Parameters:
    ///   - segmentation: to measure another page segmentation mode (`menu-api ocr --psm`).
    ///   - usesUserWords: false to measure the engine without them (`menu-api ocr --no-user-words`).
    public static func makeEngine(
        languages: String = "kor", segmentation: PageSegmentation = .singleBlock, usesUserWords: Bool = true
    ) throws(TesseractError) -> TesseractEngine {
        try TesseractEngine(
            languages: languages, segmentation: segmentation, userWords: usesUserWords ? userWords : [])
    }

    public func recognize(_ image: PreparedImage, deadline: Duration) -> OCRResult {
        let clock = ContinuousClock()
        let start = clock.now
        func failure(_ reason: String) -> OCRResult {
            OCRResult(
                provider: name, isSuccess: false, items: [], rawText: "", confidence: 0, hasHandwriting: false,
                processingTime: start.duration(to: clock.now), failureReason: reason)
        }
        let page: (pixels: [UInt8], width: Int, height: Int)
        do {
            page = try ImagePreparation.grayPage(from: image.original, steps: steps)
        } catch {
            return failure(error.code)
        }
        let remaining = deadline - start.duration(to: clock.now)
        guard remaining > .milliseconds(100) else { return failure("timeout") }
        let tesseractWords: [TesseractWord]
        do {
            tesseractWords = try engine.recognize(
                grayPixels: page.pixels, width: page.width, height: page.height, deadline: remaining)
        } catch {
            return failure(error.code == "deadline" ? "timeout" : "ocr_failed")
        }
        let words = tesseractWords.map {
            OCRWord(
                text: $0.text, x: Double($0.left), y: Double($0.top), width: Double($0.width),
                height: Double($0.height),
                confidence: max(0, min(1, $0.confidence / 100)))
        }
        let items = layout.items(from: words)
        let lines = MenuLayoutParser.lines(of: words, slope: MenuLayoutParser.estimatedSlope(words)).map(\.text)
        let confidence = items.isEmpty ? 0 : items.map(\.confidence).reduce(0, +) / Double(items.count)
        return OCRResult(
            provider: name, isSuccess: true, items: items, rawText: lines.joined(separator: "\n"),
            confidence: confidence,
            hasHandwriting: false, processingTime: start.duration(to: clock.now))
    }
}
