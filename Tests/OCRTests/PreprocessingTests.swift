import Foundation
import Imaging
import MenuKnowledgeTesting
import MenuModel
import Tesseract
import Testing
import Vips

/// The ink map and the rule eraser on synthetic pixels, and the local tier on small rendered pages that each hold
/// one failure class of menus drawn by other hands (rendered by `scripts/render-preprocessing-fixtures.py`).
struct PreprocessingTests {
    /// A `width` x `height` RGB page of one colour, with rectangles painted on it.
    struct Canvas {
        let width: Int
        let height: Int
        var rgb: [UInt8]

        init(width: Int, height: Int, colour: (UInt8, UInt8, UInt8)) {
            self.width = width
            self.height = height
            rgb = []
            rgb.reserveCapacity(width * height * 3)
            for _ in 0..<(width * height) { rgb += [colour.0, colour.1, colour.2] }
        }

        mutating func fill(x: Int, y: Int, width: Int, height: Int, colour: (UInt8, UInt8, UInt8)) {
            for row in y..<(y + height) {
                for column in x..<(x + width) {
                    let offset = (row * self.width + column) * 3
                    rgb[offset] = colour.0
                    rgb[offset + 1] = colour.1
                    rgb[offset + 2] = colour.2
                }
            }
        }

        func inkMap() -> InkMap { InkMap(rgb: rgb, width: width, height: height, cell: 16) }
    }

    static let kraft: (UInt8, UInt8, UInt8) = (196, 160, 112)
    static let red: (UInt8, UInt8, UInt8) = (190, 40, 30)

    @Test func redInkOnKraftIsDarkAndThePaperWhite() {
        var canvas = Canvas(width: 400, height: 200, colour: Self.kraft)
        canvas.fill(x: 100, y: 80, width: 40, height: 8, colour: Self.red)
        canvas.fill(x: 200, y: 60, width: 6, height: 40, colour: Self.red)
        let map = canvas.inkMap()
        #expect(map.grey[84 * 400 + 120] < 64)
        #expect(map.grey[80 * 400 + 203] < 64)
        #expect(map.grey[20 * 400 + 20] > 200)
        #expect(map.grey[150 * 400 + 300] > 200)
    }

    @Test func lightTextOnADarkBoardAndDarkTextOnLightPaperBothBecomeDarkInk() {
        var canvas = Canvas(width: 400, height: 200, colour: (38, 66, 52))
        canvas.fill(x: 40, y: 40, width: 30, height: 6, colour: (240, 240, 230))
        // A light panel much larger than the background cells, with dark text on it: a background of its own.
        canvas.fill(x: 200, y: 0, width: 200, height: 200, colour: (250, 250, 245))
        canvas.fill(x: 300, y: 100, width: 30, height: 6, colour: (30, 30, 30))
        let map = canvas.inkMap()
        #expect(map.grey[42 * 400 + 50] < 64)
        #expect(map.grey[102 * 400 + 310] < 64)
        #expect(map.grey[150 * 400 + 60] > 200)
        #expect(map.grey[40 * 400 + 340] > 200)
    }

    static let board: (UInt8, UInt8, UInt8) = (38, 66, 52)
    static let yellow: (UInt8, UInt8, UInt8) = (244, 208, 63)

    @Test func aDarkHeaderInAYellowBoxOnADarkBoardIsInkAndTheBoxIsNot() {
        var canvas = Canvas(width: 600, height: 400, colour: Self.board)
        // A box about two background cells high (the estimate takes it for ink), with a letter's strokes in it.
        canvas.fill(x: 100, y: 100, width: 130, height: 36, colour: Self.yellow)
        canvas.fill(x: 120, y: 108, width: 24, height: 4, colour: (40, 35, 20))
        canvas.fill(x: 130, y: 108, width: 4, height: 20, colour: (40, 35, 20))
        // Chalk text on the board beside it.
        canvas.fill(x: 100, y: 200, width: 40, height: 6, colour: (236, 236, 226))
        let map = canvas.inkMap()
        #expect(map.grey[110 * 600 + 125] < 64)
        #expect(map.grey[120 * 600 + 131] < 64)
        // The box around the letter, and the board around the box, are paper.
        #expect(map.grey[130 * 600 + 200] > 200)
        #expect(map.grey[104 * 600 + 110] > 200)
        #expect(map.grey[90 * 600 + 160] > 200)
        #expect(map.grey[202 * 600 + 120] < 64)
    }

