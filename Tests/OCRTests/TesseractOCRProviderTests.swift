import Foundation
import MenuKnowledgeTesting
import MenuModel
import MenuParsing
import OCR
import Tesseract
import Testing
import Vips

/// The local tier end to end on committed menu images (rendered by an earlier `scripts/render-menus.py`), each with
/// its ground truth beside it: real libvips, real Tesseract (Debian 12's 5.3 with the kor model), our layout parser.
@Suite(.serialized) struct TesseractOCRProviderTests {
    static let fixtures = TestEnvironment.repositoryRoot + "/Tests/OCRTests/Fixtures"

    struct Truth: Decodable {
        struct Item: Decodable {
            struct Price: Decodable, Equatable {
                var label: String?
                var amount: Int
            }
            var name_ko: String
            var prices: [Price]
            var market_price: Bool
            var category: String
        }
        var image: String
        var items: [Item]
    }

    static func truth(_ name: String) throws -> Truth {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(name).json"))
        return try JSONDecoder().decode(Truth.self, from: data)
    }

    /// Reads a fixture as the service does.
    static func recognize(_ file: String) throws -> OCRResult {
        try Vips.initialize()
        let provider = TesseractOCRProvider(engine: try TesseractOCRProvider.makeEngine())
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/\(file)"))
        return provider.recognize(PreparedImage(original: Array(bytes)), deadline: .seconds(30))
    }

    /// Names compare without spaces, as `make eval` scores them: Tesseract sometimes cuts a Korean word in two
    /// (`뚝배 기불고기`), which is an OCR error the layout parser cannot tell from a real space.
    static func compact(_ text: String?) -> String? { text.map { $0.filter { $0 != " " } } }

