import Foundation
import MenuModel
import MenuParsing
import Testing

/// Synthetic pages: words placed as an OCR engine would report them.
struct SyntheticPage {
    var words: [OCRWord] = []
    /// Text height in pixels; a character is about as wide as it is high.
    var height: Double = 20
    /// Rotation applied to every word (degrees, clockwise), around the origin.
    var rotationDegrees: Double = 0

    /// Places `text` (split on spaces) starting at `x` on the line whose top is `y`.
    mutating func add(_ text: String, x: Double, y: Double, height: Double? = nil, confidence: Double = 0.9) {
        let lineHeight = height ?? self.height
        var cursor = x
        for word in text.split(separator: " ") {
            let width = Double(word.count) * lineHeight * 0.9
            let angle = rotationDegrees * .pi / 180
            let shiftedY = y + (cursor + width / 2) * tan(angle)
            words.append(
                OCRWord(
                    text: String(word), x: cursor, y: shiftedY, width: width, height: lineHeight, confidence: confidence
                ))
            cursor += width + lineHeight * 0.6
        }
    }
}

struct MenuLayoutParserTests {
    let parser = MenuLayoutParser()

    func names(_ items: [MenuItem]) -> [String] { items.map(\.nameKorean) }

    @Test func dotLeadersSeparateNameAndPrice() {
        var page = SyntheticPage()
        page.add("김치찌개 ........ 8,000", x: 20, y: 20)
        page.add("된장찌개 ........ 7,500원", x: 20, y: 60)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개", "된장찌개"])
        #expect(items.map { $0.prices.map(\.amount) } == [[8000], [7500]])
    }

    @Test func twoColumnsAreReadColumnByColumn() {
        var page = SyntheticPage()
        page.add("김치찌개 8,000", x: 20, y: 20)
        page.add("비빔밥 9,000", x: 20, y: 60)
        page.add("제육볶음 10,000", x: 20, y: 100)
        page.add("물냉면 9,000", x: 500, y: 20)
        page.add("비빔냉면 9,500", x: 500, y: 60)
        page.add("만두 6,000", x: 500, y: 100)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개", "비빔밥", "제육볶음", "물냉면", "비빔냉면", "만두"])
        #expect(items.map { $0.prices.first?.amount } == [8000, 9000, 10000, 9000, 9500, 6000])
    }

    /// A title across the page, a footer under both columns and specks cross the gutter; the columns and their headers
    /// stay apart (each header over its own column's items, not `식사 면류` over both).
    @Test func aTitleAcrossTheGutterKeepsTheColumns() {
        var page = SyntheticPage()
        page.add("우리집 메뉴판", x: 300, y: 0, height: 40)
        page.add("[식사]", x: 20, y: 60)
        page.add("[면류]", x: 500, y: 60)
        page.add("김치찌개 8,000", x: 20, y: 100)
        page.add("비빔밥 9,000", x: 20, y: 140)
        page.add("물냉면 9,000", x: 500, y: 100)
        page.add("비빔냉면 9,500", x: 500, y: 140)
        page.add("모든 메뉴는 국내산 재료로 만듭니다", x: 200, y: 200)
        // Leader remains across the gutter on every row are no text in it.
        for y in [80.0, 120, 160] { page.add(".…… _ .……", x: 240, y: y, height: 8) }
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개", "비빔밥", "물냉면", "비빔냉면"])
        #expect(items.map(\.category) == ["식사", "식사", "면류", "면류"])
    }