    @Test func lightTextInARedBandThreeCellsHighIsInkAndTheBandIsNot() {
        // A box between two and five background cells high: the fine estimate takes its middle for paper and its
        // edges for ink (a blot with a hole), so it is found against the page at a larger scale.
        var canvas = Canvas(width: 600, height: 400, colour: (247, 240, 222))
        canvas.fill(x: 100, y: 100, width: 160, height: 60, colour: (150, 30, 30))
        canvas.fill(x: 130, y: 118, width: 70, height: 6, colour: (250, 250, 250))
        canvas.fill(x: 150, y: 118, width: 6, height: 34, colour: (250, 250, 250))
        canvas.fill(x: 200, y: 118, width: 6, height: 34, colour: (250, 250, 250))
        // Dark text on the page below it stays ink.
        canvas.fill(x: 100, y: 250, width: 40, height: 6, colour: (30, 30, 30))
        let map = canvas.inkMap()
        #expect(map.grey[120 * 600 + 165] < 64)
        #expect(map.grey[140 * 600 + 152] < 64)
        #expect(map.grey[140 * 600 + 202] < 64)
        // The band, at its middle and at its edges, and the page around it are paper.
        #expect(map.grey[140 * 600 + 230] > 200)
        #expect(map.grey[104 * 600 + 110] > 200)
        #expect(map.grey[155 * 600 + 250] > 200)
        #expect(map.grey[90 * 600 + 180] > 200)
        #expect(map.grey[252 * 600 + 120] < 64)
    }

    @Test func aSquareBoxOfOneSyllableIsABoxABoldGlyphOfBodySizeIsNot() {
        var canvas = Canvas(width: 600, height: 400, colour: Self.board)
        // 회 in a yellow box: about square, four cells high.
        canvas.fill(x: 100, y: 100, width: 66, height: 64, colour: Self.yellow)
        canvas.fill(x: 116, y: 116, width: 34, height: 5, colour: (40, 35, 20))
        canvas.fill(x: 130, y: 121, width: 5, height: 26, colour: (40, 35, 20))
        let map = canvas.inkMap()
        #expect(map.grey[118 * 600 + 120] < 64)
        #expect(map.grey[140 * 600 + 132] < 64)
        #expect(map.grey[155 * 600 + 110] > 200)
        #expect(map.grey[106 * 600 + 155] > 200)
    }

    @Test func aHeavyTitleStrokeIsNotTakenForABox() {
        // The bar of a heavy title glyph (the foot of 표): solid, rectangular and wide, but of one colour throughout.
        var canvas = Canvas(width: 600, height: 400, colour: (250, 250, 245))
        canvas.fill(x: 100, y: 100, width: 64, height: 28, colour: (20, 20, 20))
        let map = canvas.inkMap()
        #expect(map.grey[114 * 600 + 132] < 64)
        #expect(map.grey[102 * 600 + 104] < 64)
    }

    @Test func aBoldSolidGlyphIsNotTakenForABox() {
        var canvas = Canvas(width: 600, height: 400, colour: (250, 250, 245))
        // A heavy 원-like glyph: an ellipse-ish block with strokes, about as wide as high, solid dark.
        canvas.fill(x: 100, y: 100, width: 40, height: 40, colour: (20, 20, 20))
        canvas.fill(x: 112, y: 112, width: 16, height: 6, colour: (250, 250, 245))
        let map = canvas.inkMap()
        #expect(map.grey[105 * 600 + 105] < 64)
        #expect(map.grey[135 * 600 + 135] < 64)
        #expect(map.grey[114 * 600 + 120] > 200)
    }

    @Test func longThinRulesAndDotLeadersAreErasedTextIsNot() {
        var canvas = Canvas(width: 900, height: 600, colour: (250, 250, 248))
        // A rule under a row, 2 px thick, across most of the page, with a gap where the photo broke it.
        canvas.fill(x: 40, y: 300, width: 400, height: 2, colour: (40, 40, 40))
        canvas.fill(x: 443, y: 300, width: 400, height: 2, colour: (40, 40, 40))
        // A text-like block above it (a glyph's strokes: thick in both directions).
        canvas.fill(x: 100, y: 240, width: 30, height: 34, colour: (20, 20, 20))
        // Dot leaders: eight 4x4 dots 15 px apart.
        for dot in 0..<8 { canvas.fill(x: 200 + dot * 15, y: 150, width: 4, height: 4, colour: (30, 30, 30)) }
        // A short dash beside a price (a struck-through price is this short): stays.
        canvas.fill(x: 600, y: 100, width: 60, height: 2, colour: (30, 30, 30))
        var map = canvas.inkMap()
        #expect(map.grey[301 * 900 + 300] < 64)
        let erased = RuleEraser.erase(in: &map)
        #expect(erased > 0)
        #expect(map.grey[301 * 900 + 300] == 255)
        #expect(map.grey[301 * 900 + 700] == 255)
        #expect(map.grey[151 * 900 + 201] == 255)
        #expect(map.grey[151 * 900 + 306] == 255)
        #expect(map.grey[255 * 900 + 115] < 64)
        #expect(map.grey[101 * 900 + 630] < 64)
    }

