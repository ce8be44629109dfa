import Foundation
public import MenuModel
import MenuParsing
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
    private let rereadsUnsureLines: Bool
    private let calibration: TesseractCalibration?

    /// - Parameters:
    ///   - engine: this thread's engine (made once per worker: loading the models is expensive).
    ///   - steps: the preprocessing. Defaults to all steps on.
    ///   - rereadsUnsureLines: read a line whose name no lexicon entry explains again on its own
    ///     (``rereadingUnsureLines(_:page:until:)``); false to measure without.
    ///   - calibration: the map from the words' confidence to the chance an item is right, applied to every item's
    ///     reported confidence (the parser and the lexicon still judge by the raw one); nil reports the raw
    ///     confidence, to measure it and to fit the map again (`menu-api ocr --raw-confidence`).
    public init(
        engine: TesseractEngine, steps: PreprocessingSteps = PreprocessingSteps(), rereadsUnsureLines: Bool = true,
        calibration: TesseractCalibration? = .fitted
    ) {
        self.engine = engine
        self.steps = steps
        self.rereadsUnsureLines = rereadsUnsureLines
        self.calibration = calibration
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
        let start = ContinuousClock.now
        switch read(image, deadline: deadline) {
        case .read(let page): return result(of: page, since: start)
        case .failed(let failure): return failure
        }
    }

    /// The words of one page, in the coordinates of the page Tesseract read (``ImagePreparation/grayPage``).
    public struct PageWords: Sendable, Codable {
        public var words: [OCRWord]
        public var width: Int
        public var height: Int

        public init(words: [OCRWord], width: Int, height: Int) {
            self.words = words
            self.width = width
            self.height = height
        }
    }

    /// What reading a page gave: its words, or the failed result.
    public enum PageReading: Sendable {
        case read(PageWords)
        case failed(OCRResult)
    }

    /// The first half of ``recognize(_:deadline:)``: preprocessing and recognition, the unsure lines read again.
    /// Apart so that the parser can be measured on words read once (`menu-api ocr --dump-words`, `--from-words`).
    public func read(_ image: PreparedImage, deadline: Duration) -> PageReading {
        let clock = ContinuousClock()
        let start = clock.now
        func failure(_ reason: OCRFailureReason, _ message: String) -> PageReading {
            .failed(
                OCRResult.failure(
                    provider: name, reason: reason, message: message, processingTime: start.duration(to: clock.now)))
        }
        let page: (pixels: [UInt8], width: Int, height: Int)
        do {
            page = try ImagePreparation.grayPage(from: image.original, steps: steps)
        } catch {
            return failure(OCRFailureReason(error.code), error.message)
        }
        let remaining = deadline - start.duration(to: clock.now)
        guard remaining > .milliseconds(100) else { return failure(.timeout, "No time was left to read the image") }
        let tesseractWords: [TesseractWord]
        let recognitionStart = clock.now
        do {
            tesseractWords = try engine.recognize(
                grayPixels: page.pixels, width: page.width, height: page.height, deadline: remaining)
        } catch {
            return error.code == .deadline
                ? failure(.timeout, "Tesseract passed the deadline")
                : failure(.ocrFailed, "Tesseract failed: \(error.message)")
        }
        var words = tesseractWords.map { OCRWord($0, offsetX: 0, offsetY: 0) }
        if rereadsUnsureLines {
            // Reading lines again may take as long as the page did (half a second at least), never past the deadline.
            let pageReading = recognitionStart.duration(to: clock.now)
            let end = min(start.advanced(by: deadline), clock.now.advanced(by: max(pageReading, .milliseconds(500))))
            words = rereadingUnsureLines(words, page: page, until: end)
        }
        return .read(PageWords(words: words, width: page.width, height: page.height))
    }

    /// The second half of ``recognize(_:deadline:)``: the page's words parsed into items.
    /// - Parameter start: when the image's reading began (the result's processing time runs from it).
    public func result(of page: PageWords, since start: ContinuousClock.Instant) -> OCRResult {
        let words = page.words
        var items = layout.items(from: words, pageSize: (Double(page.width), Double(page.height)))
        if let calibration {
            // Before the mean: the page's confidence, which the router holds against the tier's bar, is then the
            // expected share of its items that are right.
            for index in items.indices { items[index].confidence = calibration(items[index].confidence) }
        }
        let lines = MenuLayoutParser.lines(of: words, slope: MenuLayoutParser.estimatedSlope(words)).map(\.text)
        let confidence = items.meanConfidence
        return OCRResult(
            provider: name, items: items, rawText: lines.joined(separator: "\n"),
            confidence: confidence,
            hasHandwriting: false, processingTime: start.duration(to: ContinuousClock.now))
    }

    /// A line read in the page's context whose name is no lexicon entry is read again alone (PSM 7, the line's box
    /// and a margin), and the second reading replaces the first when it names an entry the first did not (exactly,
    /// or unsure and one entry near) and keeps its price. Lines a lexicon entry already names are not read again.
    /// On 160 menus per set: printed F1 0.940 → 0.948 and handwriting 0.629 → 0.677 on the tuning set, held-out
    /// 0.864 → 0.881 and 0.705 → 0.723; the median time per image 0.62 → 0.78 s. A second reading that changes the
    /// line's amounts is refused (price accuracy 0.977 with it allowed, 0.979 refused). A line the second reading
    /// names no entry is read again thinner and then thicker (``StrokeWeight``), keeping the amounts: printed F1
    /// 0.945 → 0.949, 0.891 → 0.891, 0.690 → 0.690, 0.754 → 0.764 on tuning, held-out, foreign-dev and
    /// foreign-heldout, handwriting 0.680 → 0.683, 0.732 → 0.731, 0.676 → 0.687, 0.675 → 0.673.
    /// - Parameters:
    ///   - words: the page's words as read in context, in `page` coordinates.
    ///   - page: the page they were read from.
    ///   - end: when to stop reading lines again (lines left keep their first reading).
    public func rereadingUnsureLines(
        _ words: [OCRWord], page: (pixels: [UInt8], width: Int, height: Int), until end: ContinuousClock.Instant
    ) -> [OCRWord] {
        let clock = ContinuousClock()
        let slope = MenuLayoutParser.estimatedSlope(words)
        var result: [OCRWord] = []
        let lines = MenuLayoutParser.lines(of: words, slope: slope)
        /// Whether the line is (a part of) a grid's header row already.
        func isHeader(_ index: Int) -> Bool {
            MenuLayoutParser.headerRow(in: lines, at: index) != nil
                || (index > 0 && MenuLayoutParser.headerRow(in: lines, at: index - 1)?.joinsNext == true)
        }
        for (index, line) in lines.enumerated() {
            let before = Self.lexiconStanding(of: line)
            let remaining = end - clock.now
            let isNamedByAnEntry = before.rank == 2
            guard !isNamedByAnEntry, remaining > .milliseconds(50), line.text.containsHangul,
                var again = reread(line, page: page, deadline: remaining)
            else {
                result += line.words
                continue
            }
            var after = Self.lexiconStanding(of: again)
            // The amounts a reading at another weight must keep: the page's, or the first reading's alone.
            let amounts = before.amounts.isEmpty ? after.amounts : before.amounts
            let wasHeader = isHeader(index)
            let readsAsHeader = MenuLayoutParser.sizeHeader(again.text) != nil
            // A grid's header row is read at one weight: another could make a dish of its labels (소주 of 소 중).
            for weight in [StrokeWeight.thinner, .thicker] where after.rank < 2 && !wasHeader && !readsAsHeader {
                let left = end - clock.now
                guard left > .milliseconds(50),
                    let variant = reread(line, page: page, deadline: left, weight: weight)
                else { break }
                let standing = Self.lexiconStanding(of: variant)
                if standing.rank > after.rank, standing.amounts == amounts { (again, after) = (variant, standing) }
            }
            let keepsPrice = before.amounts.isEmpty || after.amounts == before.amounts
            // A grid's header row is no entry: its second reading counts when it reads as one and the first did not.
            let becomesHeader = readsAsHeader && !wasHeader
            result += (after.rank > before.rank && keepsPrice) || becomesHeader ? again.words : line.words
        }
        return result
    }

    /// How well the lexicon explains a line's name: 2 an entry, 1 an unsure reading near one, 0 neither.
    private static func lexiconStanding(of line: MenuLayoutParser.Line) -> (rank: Int, amounts: [Int]) {
        guard let reading = PriceParser().readings(of: line.text).first else { return (0, []) }
        let amounts = reading.prices.map(\.amount)
        guard let name = MenuLayoutParser.cleanName(reading.remainingText) else { return (0, amounts) }
        switch MenuLayoutParser.lexiconMatch(of: name, confidence: line.confidence, in: .standard) {
        case .exact: return (2, amounts)
        case .snapped: return (1, amounts)
        case .none: return (0, amounts)
        }
    }

    /// The line's box, with a margin, recognised alone as one line; nil when it reads as nothing or fails.
    private func reread(
        _ line: MenuLayoutParser.Line, page: (pixels: [UInt8], width: Int, height: Int), deadline: Duration,
        weight: StrokeWeight = .asRead
    ) -> MenuLayoutParser.Line? {
        guard !line.words.isEmpty else { return nil }
        let margin = line.height * 0.35
        let left = max(0, Int(line.left - margin * 2))
        let top = max(0, Int(line.top - margin))
        let right = min(page.width, Int(line.right + margin * 2))
        let bottom = min(page.height, Int(line.bottom + margin))
        guard right - left >= 8, bottom - top >= 8 else { return nil }
        var crop: [UInt8] = []
        crop.reserveCapacity((right - left) * (bottom - top))
        for row in top..<bottom {
            crop += page.pixels[(row * page.width + left)..<(row * page.width + right)]
        }
        if let cut = weight.cut { crop = crop.map { $0 < cut ? 0 : 255 } }
        guard
            let words = try? engine.recognize(
                grayPixels: crop, width: right - left, height: bottom - top, deadline: deadline,
                segmentation: .singleLine)
        else { return nil }
        let placed = words.map { OCRWord($0, offsetX: left, offsetY: top) }
            .filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty && $0.height > 0 }
        return placed.isEmpty ? nil : MenuLayoutParser.Line(words: placed)
    }
}

/// The strokes of a line read again: the grey page's ramp (ink strength from half to one and a half times the
/// threshold) cut darker makes them thinner (a bold or blurred face whose counters closed), lighter thicker (a thin
/// face broken by the binarisation).
enum StrokeWeight {
    case asRead, thinner, thicker

    var cut: UInt8? {
        switch self {
        case .asRead: nil
        case .thinner: 64
        case .thicker: 200
        }
    }
}

extension OCRWord {
    /// A Tesseract word, its box moved by the offset of the region it was read in.
    init(_ word: TesseractWord, offsetX: Int, offsetY: Int) {
        self.init(
            text: word.text, x: Double(word.left + offsetX), y: Double(word.top + offsetY), width: Double(word.width),
            height: Double(word.height), confidence: max(0, min(1, word.confidence / 100)))
    }
}