    /// Perspective leans the columns (x grows by 9% of y), so that no straight vertical run is free of words; the
    /// gutter is found as a leaning line through the gaps between a price and the next column's name, and it parts
    /// the two headers set side by side over the columns.
    @Test func aLeaningGutterStillSplitsTheColumnsAndTheirHeaders() {
        var page = SyntheticPage()
        let left = ["김치찌개", "비빔밥", "제육볶음", "불고기", "된장찌개", "순두부찌개", "갈비탕", "육개장", "곰탕", "설렁탕"]
        let right = ["물냉면", "비빔냉면", "만두", "쫄면", "우동", "라면", "칼국수", "짜장면", "짬뽕", "막국수"]
        func start(_ y: Double) -> Double { 20 + 0.09 * y }
        page.add("[식사]", x: start(20), y: 20)
        page.add("[면류]", x: start(20) + 340, y: 20)
        for index in left.indices {
            let y = 60 + Double(index) * 40
            page.add(left[index], x: start(y), y: y)
            page.add("8,000", x: start(y) + 200, y: y)
            page.add(right[index], x: start(y) + 340, y: y)
            page.add("9,500", x: start(y) + 540, y: y)
        }
        let items = parser.items(from: page.words)
        #expect(names(items) == left + right)
        #expect(items.map(\.category) == Array(repeating: "식사", count: 10) + Array(repeating: "면류", count: 10))
    }