    @Test(arguments: ["menu-thousands-market", "menu-rotated", "menu-sizes-blurred", "menu-dark-board"])
    func readsEveryItemOfAPrintedMenuExactly(fixture: String) throws {
        let truth = try Self.truth(fixture)
        let result = try Self.recognize(truth.image)
        #expect(result.isSuccess)
        #expect(result.provider == "tesseract")
        #expect(result.items.map { Self.compact($0.nameKorean) } == truth.items.map { Self.compact($0.name_ko) })
        #expect(
            result.items.map { $0.prices.map { Truth.Item.Price(label: $0.label, amount: $0.amount) } }
                == truth.items.map(\.prices))
        #expect(result.items.map { Self.compact($0.category) } == truth.items.map { Self.compact($0.category) })
        #expect(result.items.map(\.isMarketPrice) == truth.items.map(\.market_price))
        #expect(result.priceErrorCount == 0)
        #expect(result.confidence > 0.5 && result.confidence <= 1)
        #expect(!result.hasHandwriting)
    }

    /// Every item carries the box of the line it was read from: inside the page, a line high, and each below the
    /// item above it in its column (the menu's order), so a review page highlights the right line.
    @Test(arguments: ["menu-thousands-market", "menu-sizes-blurred"])
    func itemsCarryTheBoxesOfTheirLines(fixture: String) throws {
        let result = try Self.recognize(try Self.truth(fixture).image)
        #expect(result.items.count >= 4)
        var previous: MenuBox?
        for item in result.items {
            let box = try #require(item.box, "\(item.nameKorean) has no box")
            #expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= 1.0001 && box.y + box.height <= 1.0001)
            #expect(box.height > 0.005 && box.height < 0.12, "\(item.nameKorean): one line (or a name over its price)")
            if let previous, box.x < previous.x + previous.width, previous.x < box.x + box.width {
                #expect(box.y >= previous.y + previous.height * 0.5, "\(item.nameKorean) is below the item above it")
            }
            previous = box
        }
    }

    /// The ruled fixture's page and its words as Tesseract reads them in context, with `edit` applied to the
    /// 김치찌개 row's words (name and price), then read again by ``TesseractOCRProvider/rereadingUnsureLines``.
    static func rereading(edit: (inout OCRWord) -> Void) throws -> [String] {
        try Vips.initialize()
        let engine = try TesseractOCRProvider.makeEngine()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/menu-ruled-rows.png"))
        let page = try ImagePreparation.grayPage(from: Array(bytes))
        var words = try engine.recognize(
            grayPixels: page.pixels, width: page.width, height: page.height, deadline: .seconds(30)
        ).map {
            OCRWord(
                text: $0.text, x: Double($0.left), y: Double($0.top), width: Double($0.width),
                height: Double($0.height), confidence: $0.confidence / 100)
        }
        guard let row = words.first(where: { $0.text.contains("김치찌개") }) else {
            Issue.record("the fixture's row was not read: \(words.map(\.text))")
            return []
        }
        for index in words.indices where abs(words[index].y - row.y) < row.height / 2 { edit(&words[index]) }
        let provider = TesseractOCRProvider(engine: engine)
        return provider.rereadingUnsureLines(words, page: page, until: .now + .seconds(30)).map(\.text)
    }

    @Test func aLineNoEntryNamesIsReadAgainAlone() throws {
        let texts = try Self.rereading { word in
            if word.text.contains("김치찌개") { (word.text, word.confidence) = ("XQ", 0.3) }
        }
        #expect(texts.contains { $0.contains("김치찌개") })
        #expect(!texts.contains("XQ"))
    }

    @Test func aLineAnEntryNamesIsNotReadAgain() throws {
        // 된장찌개 over the pixels of 김치찌개: a reading the lexicon explains is left as read.
        let texts = try Self.rereading { word in
            if word.text.contains("김치찌개") { word.text = "된장찌개" }
        }
        #expect(texts.filter { $0.contains("된장찌개") }.count == 2)
        #expect(!texts.contains { $0.contains("김치찌개") })
    }

    @Test func aSecondReadingThatChangesThePriceIsRefused() throws {
        let texts = try Self.rereading { word in
            if word.text.contains("김치찌개") { (word.text, word.confidence) = ("XQ", 0.3) }
            if word.text.contains("8,000") { word.text = "9,000원" }
        }
        #expect(texts.contains("XQ") && texts.contains("9,000원"))
    }

    @Test func theUserWordsAreTheLexiconsDishesAndTheSectionWords() {
        let words = TesseractOCRProvider.userWords
        #expect(words.contains("김치찌개") && words.contains("생맥주") && words.contains("주류"))
        #expect(words.count > DishLexicon.standard.entries.count)
        // One word per line in Tesseract's file: no word may hold a line break or be empty.
        #expect(words.allSatisfy { !$0.isEmpty && !$0.contains("\n") })
    }

    @Test func notAnImageIsAFailedResultNotACrash() throws {
        try Vips.initialize()
        let provider = TesseractOCRProvider(engine: try TesseractEngine())
        let result = provider.recognize(
            PreparedImage(original: Array("not an image".utf8)), deadline: .seconds(5))
        #expect(!result.isSuccess)
        #expect(result.failureReason == .invalidImage)
        #expect(result.items.isEmpty)
    }

    @Test func truncatedJPEGIsInvalid() throws {
        try Vips.initialize()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(Self.fixtures)/menu-thousands-market.jpg"))
        let truncated = Array(bytes.prefix(bytes.count / 3))
        var thrown: ImageError?
        do { _ = try ImagePreparation.grayPage(from: truncated) } catch { thrown = error }
        #expect(thrown?.code == .invalidImage)
    }

    @Test func grayPageIsScaledToTheTargetAndOneBytePerPixel() throws {
        try Vips.initialize()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(Self.fixtures)/menu-rotated.jpg"))
        let header = try VipsImage.header(of: Array(bytes))
        // Without the deskew, which turns this rotated photo level on a larger canvas (see PreprocessingTests).
        var steps = PreprocessingSteps()
        steps.deskews = false
        let page = try ImagePreparation.grayPage(from: Array(bytes), steps: steps)
        let levelled = try ImagePreparation.grayPage(from: Array(bytes))
        #expect(levelled.width >= page.width && levelled.height >= page.height)
        #expect(levelled.pixels.count == levelled.width * levelled.height)
        #expect(header.loader == "jpegload_buffer")
        #expect(page.pixels.count == page.width * page.height)
        // Pages over the target are shrunk to it, pages under two thirds of it enlarged, the rest left alone.
        let target = PreprocessingSteps().targetLongSide
        let longSide = max(header.width, header.height)
        let expected = longSide > target || longSide < target * 2 / 3 ? target : longSide
        #expect(abs(max(page.width, page.height) - expected) <= 1)
        #expect(abs(Double(page.width) / Double(page.height) - Double(header.width) / Double(header.height)) < 0.01)
    }
}
