import Foundation
import JSON
import MenuConfiguration
import MenuKnowledgeTesting
import MenuModel
import OCR
import Testing

/// The real chain as the executable builds it (`TierRouter.make`): GPT vision and CLOVA over one libcurl client
/// against the fake servers on 127.0.0.1, then the local Tesseract tier on a real fixture photo.
@Suite(.serialized) struct TierRouterProviderTests {
    typealias Support = ProviderTestSupport

    /// The defaults, with whichever fakes are given configured as the cloud tiers.
    static func configuration(
        openAI: FakeOpenAIServer? = nil, clova: FakeClovaServer? = nil, deadline: Duration = .seconds(45)
    ) -> Configuration.OCR {
        var configuration = Configuration().ocr
        if let openAI { configuration.openAI = Support.openAIConfiguration(openAI) }
        if let clova { configuration.clova = Support.clovaConfiguration(clova) }
        configuration.imageDeadline = deadline
        return configuration
    }

    static func router(_ configuration: Configuration.OCR) throws -> TierRouter {
        try TierRouter.make(configuration: configuration, client: try Support.client(), logger: Support.logger)
    }

    /// The fixture's item names, without spaces (Tesseract sometimes splits a Korean word, see
    /// `TesseractOCRProviderTests`).
    static func truthNames(_ fixture: String) throws -> [String] {
        try TesseractOCRProviderTests.truth(fixture).items.map { $0.name_ko.filter { $0 != " " } }
    }

    static let photo = "menu-thousands-market.jpg"
    static let clovaLines: [[FakeClovaWord]] = [["김치찌개", "8,000원"], ["된장찌개", "7,500"], ["공기밥", "1,000"]]

    @Test func bothKeysGiveThreeTiersWithTheirBarsAndTimeouts() throws {
        let openAI = try FakeOpenAIServer()
        let clova = try FakeClovaServer()
        let configuration = Self.configuration(openAI: openAI, clova: clova)

        let router = try Self.router(configuration)

        #expect(configuration.tierNames == [.gptVision, .clova, .tesseract])
        #expect(router.tiers.map(\.provider.name) == ["gpt_vision", "clova", "tesseract"])
        #expect(router.tiers.map(\.minimumConfidence) == [0.75, 0.70, 0.70])
        #expect(router.tiers.map(\.timeout) == [.seconds(20), .seconds(15), .seconds(20)])
        #expect(router.deadline == .seconds(45))
    }

