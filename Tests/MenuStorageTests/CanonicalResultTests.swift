import Digest
import JSON
import MenuModel
import MenuStorage
import OCR
import Testing

/// The cached and hashed form of a result: written and read in one place, stable byte for byte.
struct CanonicalResultTests {
    static let stored: JSONValue = .object([
        ("provider", "clova"), ("tier", 2), ("menu_count", 1), ("confidence", .double(0.837)),
        ("meets_confidence_bar", true), ("has_handwriting", true), ("fallback_triggered", true),
        ("fallback_reason", "손글씨 감지"), ("fallback_codes", .array(["handwriting"])), ("price_error_count", 1),
        (
            "menu_items",
            .array([
                MenuItem(
                    nameKorean: "족발", category: "요리",
                    prices: [MenuPrice(label: "소", amount: 30000), MenuPrice(label: "대", amount: 40000)],
                    confidence: 0.8,
                    priceErrors: [PriceError(text: "4,050", amount: 4050, reason: .notMultipleOfHundred)]
                ).json
            ])
        ),
    ])

    @Test func theStoredFormReadsBackAsWritten() throws {
        let result = try #require(CanonicalResult(json: Self.stored))
        #expect(result.provider == "clova" && result.tier == 2 && result.confidence == 0.837)
        #expect(result.fallbackCodes == [.handwriting])
        #expect(result.items.map(\.nameKorean) == ["족발"])
        #expect(result.items.first?.prices.map(\.amount) == [30000, 40000])
        #expect(result.json == Self.stored)
        #expect(CanonicalResult(json: result.json) == result)
    }

    @Test func theHashIsOverTheStoredBytes() throws {
        let result = try #require(CanonicalResult(json: Self.stored))
        #expect(result.hash == SHA256.hexHash(Self.stored.encoded))
        var other = result
        other.items[0].prices[0].amount = 31000
        #expect(other.hash != result.hash)
    }

    @Test(arguments: [
        JSONValue.object([("tier", 1), ("confidence", 1), ("menu_items", .array([]))]),
        .object([("provider", "tesseract"), ("tier", "one"), ("confidence", 1), ("menu_items", .array([]))]),
        .object([("provider", "tesseract"), ("tier", 3), ("confidence", 1), ("menu_items", .array([1]))]),
        .array([]),
    ])
    func aFormWithoutItsFieldsIsNone(json: JSONValue) {
        #expect(CanonicalResult(json: json) == nil)
    }
}