    @Test func underGlyphsRestingOnARuleOnlyTheRulesLinesGo() {
        var canvas = Canvas(width: 900, height: 600, colour: (250, 250, 248))
        // A notebook line, 2 px thick, across the page, and a "glyph" resting on it (its foot touches the line).
        canvas.fill(x: 20, y: 300, width: 860, height: 2, colour: (40, 40, 40))
        canvas.fill(x: 100, y: 262, width: 30, height: 38, colour: (20, 20, 20))
        // A vertical stroke crossing the line (ink well above and below it): a glyph's stem, which must not be cut.
        canvas.fill(x: 400, y: 270, width: 6, height: 60, colour: (20, 20, 20))
        var map = canvas.inkMap()
        #expect(map.grey[301 * 900 + 115] < 64)
        RuleEraser.erase(in: &map)
        // Far from the glyphs the line goes, as before.
        #expect(map.grey[301 * 900 + 600] == 255)
        // Under the resting glyph: the line's own rows go, the glyph above them stays.
        #expect(map.grey[300 * 900 + 115] == 255)
        #expect(map.grey[301 * 900 + 115] == 255)
        #expect(map.grey[290 * 900 + 115] < 64)
        #expect(map.grey[297 * 900 + 115] < 64)
        // The crossing stem keeps its ink where it crosses the line.
        #expect(map.grey[301 * 900 + 403] < 64)
        #expect(map.grey[320 * 900 + 403] < 64)
    }

    @Test func aRuleBesideAnotherAndALeaningRuleUnderAGlyphAreErased() {
        var canvas = Canvas(width: 900, height: 600, colour: (250, 250, 248))
        // A notebook line with a row's rule 7 px under it: each is the other's neighbour, neither is text.
        canvas.fill(x: 20, y: 200, width: 860, height: 2, colour: (40, 40, 40))
        canvas.fill(x: 20, y: 207, width: 860, height: 2, colour: (40, 40, 40))
        // A rule that leans 4 px over the page (perspective), a glyph resting on it near its right end.
        for step in 0..<4 {
            canvas.fill(x: 20 + step * 215, y: 400 + step, width: 215, height: 2, colour: (40, 40, 40))
        }
        canvas.fill(x: 760, y: 365, width: 30, height: 38, colour: (20, 20, 20))
        var map = canvas.inkMap()
        RuleEraser.erase(in: &map)
        #expect(map.grey[201 * 900 + 450] == 255)
        #expect(map.grey[208 * 900 + 450] == 255)
        // Under the glyph the rule runs on lines 403-404: they go, the glyph above stays.
        #expect(map.grey[403 * 900 + 775] == 255)
        #expect(map.grey[404 * 900 + 775] == 255)
        #expect(map.grey[390 * 900 + 775] < 64)
    }

    @Test func aMarginLineBrokenByHeaderBoxesIsErasedAGlyphsStemIsNot() {
        var canvas = Canvas(width: 600, height: 900, colour: (250, 250, 248))
        // A notebook's margin line, 2 px wide, broken into stretches of a fifth of the page height where the
        // section headers' boxes hide it; every name's first glyph starts right of it.
        for stretch in [(40, 180), (230, 180), (460, 180), (690, 180)] {
            canvas.fill(x: 100, y: stretch.0, width: 2, height: stretch.1, colour: (190, 40, 30))
        }
        for row in stride(from: 60, to: 860, by: 70) {
            canvas.fill(x: 106, y: row, width: 28, height: 16, colour: (20, 20, 20))
        }
        // A tall glyph's stem (a tenth of the page high) with its other strokes beside it.
        canvas.fill(x: 400, y: 300, width: 4, height: 90, colour: (20, 20, 20))
        canvas.fill(x: 410, y: 330, width: 20, height: 4, colour: (20, 20, 20))
        var map = canvas.inkMap()
        #expect(map.grey[110 * 600 + 101] < 64)
        RuleEraser.erase(in: &map)
        #expect(map.grey[110 * 600 + 101] == 255)
        #expect(map.grey[500 * 600 + 100] == 255)
        #expect(map.grey[75 * 600 + 120] < 64)
        #expect(map.grey[340 * 600 + 401] < 64)
    }

