import MenuModel
import Testing

/// Why an item is sent to a person, and which readings are the same dish.
struct ReviewReasonTests {
    @Test func eachReasonHasItsCause() {
        let sure = MenuItem(nameKorean: "비빔밥", prices: [MenuPrice(amount: 9000)], confidence: 0.95)
        #expect(ReviewReason.reasons(for: sure, meetsBar: true, minimumConfidence: 0.6).isEmpty)
        var unsure = sure
        unsure.confidence = 0.4
        #expect(ReviewReason.reasons(for: unsure, meetsBar: true, minimumConfidence: 0.6) == [.lowConfidence])
        var priceless = sure
        priceless.prices = []
        #expect(ReviewReason.reasons(for: priceless, meetsBar: true, minimumConfidence: 0.6) == [.noPrice])
        priceless.isMarketPrice = true
        #expect(
            ReviewReason.reasons(for: priceless, meetsBar: true, minimumConfidence: 0.6).isEmpty, "시가 has no price")
        var wrong = sure
        wrong.priceErrors = [PriceError(text: "80", amount: 80, reason: .notMultipleOfHundred)]
        #expect(ReviewReason.reasons(for: wrong, meetsBar: true, minimumConfidence: 0.6) == [.priceError])
        var snapped = sure
        snapped.nameRaw = "비빔빕"
        #expect(ReviewReason.reasons(for: snapped, meetsBar: true, minimumConfidence: 0.6) == [.snappedName])
        #expect(ReviewReason.reasons(for: sure, meetsBar: false, minimumConfidence: 0.6) == [.fallbackResult])
        #expect(ReviewReason.allCases.map(\.rawValue).contains("conflict"))
    }

    @Test(arguments: [
        ("김치찌개", "김치 찌개"), ("김치찌개", "·김치찌개."), ("Kimchi 찌개", "kimchi찌개"), ("제육-볶음", "제육볶음 *"),
    ])
    func readingsOfOneDishShareAKey(first: String, second: String) {
        #expect(MenuItem.dishKey(of: first) == MenuItem.dishKey(of: second))
    }

    @Test func differentDishesKeepDifferentKeys() {
        #expect(MenuItem.dishKey(of: "김치찌개") != MenuItem.dishKey(of: "김치찜"))
        #expect(MenuItem.dishKey(of: " . ").isEmpty)
    }
}
