import Foundation
import JSON
import MenuModel
import OCR
import Testing

/// The router's decisions, with providers that return prepared results in process (the providers' own HTTP paths are
/// tested against the fake servers in `OCR/`).
struct TierRouterTests {
    /// Answers with a prepared result, optionally after a pause, and counts its calls.
    final class ScriptedProvider: OCRProvider, @unchecked Sendable {
        let name: String
        let result: OCRResult
        let pause: Duration
        /// Touched only from the test's own thread.
        var calls = 0
        var budgets: [Duration] = []

        init(_ name: String, _ result: OCRResult, pause: Duration = .zero) {
            self.name = name
            self.result = result
            self.pause = pause
        }

        func recognize(_ image: PreparedImage, deadline: Duration) -> OCRResult {
            calls += 1
            budgets.append(deadline)
            let waited = min(pause, deadline)
            Thread.sleep(forTimeInterval: waited.seconds)
            if pause > deadline {
                return .failure(provider: name, reason: .timeout, message: "slow", processingTime: waited)
            }
            var copy = result
            copy.provider = name
            return copy
        }
    }

    static func result(
        items: Int = 3, confidence: Double = 0.9, handwriting: Bool = false, priceErrors: Int = 0
    ) -> OCRResult {
        var menu = (0..<items).map { MenuItem(nameKorean: "메뉴\($0)", prices: [MenuPrice(amount: 8000)]) }
        for index in 0..<min(priceErrors, items) {
            menu[index].priceErrors = [PriceError(text: "80", amount: 80, reason: .notMultipleOfHundred)]
        }
        return OCRResult(
            provider: "", items: menu, rawText: "", confidence: confidence,
            hasHandwriting: handwriting, processingTime: .milliseconds(5))
    }

    static let failed = OCRResult.failure(
        provider: "", reason: .rateLimited, message: "429", processingTime: .milliseconds(5))

    static func router(_ providers: [ScriptedProvider], deadline: Duration = .seconds(30)) -> TierRouter {
        TierRouter(
            tiers: providers.enumerated().map { index, provider in
                OCRTier(provider: provider, minimumConfidence: index == 0 ? 0.75 : 0.70, timeout: .seconds(10))
            }, deadline: deadline)
    }

    @Test func goodFirstTierIsAcceptedWithoutFallback() {
        let gpt = ScriptedProvider("gpt_vision", Self.result())
        let clova = ScriptedProvider("clova", Self.result())
        let routed = Self.router([gpt, clova]).recognize(PreparedImage(original: []))
        #expect(routed.result.provider == "gpt_vision")
        #expect(!routed.fallbackTriggered)
        #expect(routed.fallbackReason == nil)
        #expect(routed.meetsBar)
        #expect(clova.calls == 0)
        #expect(routed.attempts.map(\.outcome) == [.accepted])
    }

    struct TriggerCase: Sendable, CustomTestStringConvertible {
        var first: OCRResult
        var codes: [String]
        var reason: String
        var testDescription: String { reason }
    }

    static let triggerCases: [TriggerCase] = [
        TriggerCase(first: failed, codes: ["provider_failed"], reason: "OCR 실패: rate_limited"),
        TriggerCase(first: result(confidence: 0.62), codes: ["low_confidence"], reason: "신뢰도 0.62"),
        TriggerCase(first: result(confidence: 0.749), codes: ["low_confidence"], reason: "신뢰도 0.75"),
        TriggerCase(first: result(items: 0), codes: ["no_items"], reason: "메뉴 부족"),
        TriggerCase(first: result(handwriting: true), codes: ["handwriting"], reason: "손글씨 감지"),
        TriggerCase(first: result(priceErrors: 2), codes: ["price_errors"], reason: "가격 에러 2건"),
        TriggerCase(first: result(items: 101), codes: ["too_many_items"], reason: "메뉴 개수 이상"),
        TriggerCase(
            first: result(confidence: 0.62, handwriting: true, priceErrors: 2),
            codes: ["handwriting", "low_confidence", "price_errors"], reason: "손글씨 감지, 신뢰도 0.62, 가격 에러 2건"),
        TriggerCase(
            first: result(items: 120, confidence: 0.5), codes: ["low_confidence", "too_many_items"],
            reason: "신뢰도 0.50, 메뉴 개수 이상"),
    ]

    @Test(arguments: triggerCases)
    func eachTriggerFallsBackWithItsKoreanReason(_ testCase: TriggerCase) {
        let gpt = ScriptedProvider("gpt_vision", testCase.first)
        let clova = ScriptedProvider("clova", Self.result(confidence: 0.8))
        let routed = Self.router([gpt, clova]).recognize(PreparedImage(original: []))
        #expect(routed.result.provider == "clova")
        #expect(routed.tierIndex == 1)
        #expect(routed.fallbackTriggered)
        #expect(routed.fallbackTriggers.map(\.code.rawValue) == testCase.codes)
        #expect(routed.fallbackReason == testCase.reason)
        #expect(routed.meetsBar)
        #expect(routed.attempts.map(\.provider) == ["gpt_vision", "clova"])
    }