    /// Rows of "words" (short dark bars) climbing at `degrees`.
    static func skewedPage(degrees: Double) -> Canvas {
        var canvas = Canvas(width: 800, height: 600, colour: (250, 250, 248))
        let slope = tan(degrees * .pi / 180)
        for row in 0..<8 {
            for word in 0..<10 {
                let x = 60 + word * 66
                let y = 80 + row * 55 + Int((Double(x) * slope).rounded())
                canvas.fill(x: x, y: y, width: 50, height: 14, colour: (20, 20, 20))
            }
        }
        return canvas
    }

    @Test(arguments: [-3.0, -1.5, 0.0, 2.0, 3.0])
    func skewIsMeasuredFromTheTextLines(degrees: Double) {
        let estimate = SkewEstimate.degrees(of: Self.skewedPage(degrees: degrees).inkMap())
        #expect(abs(estimate - degrees) < 0.3, "estimated \(estimate) for \(degrees)")
    }

    @Test func rotatingByTheSkewLevelsTheLines() {
        let map = Self.skewedPage(degrees: 2.5).inkMap()
        let level = map.rotated(degrees: SkewEstimate.degrees(of: map))
        #expect(abs(SkewEstimate.degrees(of: level)) < 0.3)
        // The canvas grows to hold the whole turned page, and ink stays ink.
        #expect(level.width >= map.width && level.height >= map.height)
        let inkBefore = (0..<(map.width * map.height)).filter(map.isInk).count
        let inkAfter = (0..<(level.width * level.height)).filter(level.isInk).count
        #expect(abs(Double(inkAfter) / Double(inkBefore) - 1) < 0.1)
    }

    @Test func aPageWithoutRulesLosesNothing() {
        var canvas = Canvas(width: 600, height: 400, colour: (250, 250, 248))
        for row in 0..<5 { canvas.fill(x: 50, y: 40 + row * 60, width: 120, height: 30, colour: (20, 20, 20)) }
        var map = canvas.inkMap()
        let before = map.grey
        #expect(RuleEraser.erase(in: &map) == 0)
        #expect(map.grey == before)
    }

    static func recognize(_ fixture: String) throws -> (truth: TesseractOCRProviderTests.Truth, result: OCRResult) {
        let truth = try TesseractOCRProviderTests.truth(fixture)
        return (truth, try TesseractOCRProviderTests.recognize(truth.image))
    }

    @Test func aRuledMenuIsReadWithoutZeroRunsAndEveryItemExact() throws {
        let (truth, result) = try Self.recognize("menu-ruled-rows")
        #expect(result.items.map { $0.nameKorean.filter { $0 != " " } } == truth.items.map(\.name_ko))
        #expect(result.items.map { $0.prices.map(\.amount) } == truth.items.map { $0.prices.map(\.amount) })
        // What a rule turns into when it reaches Tesseract: 0, o or 이 runs glued to the words.
        let runs = result.rawText.split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { word in
            let zeros = word.map { "0oO".contains($0) ? "0" : String($0) }.joined()
            let gluedToName = word.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) && $0 != "원" }
            return zeros.contains("0000") || (gluedToName && zeros.contains("00")) || word.contains("이이이")
        }
        #expect(runs.isEmpty, "\(runs)")
    }

    @Test func redPricesOnKraftAreRead() throws {
        let (truth, result) = try Self.recognize("menu-red-on-kraft")
        #expect(result.items.map { $0.nameKorean.filter { $0 != " " } } == truth.items.map(\.name_ko))
        #expect(result.items.map { $0.prices.map(\.amount) } == truth.items.map { $0.prices.map(\.amount) })
        #expect(result.items.allSatisfy { $0.category == "식사" })
    }

    @Test func darkHeadersInYellowBoxesOnADarkBoardAreRead() throws {
        let (truth, result) = try Self.recognize("menu-yellow-box-board")
        #expect(result.items.map { $0.nameKorean.filter { $0 != " " } } == truth.items.map(\.name_ko))
        #expect(result.items.map { $0.prices.map(\.amount) } == truth.items.map { $0.prices.map(\.amount) })
        #expect(result.items.map(\.category) == truth.items.map { $0.category as String? })
    }
}