    @Test func goodGPTAnswerIsAcceptedAndKoreanSurvivesToTheJSON() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .menu(items: [
                FakeMenuItem("김치찌개", 8000, confidence: 0.95), FakeMenuItem("순두부찌개", 8500, confidence: 0.95),
                FakeMenuItem("해물파전", prices: [("소", 12_000), ("대", 18_000)], confidence: 0.95),
            ])
        ])
        let clova = try FakeClovaServer()

        let routed = try Self.router(Self.configuration(openAI: openAI, clova: clova)).recognize(
            try Support.image(Self.photo))

        #expect(routed.result.provider == "gpt_vision", "\(Support.describe(routed.result))")
        #expect(routed.meetsBar)
        #expect(!routed.fallbackTriggered)
        #expect(clova.callCount == 0)
        #expect(routed.result.items.map(\.nameKorean) == ["김치찌개", "순두부찌개", "해물파전"])
        // Through the JSON the API answers with, and back.
        let json = try JSONParser.parse(routed.result.json.encoded)
        let names = json["menu_items"]?.arrayValue?.compactMap { $0["name_ko"]?.stringValue }
        #expect(names == ["김치찌개", "순두부찌개", "해물파전"])
        let labels = json["menu_items"]?.arrayValue?.last?["prices"]?.arrayValue?.compactMap {
            $0["label"]?.stringValue
        }
        #expect(labels == ["소", "대"])
        #expect(json["raw_text"]?.stringValue == "김치찌개\n순두부찌개\n해물파전")
        #expect(openAI.problems.isEmpty, "\(openAI.problems)")
    }

    @Test func handwritingOnTheFirstTierFallsBackToClova() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.menu(items: [FakeMenuItem("김치찌개", 8000, confidence: 0.95)], hasHandwriting: true)])
        let clova = try FakeClovaServer()
        clova.script([.lines(Self.clovaLines)])

        let routed = try Self.router(Self.configuration(openAI: openAI, clova: clova)).recognize(
            try Support.image(Self.photo))

        #expect(routed.result.provider == "clova", "\(Support.describe(routed.result))")
        #expect(routed.tierIndex == 1)
        #expect(routed.fallbackTriggered)
        #expect(routed.fallbackReason == "손글씨 감지")
        #expect(routed.fallbackTriggers.map(\.code.rawValue) == ["handwriting"])
        #expect(routed.meetsBar)
        #expect(routed.attempts.map(\.outcome) == [.fallback, .accepted])
        #expect(routed.result.items.map(\.nameKorean) == ["김치찌개", "된장찌개", "공기밥"])
        #expect(
            routed.result.items.map(\.prices) == [
                [MenuPrice(amount: 8000)], [MenuPrice(amount: 7500)], [MenuPrice(amount: 1000)],
            ])
        // The fallback still paid for the first tier's tokens.
        #expect(routed.promptTokens == 25_700)
        #expect(routed.estimatedCostUSD > 0)
        #expect(openAI.callCount == 1 && clova.callCount == 1)
        #expect(openAI.problems.isEmpty && clova.problems.isEmpty, "\(openAI.problems) \(clova.problems)")
    }

    @Test func slowGPTFallsBackToClovaWithinTheDeadline() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.delayed(.seconds(30), .menu(items: [FakeMenuItem("김치찌개", 8000)]))])
        let clova = try FakeClovaServer()
        clova.script([.lines(Self.clovaLines)])
        let deadline = Duration.seconds(6)
        let router = try Self.router(Self.configuration(openAI: openAI, clova: clova, deadline: deadline))
        let image = try Support.image(Self.photo)

        let (routed, elapsed) = measured { router.recognize(image) }

        #expect(routed.result.provider == "clova", "\(Support.describe(routed.result))")
        #expect(routed.meetsBar)
        #expect(routed.fallbackReason == "OCR 실패: timeout")
        #expect(routed.attempts.first?.result.failureReason == .timeout)
        #expect(routed.attempts.map(\.outcome) == [.failed, .accepted])
        #expect(routed.result.items.map(\.nameKorean) == ["김치찌개", "된장찌개", "공기밥"])
        #expect(openAI.callCount == 1)
        #expect(elapsed < deadline + .milliseconds(1500))
    }

    @Test func slowCloudTiersLeaveTimeForTheLocalTierWithinTheDeadline() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.delayed(.seconds(30), .menu(items: [FakeMenuItem("김치찌개", 8000)]))])
        let clova = try FakeClovaServer()
        clova.script([.delayed(.seconds(30), .lines(Self.clovaLines))])
        let deadline = Duration.seconds(8)
        let router = try Self.router(Self.configuration(openAI: openAI, clova: clova, deadline: deadline))
        let image = try Support.image(Self.photo)

        let (routed, elapsed) = measured { router.recognize(image) }

        // GPT may take half of 8 s and CLOVA half of the rest, so the local tier still gets the last 2 s. (Whether
        // Tesseract finishes in them depends on the machine's load; that it was given the time does not.)
        #expect(routed.attempts.map(\.provider) == ["gpt_vision", "clova", "tesseract"])
        #expect(routed.attempts.prefix(2).map(\.result.failureReason) == [.timeout, .timeout])
        #expect(routed.fallbackReason == "OCR 실패: timeout, OCR 실패: timeout")
        #expect(openAI.callCount == 1 && clova.callCount == 1)
        // The local tier decodes and preprocesses before it can check its deadline (a few hundred ms, seconds under
        // AddressSanitizer on a loaded runner): a wider margin than the cloud-only case.
        #expect(elapsed < deadline + .seconds(4))
    }

    @Test func clovaBelowItsBarFallsBackToTheLocalTier() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.menu(items: [FakeMenuItem("청하", 3800, confidence: 0.6)], logprob: nil)])
        let clova = try FakeClovaServer()
        clova.script([
            .lines([
                [FakeClovaWord("청하", confidence: 0.5), FakeClovaWord("3,800", confidence: 0.5)],
                [FakeClovaWord("맥주", confidence: 0.5), FakeClovaWord("6,000", confidence: 0.5)],
            ])
        ])

        let routed = try Self.router(Self.configuration(openAI: openAI, clova: clova)).recognize(
            try Support.image(Self.photo))

        #expect(routed.attempts.map(\.provider) == ["gpt_vision", "clova", "tesseract"])
        #expect(routed.fallbackReason == "신뢰도 0.60, 신뢰도 0.50")
        #expect(routed.result.provider == "tesseract", "\(Support.describe(routed.result))")
        #expect(routed.tierIndex == 2)
        #expect(routed.meetsBar)
        #expect(
            routed.result.items.map { $0.nameKorean.filter { $0 != " " } }
                == (try Self.truthNames("menu-thousands-market")))
        #expect(routed.result.confidence >= 0.70)
    }

    @Test func bothCloudTiersFailingLeavesTheLocalTier() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.quotaExceeded])
        let clova = try FakeClovaServer()
        clova.script([.error(status: 400, code: "0023", message: "API request count reach the upper limit.")])

        let routed = try Self.router(Self.configuration(openAI: openAI, clova: clova)).recognize(
            try Support.image(Self.photo))

        #expect(routed.result.provider == "tesseract", "\(Support.describe(routed.result))")
        #expect(routed.fallbackReason == "OCR 실패: quota_exceeded, OCR 실패: quota_exceeded")
        #expect(routed.attempts.map(\.outcome) == [.failed, .failed, .accepted])
        #expect(openAI.callCount == 1 && clova.callCount == 1)
        #expect(!routed.result.items.isEmpty)
    }

    @Test func withoutKeysTheRouterIsTesseractAlone() throws {
        let configuration = Self.configuration()

        let router = try Self.router(configuration)
        let routed = router.recognize(try Support.image(Self.photo))

        #expect(configuration.tierNames == [.tesseract])
        #expect(router.tiers.map(\.provider.name) == ["tesseract"])
        #expect(routed.attempts.map(\.provider) == ["tesseract"])
        #expect(routed.result.provider == "tesseract")
        #expect(!routed.fallbackTriggered)
        #expect(routed.fallbackReason == nil)
        #expect(routed.promptTokens == 0)
        #expect(
            routed.result.items.map { $0.nameKorean.filter { $0 != " " } }
                == (try Self.truthNames("menu-thousands-market")))
    }
}