    @Test func aConfidenceThatIsNotANumberNeverClearsTheBar() {
        let gpt = ScriptedProvider("gpt_vision", Self.result(confidence: .nan))
        let clova = ScriptedProvider("clova", Self.result())
        let routed = Self.router([gpt, clova]).recognize(PreparedImage(original: []))
        #expect(routed.result.provider == "clova")
        #expect(routed.fallbackTriggers.map(\.code.rawValue) == ["low_confidence"])
    }

    @Test func exactlyTheBarIsAccepted() {
        let gpt = ScriptedProvider("gpt_vision", Self.result(confidence: 0.75))
        let clova = ScriptedProvider("clova", Self.result())
        #expect(!Self.router([gpt, clova]).recognize(PreparedImage(original: [])).fallbackTriggered)
        #expect(clova.calls == 0)
    }

    @Test func secondTierAcceptsHandwritingAndPriceErrors() {
        let gpt = ScriptedProvider("gpt_vision", Self.result(handwriting: true))
        let clova = ScriptedProvider("clova", Self.result(confidence: 0.72, handwriting: true, priceErrors: 1))
        let tesseract = ScriptedProvider("tesseract", Self.result())
        let routed = Self.router([gpt, clova, tesseract]).recognize(PreparedImage(original: []))
        #expect(routed.result.provider == "clova")
        #expect(routed.meetsBar)
        #expect(tesseract.calls == 0)
        #expect(routed.fallbackReason == "손글씨 감지")
    }

    @Test func secondTierBarOfSeventyIsEvaluated() {
        let gpt = ScriptedProvider("gpt_vision", Self.result(confidence: 0.6))
        let clova = ScriptedProvider("clova", Self.result(confidence: 0.69))
        let tesseract = ScriptedProvider("tesseract", Self.result(confidence: 0.71))
        let routed = Self.router([gpt, clova, tesseract]).recognize(PreparedImage(original: []))
        #expect(routed.result.provider == "tesseract")
        #expect(routed.fallbackTriggers.map(\.code.rawValue) == ["low_confidence", "low_confidence"])
        #expect(routed.fallbackReason == "신뢰도 0.60, 신뢰도 0.69")
        #expect(routed.attempts.map(\.outcome) == [.fallback, .fallback, .accepted])
    }

    @Test func whenEveryTierMissesTheBestAttemptWithItemsIsReturnedBelowTheBar() {
        let gpt = ScriptedProvider("gpt_vision", Self.result(confidence: 0.6))
        let clova = ScriptedProvider("clova", Self.result(confidence: 0.65))
        let routed = Self.router([gpt, clova]).recognize(PreparedImage(original: []))
        #expect(!routed.meetsBar)
        #expect(routed.result.provider == "clova")
        #expect(routed.result.isSuccess)
        #expect(routed.fallbackReason == "신뢰도 0.60")
    }

    @Test func whenNoTierHasItemsTheResultIsAFailure() {
        let gpt = ScriptedProvider("gpt_vision", Self.failed)
        let clova = ScriptedProvider("clova", Self.result(items: 0))
        let routed = Self.router([gpt, clova]).recognize(PreparedImage(original: []))
        #expect(!routed.meetsBar)
        #expect(routed.result.items.isEmpty)
        #expect(routed.attempts.map(\.outcome) == [.failed, .fallback])
    }

    @Test func singleLocalTierIsNotAFallback() {
        let tesseract = ScriptedProvider("tesseract", Self.result(confidence: 0.5))
        let routed = Self.router([tesseract]).recognize(PreparedImage(original: []))
        #expect(!routed.fallbackTriggered)
        #expect(routed.fallbackReason == nil)
        #expect(!routed.meetsBar)
        #expect(routed.result.items.count == 3)
    }

    @Test func aTierThatIsNotLastLeavesTimeForTheNext() {
        let gpt = ScriptedProvider("gpt_vision", Self.result())
        let clova = ScriptedProvider("clova", Self.result())
        _ = Self.router([gpt, clova], deadline: .seconds(8)).recognize(PreparedImage(original: []))
        // 8 s left, next tier's timeout 10 s: the first tier may use at most half.
        let budget = gpt.budgets.first ?? .zero
        #expect(budget <= .seconds(4))
        #expect(budget > .seconds(3))
    }

    @Test func tokensAndCostAreSummedOverAttempts() {
        var first = Self.result(confidence: 0.5)
        first.promptTokens = 1000
        first.completionTokens = 100
        first.estimatedCostUSD = 0.01
        let gpt = ScriptedProvider("gpt_vision", first)
        let clova = ScriptedProvider("clova", Self.result())
        let routed = Self.router([gpt, clova]).recognize(PreparedImage(original: []))
        #expect(routed.promptTokens == 1000)
        #expect(routed.completionTokens == 100)
        #expect(routed.estimatedCostUSD == 0.01)
        #expect(routed.attempts[0].json["prompt_tokens"] == .int(1000))
    }
}
