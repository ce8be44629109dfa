import JSON
import MenuModel
import Testing

struct OCRResultTests {
    @Test func aFailureHasItsReasonAndMessageAndNoItems() {
        let failed = OCRResult.failure(
            provider: "clova", reason: .rateLimited, message: "CLOVA answered 429", processingTime: .milliseconds(3),
            promptTokens: 12)
        #expect(!failed.isSuccess)
        #expect(failed.failure?.reason == .rateLimited && failed.failure?.message == "CLOVA answered 429")
        #expect(failed.items.isEmpty && failed.confidence == 0)
        #expect(failed.promptTokens == 12)
        #expect(failed.json["failure_reason"]?.stringValue == "rate_limited")
    }

    @Test func aReadingHasNoFailure() {
        let read = OCRResult(
            provider: "tesseract", items: [MenuItem(nameKorean: "김밥", prices: [MenuPrice(amount: 3500)])],
            rawText: "김밥 3,500원", confidence: 0.9, hasHandwriting: false, processingTime: .milliseconds(400))
        #expect(read.isSuccess && read.failure == nil && read.failureReason == nil)
        #expect(read.json["failure_reason"] == .null)
        #expect(read.json["menu_count"]?.intValue == 1)
    }
}
