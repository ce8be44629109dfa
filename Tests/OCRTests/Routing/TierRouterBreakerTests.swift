import Foundation
import Logging
import MenuConfiguration
import MenuKnowledgeTesting
import MenuModel
import OCR
import Testing

/// The breakers and the budget in the chain as the executable builds it: GPT vision over libcurl against the fake
/// OpenAI server, CLOVA against the fake CLOVA server, the counts of calls taken from the fakes.
@Suite(.serialized) struct TierRouterBreakerTests {
    typealias Support = ProviderTestSupport

    static func configuration(
        openAI: FakeOpenAIServer, clova: FakeClovaServer, failures: Int = 3, cooldown: Duration = .seconds(30)
    ) -> Configuration.OCR {
        var configuration = Configuration().ocr
        configuration.openAI = Support.openAIConfiguration(openAI, maxRetries: 0)
        configuration.clova = Support.clovaConfiguration(clova, maxRetries: 0)
        configuration.tiers = [.gptVision, .clova]
        configuration.breakerFailures = failures
        configuration.breakerCooldown = cooldown
        return configuration
    }

    static let clovaLines: [[FakeClovaWord]] = [["김치찌개", "8,000원"], ["된장찌개", "7,500"], ["공기밥", "1,000"]]

    @Test func afterNFailuresGPTIsNotCalledDuringTheCooldown() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.serverError(status: 503)])
        let clova = try FakeClovaServer()
        clova.script([.lines(Self.clovaLines)])
        let configuration = Self.configuration(openAI: openAI, clova: clova, failures: 3)
        let breakers = ProviderBreakers(configuration: configuration, logger: Support.logger)
        // Two routers, as two file threads would have: the breaker is the process's, not the router's.
        let routers = try (0..<2).map { _ in
            try TierRouter.make(
                configuration: configuration, client: try Support.client(), logger: Support.logger,
                breakers: breakers)
        }
        let image = try Support.image("menu-thousands-market.jpg")

        for index in 0..<3 {
            let routed = routers[index % 2].recognize(image)
            #expect(routed.fallbackTriggers.map(\.code) == [.providerFailed])
            #expect(routed.fallbackReason == "OCR 실패: server_error")
        }
        #expect(openAI.callCount == 3)
        #expect(breakers.breaker(for: .gptVision)?.isOpen == true)

        for index in 0..<4 {
            let (routed, elapsed) = measured { routers[index % 2].recognize(image) }
            #expect(routed.result.provider == "clova")
            #expect(routed.meetsBar)
            #expect(routed.fallbackTriggers.map(\.code) == [.providerUnavailable])
            #expect(routed.fallbackTriggers.map(\.code.rawValue) == ["provider_unavailable"])
            #expect(routed.fallbackReason == "OCR 건너뜀: 연속 실패")
            #expect(routed.attempts.map(\.outcome) == [.skipped, .accepted])
            #expect(routed.attempts.first?.result.failureReason == .providerUnavailable)
            #expect(routed.attempts.first?.result.processingTime == .zero)
            #expect(elapsed < .seconds(2))
        }
        #expect(openAI.callCount == 3, "no call while the breaker is open")
        #expect(clova.callCount == 7)
        #expect(breakers.breaker(for: .clova)?.isOpen == false)
        #expect(breakers.breaker(for: .tesseract) == nil)
    }

    @Test func afterTheCooldownOneTrialCallClosesTheBreaker() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .serverError(), .menu(items: [FakeMenuItem("김치찌개", 8000, confidence: 0.95)]),
        ])
        let clova = try FakeClovaServer()
        clova.script([.lines(Self.clovaLines)])
        let configuration = Self.configuration(openAI: openAI, clova: clova, failures: 1, cooldown: .seconds(1))
        let breakers = ProviderBreakers(configuration: configuration, logger: Support.logger)
        let router = try TierRouter.make(
            configuration: configuration, client: try Support.client(), logger: Support.logger, breakers: breakers)
        let image = try Support.image("menu-thousands-market.jpg")

        #expect(router.recognize(image).fallbackTriggers.map(\.code) == [.providerFailed])
        #expect(router.recognize(image).fallbackTriggers.map(\.code) == [.providerUnavailable])
        #expect(openAI.callCount == 1)
        Thread.sleep(forTimeInterval: 1.1)

        let trial = router.recognize(image)

        #expect(trial.result.provider == "gpt_vision")
        #expect(!trial.fallbackTriggered)
        #expect(openAI.callCount == 2)
        #expect(breakers.breaker(for: .gptVision)?.isOpen == false)
        #expect(router.recognize(image).result.provider == "gpt_vision")
        #expect(openAI.callCount == 3)
    }

    @Test func timeoutsOpenTheBreakerAndLowConfidenceDoesNot() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.menu(items: [FakeMenuItem("청하", 3800, confidence: 0.3)], logprob: nil)])
        let clova = try FakeClovaServer()
        clova.script([.lines(Self.clovaLines)])
        var configuration = Self.configuration(openAI: openAI, clova: clova, failures: 2)
        configuration.openAI.timeout = .seconds(1)
        let breakers = ProviderBreakers(configuration: configuration, logger: Support.logger)
        let router = try TierRouter.make(
            configuration: configuration, client: try Support.client(), logger: Support.logger, breakers: breakers)
        let image = try Support.image("menu-thousands-market.jpg")

        for _ in 0..<3 {
            #expect(router.recognize(image).fallbackTriggers.map(\.code) == [.lowConfidence])
        }
        #expect(breakers.breaker(for: .gptVision)?.isOpen == false)

        openAI.script([.delayed(.seconds(5), .menu(items: [FakeMenuItem("김치찌개", 8000)]))])
        for _ in 0..<2 {
            #expect(router.recognize(image).attempts.first?.result.failureReason == .timeout)
        }
        #expect(breakers.breaker(for: .gptVision)?.isOpen == true)
        #expect(router.recognize(image).fallbackTriggers.map(\.code) == [.providerUnavailable])
        #expect(openAI.callCount == 5)
    }

    /// A spent budget: GPT vision is skipped without a call, `budget_exhausted`, and CLOVA reads the image.
    @Test func aSpentBudgetSkipsGPTWithoutACall() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.menu(items: [FakeMenuItem("김치찌개", 8000, confidence: 0.95)])])
        let clova = try FakeClovaServer()
        clova.script([.lines(Self.clovaLines)])
        let configuration = Self.configuration(openAI: openAI, clova: clova)
        let budget = OpenAIBudget(
            dailyLimitUSD: 0.001, monthlyLimitUSD: nil, source: FixedSpendSource(), logger: Support.logger)
        let router = try TierRouter.make(
            configuration: configuration, client: try Support.client(), logger: Support.logger, budget: budget)
        let image = try Support.image("menu-thousands-market.jpg")

        let paid = router.recognize(image)
        #expect(paid.result.provider == "gpt_vision")
        #expect(paid.estimatedCostUSD > 0.001)

        let skipped = router.recognize(image)
        #expect(skipped.result.provider == "clova")
        #expect(skipped.fallbackTriggers.map(\.code.rawValue) == ["budget_exhausted"])
        #expect(skipped.fallbackReason == "OCR 건너뜀: 예산 초과")
        #expect(skipped.attempts.map(\.outcome) == [.skipped, .accepted])
        #expect(openAI.callCount == 1)
    }
}

/// A spend source that says nothing was spent: what a fresh database says.
struct FixedSpendSource: OpenAISpendSource {
    var figure = OpenAISpend(dayUSD: 0, monthUSD: 0)
    func spend() throws -> OpenAISpend { figure }
}
