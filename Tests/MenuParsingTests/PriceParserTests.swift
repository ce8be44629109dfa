import MenuModel
import MenuParsing
import Testing

struct PriceParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var line: String
        var name: String
        var prices: [MenuPrice]
        var market = false
        var context = PriceContext()
        var testDescription: String { line }
    }

    static let thousands = PriceContext(isInThousands: true)
    static let typical20000 = PriceContext(typicalAmount: 20000)
    static let typical80000 = PriceContext(typicalAmount: 80000)

    static let cases: [Case] = [
        Case(line: "김치찌개 8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 8,000원", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 8000원", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 ₩8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 \\8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 ￦8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 \\#8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(
            line: "닭볶음탕 소”\\15,600 대#30,100", name: "닭볶음탕",
            prices: [.init(label: "소", amount: 15600), .init(label: "대", amount: 30100)]),
        Case(line: "김치찌개 8.000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "쟁반국수 \\38,.000", name: "쟁반국수", prices: [.init(amount: 38000)]),
        Case(line: "고기만두 16.,000원", name: "고기만두", prices: [.init(amount: 16000)]),
        Case(line: "김치찌개 8천원", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "보쌈 1만2천원", name: "보쌈", prices: [.init(amount: 12000)]),
        Case(line: "카라멜마끼아또 1만1전5백원", name: "카라멜마끼아또", prices: [.init(amount: 11500)]),
        Case(line: "콜라 4전 원", name: "콜라", prices: [.init(amount: 4000)]),
        Case(line: "짜장면 3 만8전9백 원", name: "짜장면", prices: [.init(amount: 38900)]),
        Case(line: "고기만두 14000엔", name: "고기만두", prices: [.init(amount: 14000)]),
        Case(line: "매운군만두 2 만천원", name: "매운군만두", prices: [.init(amount: 21000)]),
        Case(line: "코다리조림 1 만3천5 박 원", name: "코다리조림", prices: [.init(amount: 13500)]),
        Case(line: "딸기스무디 500 10,500워", name: "딸기스무디", prices: [.init(amount: 10500)]),
        Case(line: "감자전 9,000원", name: "감자전", prices: [.init(amount: 9000)]),
        Case(line: "보쌈 1.5만", name: "보쌈", prices: [.init(amount: 15000)]),
        Case(line: "막국수 만원", name: "막국수", prices: [.init(amount: 10000)]),
        Case(line: "전골 3만5천5백원", name: "전골", prices: [.init(amount: 35500)]),
        Case(line: "된장찌개 ８，０００원", name: "된장찌개", prices: [.init(amount: 8000)]),
        Case(line: "된장찌개 8,000-", name: "된장찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 ........ 8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 ········ 8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개…………8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 ------ 8,000", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "제육볶음 12.0", name: "제육볶음", prices: [.init(amount: 12000)], context: thousands),
        Case(line: "제육볶음 12", name: "제육볶음", prices: [.init(amount: 12000)], context: thousands),
        Case(line: "파전 7.5", name: "파전", prices: [.init(amount: 7500)], context: thousands),
        Case(line: "모둠회 45,000", name: "모둠회", prices: [.init(amount: 45000)], context: thousands),
        Case(
            line: "족발 소 30,000 / 대 40,000", name: "족발",
            prices: [.init(label: "소", amount: 30000), .init(label: "대", amount: 40000)]),
        Case(
            line: "족발 소30,000 중35,000 대40,000", name: "족발",
            prices: [
                .init(label: "소", amount: 30000), .init(label: "중", amount: 35000), .init(label: "대", amount: 40000),
            ]),
        Case(
            line: "족발 (소) 30,000 (대) 40,000", name: "족발",
            prices: [.init(label: "소", amount: 30000), .init(label: "대", amount: 40000)]),
        Case(
            line: "족발 9,000/12,000", name: "족발",
            prices: [.init(label: "소", amount: 9000), .init(label: "대", amount: 12000)],
            context: PriceContext(columnLabels: ["소", "대"])),
        Case(line: "삼겹살 1인분 15,000", name: "삼겹살", prices: [.init(label: "1인분", amount: 15000)]),
        Case(
            line: "떡볶이 인분 16000 2인분21000", name: "떡볶이",
            prices: [.init(label: "1인분", amount: 16000), .init(label: "2인분", amount: 21000)]),
        Case(line: "부대전골 2인 30,000", name: "부대전골", prices: [.init(label: "2인", amount: 30000)]),
        Case(line: "부대전골 2인분30,000", name: "부대전골", prices: [.init(label: "2인분", amount: 30000)]),
        Case(line: "소주 1병 5,000", name: "소주", prices: [.init(label: "1병", amount: 5000)]),
        Case(
            line: "대게 15,000~20,000", name: "대게",
            prices: [.init(label: "최소", amount: 15000), .init(label: "최대", amount: 20000)]),
        Case(
            line: "대게 15,000 ~ 20,000원", name: "대게",
            prices: [.init(label: "최소", amount: 15000), .init(label: "최대", amount: 20000)]),
        Case(line: "모둠회 시가", name: "모둠회", prices: [], market: true),
        Case(line: "전복 (싯가)", name: "전복", prices: [], market: true),
        Case(line: "킹크랩 시세", name: "킹크랩", prices: [], market: true),
        Case(line: "전복구이 삿가", name: "전복구이", prices: [], market: true),
        Case(line: "김치찌개 8,OOO", name: "김치찌개", prices: [.init(amount: 8000)]),
        Case(line: "김치찌개 l2,000", name: "김치찌개", prices: [.init(amount: 12000)]),
        Case(line: "김치찌개 I5,OOO원", name: "김치찌개", prices: [.init(amount: 15000)]),
        Case(line: "김치찌개 S,000", name: "김치찌개", prices: [.init(amount: 5000)]),
        Case(line: "SET 메뉴 12,000", name: "SET 메뉴", prices: [.init(amount: 12000)]),
        Case(line: "만두 6,000", name: "만두", prices: [.init(amount: 6000)]),
        Case(line: "천엽 20,000", name: "천엽", prices: [.init(amount: 20000)]),
        Case(line: "백반 9,000", name: "백반", prices: [.init(amount: 9000)]),
        Case(line: "2인 세트 25,000", name: "2인 세트", prices: [.init(amount: 25000)]),
        Case(line: "공기밥 1,000", name: "공기밥", prices: [.init(amount: 1000)]),
        Case(line: "김밥 3500원", name: "김밥", prices: [.init(amount: 3500)]),
        Case(
            line: "아메리카노 HOT 4,000 ICE 4,500", name: "아메리카노",
            prices: [.init(label: "HOT", amount: 4000), .init(label: "ICE", amount: 4500)]),
        // The forms of menus drawn by other hands (issue 10).
        Case(
            line: "족발 .... (소) 32,500 원 (중) 36,000 원 (대) 39,000 원", name: "족발",
            prices: [
                .init(label: "소", amount: 32500), .init(label: "중", amount: 36000), .init(label: "대", amount: 39000),
            ]),
        Case(
            line: "족발 ( 소)32,500원 ( 대)39,000원", name: "족발",
            prices: [.init(label: "소", amount: 32500), .init(label: "대", amount: 39000)]),
        Case(
            line: "족발 (소)32,500원 (대 )39,000원", name: "족발",
            prices: [.init(label: "소", amount: 32500), .init(label: "대", amount: 39000)]),
        Case(
            line: "보쌈 소 32,500 대 39,000", name: "보쌈",
            prices: [.init(label: "소", amount: 32500), .init(label: "대", amount: 39000)]),
        Case(
            line: "삼겹살 (1인 분)15,000 (2인 분)28,000", name: "삼겹살",
            prices: [.init(label: "1인분", amount: 15000), .init(label: "2인분", amount: 28000)]),
        Case(
            line: "삼겹살 1 인분 15,000 / 2인분 28,000", name: "삼겹살",
            prices: [.init(label: "1인분", amount: 15000), .init(label: "2인분", amount: 28000)]),
        Case(line: "김치찌개 32,500 원", name: "김치찌개", prices: [.init(amount: 32500)]),
        Case(line: "보쌈 1만2천5백원", name: "보쌈", prices: [.init(amount: 12500)]),
        Case(line: "갈비찜 7만9천원", name: "갈비찜", prices: [.init(amount: 79000)]),
        Case(line: "계란찜 2만9백원", name: "계란찜", prices: [.init(amount: 20900)]),
        Case(line: "갈비탕 12,900원", name: "갈비탕", prices: [.init(amount: 12900)]),
        // A struck-through old price beside the new, lower one: the new one counts.
        Case(line: "반반족발 15,000 13,000원", name: "반반족발", prices: [.init(amount: 13000)]),
        Case(
            line: "해물파전 22000 _26,000 _ 30,000", name: "해물파전",
            prices: [
                .init(label: "소", amount: 22000), .init(label: "중", amount: 26000), .init(label: "대", amount: 30000),
            ],
            context: PriceContext(columnLabels: ["소", "중", "대"])),
        Case(line: "콩나물국밥 10 500원", name: "콩나물국밥", prices: [.init(amount: 10500)]),
        Case(line: "유산슬 ₩11 ,900", name: "유산슬", prices: [.init(amount: 11900)]),
        Case(line: "해물육개장 6,000 6,000", name: "해물육개장", prices: [.init(amount: 6000)]),
        Case(line: "소주 2병 9,000", name: "소주", prices: [.init(label: "2병", amount: 9000)]),
        Case(line: "콩나물국밥 1만 5백원", name: "콩나물국밥", prices: [.init(amount: 10500)]),
        Case(line: "육개장 1만 1천원", name: "육개장", prices: [.init(amount: 11000)]),
        Case(line: "육개장 1 만 1 천원", name: "육개장", prices: [.init(amount: 11000)]),
        Case(line: "백반 2 만원", name: "백반", prices: [.init(amount: 20000)]),
        Case(line: "보쌈 1만2천 5백원", name: "보쌈", prices: [.init(amount: 12500)]),
        Case(line: "쟁반국수 2,900 39,900원", name: "쟁반국수", prices: [.init(amount: 39900)]),
        Case(
            line: "보쌈 30,000 45,000", name: "보쌈", prices: [.init(amount: 30000), .init(amount: 45000)]),
        Case(
            line: "갈비찜 소 30,900원 / 주 40,900원 / 대 50,900원", name: "갈비찜",
            prices: [
                .init(label: "소", amount: 30900), .init(label: "중", amount: 40900), .init(label: "대", amount: 50900),
            ]),
        Case(line: "주꾸미 주 12,000", name: "주꾸미 주", prices: [.init(amount: 12000)]),
        Case(
            line: "짜장면 보통 7,000 곱빼기 8,000", name: "짜장면",
            prices: [.init(label: "보통", amount: 7000), .init(label: "곱빼기", amount: 8000)]),
        // The page's other prices are near 20,000: ₩ read as a leading 3, the separator read as a 7.
        Case(line: "김치전 331.900원", name: "김치전", prices: [.init(amount: 31900)], context: typical20000),
        Case(line: "똥집튀김 \\318,000", name: "똥집튀김", prices: [.init(amount: 18000)], context: typical20000),
        Case(line: "깐풍기 277000", name: "깐풍기", prices: [.init(amount: 27000)], context: typical20000),
        Case(
            line: "모둠회 445", name: "모둠회", prices: [.init(amount: 44500)],
            context: PriceContext(isInThousands: true, typicalAmount: 30000)),
        Case(
            line: "모둠회 45", name: "모둠회", prices: [.init(amount: 45000)],
            context: PriceContext(isInThousands: true, typicalAmount: 30000)),
        // A six-figure price that no misread explains stays as printed.
        Case(line: "한우모둠 150,000", name: "한우모둠", prices: [.init(amount: 150000)], context: typical20000),
        Case(line: "한우세트 350,000", name: "한우세트", prices: [.init(amount: 350000)], context: typical80000),
        Case(line: "김치전 331.900원", name: "김치전", prices: [.init(amount: 331900)]),
        Case(line: "식사류", name: "식사류", prices: []),
        Case(line: "4.5 평점", name: "4.5 평점", prices: []),
        Case(line: "테이블 12", name: "테이블 12", prices: []),
    ]

    @Test(arguments: cases)
    func readsPrices(testCase: Case) {
        let reading = PriceParser().reading(of: testCase.line, context: testCase.context)
        #expect(reading.remainingText == testCase.name)
        #expect(reading.prices == testCase.prices)
        #expect(reading.isMarketPrice == testCase.market)
        #expect(reading.errors.isEmpty)
    }

    @Test func columnLabelsSkipAnImplausibleAmount() {
        let reading = PriceParser().reading(
            of: "라면 [6650 28,000 36,000 44,000", context: PriceContext(columnLabels: ["소", "중", "대"]))
        #expect(reading.remainingText == "라면")
        #expect(
            reading.prices == [
                .init(label: "소", amount: 28000), .init(label: "중", amount: 36000), .init(label: "대", amount: 44000),
            ])
        #expect(reading.errors.map(\.amount) == [6650])
    }

    @Test func twoItemsOnOneLineAreTwoReadings() {
        let readings = PriceParser().readings(of: "지리탕 23,000원 특모둠회 (소) 8,500원 (대) 12,000원")
        #expect(readings.map(\.remainingText) == ["지리탕", "특모둠회"])
        #expect(readings.map { $0.prices.map(\.amount) } == [[23000], [8500, 12000]])
        #expect(readings[1].prices.map(\.label) == ["소", "대"])
    }

    @Test func aNameWithoutItsPriceEndsTheReadings() {
        let readings = PriceParser().readings(of: "김치찌개 8,000원 된장찌개")
        #expect(readings.map(\.remainingText) == ["김치찌개", "된장찌개"])
        #expect(readings.map(\.hasPrice) == [true, false])
    }

    @Test func aMisreadSizeLabelDoesNotStartANewItem() {
        // 주 (a misread 중) is a label to the reading, so it is one to the split too.
        let readings = PriceParser().readings(of: "갈비찜 소 30,900원 / 주 40,900원 / 대 50,900원")
        #expect(readings.count == 1)
        #expect(readings.first?.prices.map(\.label) == ["소", "중", "대"])
    }

    @Test func amountsCutInTwoAreJoinedWhenSplittingToo() {
        let readings = PriceParser().readings(of: "콩나물국밥 10 500원 육개장 1 만 1 천원")
        #expect(readings.map(\.remainingText) == ["콩나물국밥", "육개장"])
        #expect(readings.map { $0.prices.map(\.amount) } == [[10500], [11000]])
    }

    @Test func rowsOfSizesStayOneReading() {
        let readings = PriceParser().readings(of: "족발 소 30,000 / 중 35,000 / 대 40,000 원")
        #expect(readings.count == 1)
        #expect(readings.first?.prices.map(\.label) == ["소", "중", "대"])
    }

    @Test(arguments: [
        ("김치찌개 8,050", 8050, PriceError.Reason.notMultipleOfHundred),
        ("김치찌개 2,000,000", 2_000_000, .tooLarge),
        ("김치찌개 0원", 0, .notPositive),
        ("황금 1000만원", 10_000_000, .tooLarge),
        ("김치찌개 850", 850, .notMultipleOfHundred),
    ])
    func implausibleAmountsAreCountedNotDropped(line: String, amount: Int, reason: PriceError.Reason) {
        let reading = PriceParser().reading(of: line)
        #expect(reading.prices.isEmpty)
        #expect(reading.errors.count == 1)
        #expect(reading.errors.first?.amount == amount)
        #expect(reading.errors.first?.reason == reason)
        #expect(reading.hasPrice)
    }

    @Test func errorsAndGoodPricesOnOneLineAreBothKept() {
        let reading = PriceParser().reading(of: "족발 소 30,000 / 대 40,050")
        #expect(reading.prices == [MenuPrice(label: "소", amount: 30000)])
        #expect(reading.errors.map(\.amount) == [40050])
    }

    @Test(arguments: [
        (0, PriceError.Reason?.some(.notPositive)), (-500, .notPositive), (100, nil), (1_000_000, nil),
        (1_000_100, .tooLarge), (150, .notMultipleOfHundred), (999_900, nil),
    ])
    func validatorRules(amount: Int, expected: PriceError.Reason?) {
        #expect(PriceValidator.problem(with: amount) == expected)
    }

    @Test(arguments: [
        "010-1234-5678", "02)123-4567", "Seoul", "OO", "l", "12:00", "1.2.3", "08851]", "000", "05,000", ",500",
    ])
    func nonPricesAreNotAmounts(token: String) {
        #expect(PriceParser().amount(from: token) == nil)
    }

    /// OCR can read any run of digits: none may overflow into a trap, whatever the units around it.
    @Test(arguments: [
        "라면 99999999999999999999999.5", "라면 9223372036854775807만원", "라면 922337203685477580만",
        "라면 9223372036854775807천원", "라면 99999999999999999999", "라면 1.5e308", "라면 9,223,372,036,854,775,807",
        "라면 922337203685477580만9223372036854775807천원", "라면 소 99999999999999999999999 대 1e400",
    ])
    func hostileDigitRunsNeverTrap(line: String) {
        for context in [PriceContext(), Self.thousands] {
            let reading = PriceParser().reading(of: line, context: context)
            for price in reading.prices { #expect(PriceValidator.problem(with: price.amount) == nil) }
        }
    }

    /// A caller's typical price, however absurd, never traps the misread-mark repair (FuzzPrice found
    /// `typical * 5` overflowing at 0x436c6f7365640000, its crashing input now a seed): only a plausible one
    /// repairs, so the six figures stay as read.
    @Test(arguments: [
        Int.max, 0x436c_6f73_6564_0000, Int.max / 5 + 1, PriceValidator.maximumAmount + 1, 0, -1, Int.min,
    ])
    func absurdTypicalAmountsNeverTrap(typical: Int) {
        let reading = PriceParser().reading(of: "깐풍기 277000", context: PriceContext(typicalAmount: typical))
        #expect(reading.remainingText == "깐풍기")
        #expect(reading.prices == [MenuPrice(amount: 277_000)])
        #expect(PriceParser().amount(from: "331.900", PriceContext(typicalAmount: typical)) == 331_900)
    }
}