    /// Cards two to a row, each a centred name over its price, the rows of the two columns not level: no line has a
    /// price on the gutter's left and a name on its right, yet the cards are columns.
    @Test func cardsSideBySideAreReadCardByCard() {
        var page = SyntheticPage()
        page.add("카푸치노", x: 80, y: 20)
        page.add("카페모카", x: 480, y: 20)
        page.add("7,000원", x: 480, y: 55)
        page.add("6,500원", x: 80, y: 80)
        page.add("레몬에이드", x: 70, y: 140)
        page.add("녹차라떼", x: 480, y: 140)
        page.add("6,000원", x: 80, y: 175)
        page.add("5,500원", x: 480, y: 175)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["카푸치노", "레몬에이드", "카페모카", "녹차라떼"])
        #expect(items.map { $0.prices.first?.amount } == [6500, 6000, 7000, 5500])
    }

    /// A card's name, a description set much smaller, then the price: the name is the item's and the description
    /// its own; a section header set far larger than the price under its first card names no item.
    @Test func cardDescriptionSetSmallerGoesWithTheNameAbove() {
        var page = SyntheticPage()
        page.add("찌개", x: 20, y: 0, height: 40)
        page.add("해물비빔밥", x: 80, y: 60, height: 26)
        page.add("29,500", x: 90, y: 95, height: 21)
        page.add("청국장", x: 80, y: 160, height: 26)
        page.add("맵기 조절 가능", x: 80, y: 192, height: 13)
        page.add("16,000", x: 90, y: 212, height: 21)
        page.add("쌈밥", x: 80, y: 270, height: 26)
        page.add("맵기 조절 가능", x: 80, y: 302, height: 13)
        page.add("19,500", x: 90, y: 322, height: 21)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["해물비빔밥", "청국장", "쌈밥"])
        #expect(items.map(\.description) == [nil, "맵기 조절 가능", "맵기 조절 가능"])
        #expect(items.map { $0.prices.first?.amount } == [29500, 16000, 19500])
        #expect(items.map(\.category) == ["찌개", "찌개", "찌개"])
    }

    /// Two section headers side by side and leader debris read as syllables are no cards' names: a column of names
    /// with two price columns keeps its rows whole (the gap before the second prices is no card gutter).
    @Test func headersSideBySideMakeNoCardGutter() {
        var page = SyntheticPage()
        page.add("식사", x: 20, y: 20)
        page.add("음료", x: 500, y: 20)
        page.add("김치찌개", x: 20, y: 60)
        page.add("8,000", x: 300, y: 60)
        page.add("9,000", x: 500, y: 60)
        page.add("이이 의의", x: 20, y: 90)
        page.add("이이 의의", x: 500, y: 90)
        page.add("순두부찌개", x: 20, y: 120)
        page.add("8,500", x: 300, y: 120)
        page.add("9,500", x: 500, y: 120)
        page.add("공기밥", x: 20, y: 160)
        page.add("1,000", x: 300, y: 160)
        page.add("2,000", x: 500, y: 160)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개", "순두부찌개", "공기밥"])
        #expect(items.map { $0.prices.map(\.amount) } == [[8000, 9000], [8500, 9500], [1000, 2000]])
    }

    @Test func wideGapBetweenNameAndPriceIsNotAColumn() {
        var page = SyntheticPage()
        page.add("김치찌개", x: 20, y: 20)
        page.add("8,000", x: 400, y: 20)
        page.add("순두부찌개", x: 20, y: 60)
        page.add("8,500", x: 400, y: 60)
        page.add("공기밥", x: 20, y: 100)
        page.add("1,000", x: 400, y: 100)
        #expect(names(parser.items(from: page.words)) == ["김치찌개", "순두부찌개", "공기밥"])
    }

    @Test(arguments: [-4.0, -2.0, 2.0, 4.0])
    func rotatedPageStillGroupsLines(degrees: Double) {
        var page = SyntheticPage(rotationDegrees: degrees)
        page.add("김치찌개 ...... 8,000", x: 20, y: 40)
        page.add("된장찌개 ...... 7,000", x: 20, y: 80)
        page.add("순두부찌개 ...... 8,500", x: 20, y: 120)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개", "된장찌개", "순두부찌개"])
        #expect(items.map { $0.prices.first?.amount } == [8000, 7000, 8500])
    }

    @Test func priceOnTheLineBelowACentredName() {
        var page = SyntheticPage()
        page.add("한우 불고기", x: 200, y: 20)
        page.add("25,000원", x: 215, y: 50)
        page.add("갈비탕", x: 215, y: 100)
        page.add("15,000원", x: 215, y: 130)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["한우 불고기", "갈비탕"])
        #expect(items.map { $0.prices.first?.amount } == [25000, 15000])
    }

    @Test func badgesAreNotPartOfTheName() {
        var page = SyntheticPage()
        page.add("추천 김치찌개 8,000", x: 20, y: 20)
        page.add("제육볶음 BEST 10,000", x: 20, y: 60)
        page.add("된장찌개 NEW 7,000", x: 20, y: 100)
        page.add("[인기] 비빔밥 9,000", x: 20, y: 140)
        #expect(names(parser.items(from: page.words)) == ["김치찌개", "제육볶음", "된장찌개", "비빔밥"])
    }

    @Test func descriptionAndEnglishNameAttachToTheItemAbove() {
        var page = SyntheticPage()
        page.add("김치찌개 8,000", x: 20, y: 20)
        page.add("Kimchi Stew", x: 20, y: 50, height: 14)
        page.add("돼지고기 김치찌개 8,500", x: 20, y: 90)
        page.add("국내산 돼지고기와 묵은지", x: 20, y: 120, height: 14)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개", "돼지고기 김치찌개"])
        #expect(items[0].nameEnglish == "Kimchi Stew")
        #expect(items[1].description == "국내산 돼지고기와 묵은지")
    }

    @Test func categoryHeadersApplyAndAreNotItems() {
        var page = SyntheticPage()
        page.add("식사류", x: 20, y: 20, height: 28)
        page.add("김치찌개 8,000", x: 20, y: 70)
        page.add("비빔밥 9,000", x: 20, y: 110)
        page.add("[주류]", x: 20, y: 160, height: 28)
        page.add("소주 5,000", x: 20, y: 210)
        page.add("안주", x: 20, y: 260, height: 28)
        page.add("골뱅이무침 18,000", x: 20, y: 310)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개", "비빔밥", "소주", "골뱅이무침"])
        #expect(items.map(\.category) == ["식사류", "식사류", "주류", "안주"])
    }

    @Test func sizeHeaderRowLabelsPriceColumns() {
        var page = SyntheticPage()
        page.add("소", x: 300, y: 20)
        page.add("대", x: 420, y: 20)
        page.add("족발", x: 20, y: 60)
        page.add("30,000", x: 280, y: 60)
        page.add("40,000", x: 400, y: 60)
        page.add("보쌈", x: 20, y: 100)
        page.add("28,000", x: 280, y: 100)
        page.add("38,000", x: 400, y: 100)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["족발", "보쌈"])
        #expect(items[0].prices == [MenuPrice(label: "소", amount: 30000), MenuPrice(label: "대", amount: 40000)])
        #expect(items[1].prices == [MenuPrice(label: "소", amount: 28000), MenuPrice(label: "대", amount: 38000)])
    }

    @Test(arguments: ["메뉴 소 대", "| 소 | 대 |", "식사 소 대", "소 데", "\"메뉴 소 대", "메 소 대", "메뉴 000 소 대 0"])
    func sizeHeaderWithTitleRulesOrAMisreadLabel(header: String) {
        var page = SyntheticPage()
        page.add(header, x: 20, y: 20)
        page.add("족발 30,000 40,000", x: 20, y: 60)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["족발"])
        #expect(items.first?.prices.map(\.label) == ["소", "대"])
    }

    /// A grid's header as Tesseract returns it through the table's rules: a stroke glued to a label (`이소`), the
    /// title a jamo off or cut in two (`매뉴`, `!메 뉴`), a count cut from its unit, a long label misread (`콜빠기`).
    @Test(arguments: [
        ("메뉴 이소 대", ["소", "대"]), ("매뉴 소 중 대", ["소", "중", "대"]), ("!메 뉴 소 대", ["소", "대"]),
        ("메뉴 1 인분 2인분", ["1인분", "2인분"]), ("메뉴 보통 콜빠기", ["보통", "곱빼기"]), ("|머뉴 보통 곱뻐기 |!", ["보통", "곱빼기"]),
        ("소 총 대", ["소", "중", "대"]),
    ])
    func gridHeaderAsReadThroughRules(header: String, labels: [String]) {
        #expect(labelsUnder(header, amounts: labels.count) == labels)
    }

    /// The labels the first item under `header` gets, its row holding `amounts` prices.
    func labelsUnder(_ header: String, amounts: Int) -> [String?]? {
        var page = SyntheticPage()
        page.add(header, x: 20, y: 20)
        page.add("족발 " + (1...amounts).map { "\($0 + 20),000" }.joined(separator: " "), x: 20, y: 60)
        return parser.items(from: page.words).first?.prices.map(\.label)
    }

    /// Near a label is not a label: a two-syllable dish is as near to 대자 as a misreading (대창), and a long label
    /// misread needs a real one beside it.
    @Test(arguments: ["메뉴 대창 대", "보통 콜라", "메뉴 콜빠기 대창"])
    func notAGridHeader(header: String) {
        #expect(labelsUnder(header, amounts: 2) == [nil, nil])
    }

    /// A title a jamo off is one of as many syllables: `메뉴S` is no title (the S is a label).
    @Test func aLatinLabelIsNoPartOfTheTitle() {
        #expect(labelsUnder("메뉴 S M L", amounts: 3) == ["S", "M", "L"])
    }

    @Test func aHeaderReadAsTwoLinesLabelsTheColumns() {
        var page = SyntheticPage()
        page.add("메뉴", x: 20, y: 20)
        page.add("소", x: 300, y: 20)
        page.add("중", x: 420, y: 32)
        page.add("대", x: 540, y: 32)
        page.add("짜장면 6,000 7,000 8,000", x: 20, y: 80)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["짜장면"])
        #expect(items.first?.prices.map(\.label) == ["소", "중", "대"])
    }

    @Test func aHeaderRowNeedsLabelsOnly() {
        var page = SyntheticPage()
        page.add("메뉴 소 안내", x: 20, y: 20)
        page.add("족발 30,000 40,000", x: 20, y: 60)
        #expect(parser.items(from: page.words).first?.prices.map(\.label) == [nil, nil])
    }

    @Test func aBadgeMisreadAsDigitsLeavesThePriceBelowToTheName() {
        var page = SyntheticPage()
        page.add("잡채 14641", x: 20, y: 20)
        page.add("17,000", x: 20, y: 60)
        page.add("떡갈비 [6657", x: 20, y: 100)
        page.add("16,000원", x: 20, y: 140)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["잡채", "떡갈비"])
        #expect(items.map { $0.prices.map(\.amount) } == [[17000], [16000]])
    }

    @Test func anAmountTenTimesThePageIsCheckedForAMisreadMark() {
        var page = SyntheticPage()
        page.add("오돌뼈 31,000원", x: 20, y: 20)
        page.add("김치전 331.900원", x: 20, y: 60)
        page.add("감자튀김 33,000", x: 20, y: 100)
        page.add("떡볶이 16,000", x: 20, y: 140)
        let items = parser.items(from: page.words)
        #expect(items.map { $0.prices.map(\.amount) } == [[31000], [31900], [33000], [16000]])
    }

    @Test func anUnsureHeaderASectionWordAStrokeOffIsThatWord() {
        var page = SyntheticPage()
        page.add("시사", x: 20, y: 20, height: 26, confidence: 0.7)
        page.add("김치찌개 8,000", x: 20, y: 60)
        page.add("즈류", x: 20, y: 100, height: 26, confidence: 0.97)
        page.add("소주 5,000", x: 20, y: 140)
        let items = parser.items(from: page.words)
        // The sure reading stays as read.
        #expect(items.map(\.category) == ["식사", "즈류"])
    }

    @Test func footersAndNoiseAreNotItems() {
        var page = SyntheticPage()
        page.add("김치찌개 8,000", x: 20, y: 20)
        page.add("원산지: 돼지고기(국내산), 쌀(국내산)", x: 20, y: 60)
        page.add("TEL 02-123-4567", x: 20, y: 100)
        page.add("서울시 마포구 월드컵로 12", x: 20, y: 140)
        page.add("영업시간 11:00 ~ 22:00", x: 20, y: 180)
        page.add("사업자등록번호 123-45-67890", x: 20, y: 220)
        page.add("카드 결제 가능 / 부가세 포함", x: 20, y: 260)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개"])
    }

    @Test func unitNoteMakesSmallNumbersThousands() {
        var page = SyntheticPage()
        page.add("(단위: 천원)", x: 20, y: 20)
        page.add("제육볶음 12.0", x: 20, y: 60)
        page.add("파전 15", x: 20, y: 100)
        let items = parser.items(from: page.words)
        #expect(items.map { $0.prices.first?.amount } == [12000, 15000])
    }

    @Test(arguments: ["(단위: 천원)", "단위 : 1,000원", "천원 단위", "(단위: 전원)"])
    func unitNoteForms(note: String) {
        var page = SyntheticPage()
        page.add("제육볶음 12.0", x: 20, y: 20)
        page.add(note, x: 20, y: 60)
        #expect(parser.items(from: page.words).map { $0.prices.first?.amount } == [12000])
    }

    @Test func aUnitWordAndAThousandWonPriceApartAreNoUnitNote() {
        var page = SyntheticPage()
        page.add("(단위: 원)", x: 20, y: 20)
        page.add("공기밥 1,000원", x: 20, y: 60)
        page.add("파전 15", x: 20, y: 100)
        page.add("제육볶음 12.0", x: 20, y: 140)
        let items = parser.items(from: page.words)
        #expect(items.map { $0.prices.first?.amount } == [1000])
    }

    @Test func marketPriceAndSetFlags() {
        var page = SyntheticPage()
        page.add("모둠회 시가", x: 20, y: 20)
        page.add("점심 정식 12,000", x: 20, y: 60)
        let items = parser.items(from: page.words)
        #expect(items.map(\.isMarketPrice) == [true, false])
        #expect(items.map(\.isSet) == [false, true])
    }

    @Test func confidenceComesFromTheWords() {
        var page = SyntheticPage()
        page.add("김치찌개 8,000", x: 20, y: 20, confidence: 0.95)
        page.add("된장찌개 7,000", x: 20, y: 60, confidence: 0.40)
        let items = parser.items(from: page.words)
        #expect(abs(items[0].confidence - 0.95) < 0.001)
        #expect(abs(items[1].confidence - 0.40) < 0.001)
    }

    @Test func priceErrorsStayOnTheItem() {
        var page = SyntheticPage()
        page.add("김치찌개 8,050", x: 20, y: 20)
        let items = parser.items(from: page.words)
        #expect(items.first?.prices == [])
        #expect(items.first?.priceErrors.map(\.amount) == [8050])
    }

    @Test func leaderDebrisIsNotPartOfTheName() {
        var page = SyntheticPage()
        page.add("막걸리ㄴㄴㅇㄴㄴ 5,000", x: 20, y: 20)
        page.add("해물파전 eeeerrreee 29,600", x: 20, y: 60)
        page.add("계란말이 이이이이 9,000", x: 20, y: 100)
        page.add("Coffee 4,000", x: 20, y: 140)
        page.add("매실차이피미이이이니 3,000", x: 20, y: 180)
        page.add("오징어 이이이아아아마에마마아 12,000", x: 20, y: 220)
        #expect(names(parser.items(from: page.words)) == ["막걸리", "해물파전", "계란말이", "Coffee", "매실차", "오징어"])
    }

    @Test func symbolRunsAreNotNames() {
        var page = SyntheticPage()
        page.add("…*…*…… 11,200", x: 20, y: 20)
        page.add("비빔밥 9,000", x: 20, y: 60)
        #expect(names(parser.items(from: page.words)) == ["비빔밥"])
    }

    // MARK: - Layouts of menus drawn by other hands (issue 10)

    @Test func leadersReadAsALineOfTheirOwnAreDropped() {
        var page = SyntheticPage()
        page.add("김치찌개 8,000원", x: 20, y: 20)
        page.add(".……………………………… .… ………………….", x: 20, y: 45, height: 8)
        page.add("된장찌개 7,500원", x: 20, y: 70)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["김치찌개", "된장찌개"])
        #expect(items.map { $0.prices.map(\.amount) } == [[8000], [7500]])
    }

    @Test func twoColumnsTheGutterDoesNotSplitAreTwoItemsPerLine() {
        var page = SyntheticPage()
        // The gutter is narrower than two text heights: no column split, the line holds both items.
        page.add("지리탕 23,000원 물회 38,500원", x: 20, y: 20)
        page.add("회덮밥 18,000원 해삼 9,500원", x: 20, y: 60)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["지리탕", "물회", "회덮밥", "해삼"])
        #expect(items.map { $0.prices.map(\.amount) } == [[23000], [38500], [18000], [9500]])
    }

    @Test func inlineParenthesisedSizesAreLabelsNotName() {
        var page = SyntheticPage()
        page.add("족발 .... (소) 32,500 원 (중) 36,000 원 (대) 39,000 원", x: 20, y: 20)
        page.add("보쌈 ( 소)29,500원 ( 대)36,500원", x: 20, y: 60)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["족발", "보쌈"])
        #expect(items.map { $0.prices.map(\.label) } == [["소", "중", "대"], ["소", "대"]])
        #expect(items.map { $0.prices.map(\.amount) } == [[32500, 36000, 39000], [29500, 36500]])
    }

    @Test func struckThroughOldPriceGivesTheNewOne() {
        var page = SyntheticPage()
        page.add("반반족발 15,000 13,000원", x: 20, y: 20)
        let items = parser.items(from: page.words)
        #expect(items.map { $0.prices.map(\.amount) } == [[13000]])
    }

    @Test func debrisAtANamesEndsIsDropped() {
        var page = SyntheticPage()
        page.add("! 갈비 살 37,000원", x: 20, y: 20)
        page.add("양념갈비 ' 37,900", x: 20, y: 60)
        page.add("치즈녹두전6691", x: 20, y: 100)
        page.add("13,000원", x: 20, y: 140)
        page.add("순두부찌개 [추천 9,000원", x: 20, y: 180)
        page.add("매화수 원", x: 20, y: 220)
        page.add("6,000", x: 20, y: 260)
        let items = parser.items(from: page.words)
        #expect(items.map { $0.nameKorean.filter { $0 != " " } } == ["갈비살", "양념갈비", "치즈녹두전", "순두부찌개", "매화수"])
        #expect(items.map { $0.prices.map(\.amount) } == [[37000], [37900], [13000], [9000], [6000]])
    }

    @Test func syllablesReadApartAndUnclosedBadgesAtTheEnd() {
        var page = SyntheticPage()
        page.add("마 늘 보쌈 (소)44,500원", x: 20, y: 20, confidence: 0.97)
        page.add("새우튀김 (추친 41,000원", x: 20, y: 60, confidence: 0.97)
        page.add("육개장 나나아아나에아나아메마마메 9,000", x: 20, y: 100, confidence: 0.97)
        page.add("고기만두 !추젠 8천5백원", x: 20, y: 140, confidence: 0.97)
        let items = MenuLayoutParser(lexicon: nil).items(from: page.words)
        #expect(items.map { $0.nameKorean.filter { $0 != " " } } == ["마늘보쌈", "새우튀김", "육개장", "고기만두"])
    }

    @Test func anUnsureLastWordNoEntryExplainsGoesWhenTheRestIsAnEntry() {
        var page = SyntheticPage()
        page.add("생맥주 용900 7,900원", x: 20, y: 20, confidence: 0.7)
        page.add("부 대 찌개 1진 23,000", x: 20, y: 60, confidence: 0.7)
        page.add("순대 국 9,000", x: 20, y: 100, confidence: 0.7)
        page.add("비빔밥 정식 12,000", x: 20, y: 140, confidence: 0.7)
        page.add("감자전 뚜천 9,000", x: 20, y: 180, confidence: 0.99)
        page.add("계란말이 [0651 구 23,500원", x: 20, y: 220, confidence: 0.7)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["생맥주", "부대찌개", "순대국", "비빔밥 정식", "감자전 뚜천", "계란말이"])
        #expect(items.map(\.nameRaw) == ["생맥주 용", "부 대 찌개 1진", nil, nil, nil, "계란말이 [0651 구"])
    }

    @Test func centredStackedNamesTakeThePriceBelow() {
        var page = SyntheticPage()
        page.add("물냉면", x: 200, y: 20)
        page.add("9,000원", x: 205, y: 50)
        page.add("비빔냉면", x: 190, y: 100)
        page.add("9,500원", x: 205, y: 130)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["물냉면", "비빔냉면"])
        #expect(items.map { $0.prices.map(\.amount) } == [[9000], [9500]])
    }

    @Test func unsureMisreadingsSnapToTheLexiconAndKeepTheRawReading() {
        var page = SyntheticPage()
        page.add("모눔전 18,000", x: 20, y: 20, confidence: 0.6)
        page.add("소수 5,000", x: 20, y: 60, confidence: 0.6)
        page.add("김치찌개 8,000", x: 20, y: 100, confidence: 0.95)
        let items = parser.items(from: page.words)
        #expect(names(items) == ["모둠전", "소주", "김치찌개"])
        #expect(items.map(\.nameRaw) == ["모눔전", "소수", nil])
        #expect(items.map(\.nameEnglish) == ["Assorted Pancakes", "Soju", "Kimchi Stew"])
        #expect(MenuLayoutParser(lexicon: nil).items(from: page.words).map(\.nameKorean) == ["모눔전", "소수", "김치찌개"])
    }

    @Test func aOneLetterNameIsAFragmentNotADish() {
        var page = SyntheticPage()
        page.add("짱 16,000원", x: 20, y: 20)
        page.add("짜장면 8,000원", x: 20, y: 60)
        page.add("두 9,000", x: 20, y: 100)
        #expect(names(parser.items(from: page.words)) == ["짜장면"])
    }

    @Test func emptyInputGivesNoItems() {
        #expect(parser.items(from: []).isEmpty)
    }
}
