import Foundation
import JSON
import MenuConfiguration
import MenuKnowledgeTesting
import MenuModel
import OCR
import Testing
import Vips

/// Tier 1 over real libcurl against ``FakeOpenAIServer`` on 127.0.0.1: the request it builds, how it reads answers
/// and confidences, and how it retries, gives up and keeps to its deadline.
@Suite(.serialized) struct OpenAIVisionProviderTests {
    typealias Support = ProviderTestSupport

    static func provider(_ configuration: Configuration.OpenAI) throws -> OpenAIVisionProvider {
        OpenAIVisionProvider(configuration: configuration, client: try Support.client(), logger: Support.logger)
    }

    /// Reads `file` through a provider pointed at `fake`.
    static func recognize(
        _ fake: FakeOpenAIServer, file: String = "small-menu.png", maxRetries: Int = 2,
        deadline: Duration = .seconds(20)
    ) throws -> OCRResult {
        let provider = try provider(Support.openAIConfiguration(fake, maxRetries: maxRetries))
        return provider.recognize(try Support.image(file), deadline: deadline)
    }

    // MARK: Success

    @Test func menuIsDecodedWithExactKoreanNamesPricesAndCost() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .menu(
                items: [
                    FakeMenuItem("김치찌개", 8000, nameEnglish: "Kimchi stew", category: "찌개류"),
                    FakeMenuItem("떡볶이", prices: [("소", 4000), ("대", 7000)], category: "분식"),
                    FakeMenuItem("대게", prices: [], marketPrice: true),
                    FakeMenuItem("불고기 정식", 13_000, description: "밥, 국, 반찬 포함", isSet: true),
                ], promptTokens: 25_700, completionTokens: 180)
        ])
        var configuration = Support.openAIConfiguration(openAI)
        // Prices unlike the defaults, so the cost can only come from the configuration.
        configuration.inputPricePerMillionTokens = 2.5
        configuration.outputPricePerMillionTokens = 10
        let provider = try Self.provider(configuration)

        let result = provider.recognize(try Support.image("small-menu.png"), deadline: .seconds(20))

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.provider == "gpt_vision")
        #expect(result.items.map(\.nameKorean) == ["김치찌개", "떡볶이", "대게", "불고기 정식"])
        #expect(
            result.items.map(\.prices) == [
                [MenuPrice(amount: 8000)], [MenuPrice(label: "소", amount: 4000), MenuPrice(label: "대", amount: 7000)],
                [], [MenuPrice(amount: 13_000)],
            ])
        #expect(result.items.map(\.isMarketPrice) == [false, false, true, false])
        #expect(result.items.map(\.isSet) == [false, false, false, true])
        #expect(result.items.map(\.nameEnglish) == ["Kimchi stew", nil, nil, nil])
        #expect(result.items.map(\.category) == ["찌개류", "분식", nil, nil])
        #expect(result.items.map(\.description) == [nil, nil, nil, "밥, 국, 반찬 포함"])
        #expect(result.rawText == "김치찌개\n떡볶이\n대게\n불고기 정식")
        #expect(result.priceErrorCount == 0)
        #expect(!result.hasHandwriting)
        #expect(result.promptTokens == 25_700)
        #expect(result.completionTokens == 180)
        let expectedCost = (25_700 * 2.5 + 180 * 10) / 1_000_000
        #expect(abs((result.estimatedCostUSD ?? -1) - expectedCost) < 1e-12)
        #expect(openAI.problems.isEmpty, "\(openAI.problems)")
        #expect(openAI.callCount == 1)
    }

    @Test func requestFollowsTheContract() throws {
        let openAI = try FakeOpenAIServer(apiKey: "sk-proj-0123456789", model: "gpt-4o-mini-2024-07-18")
        var configuration = Support.openAIConfiguration(openAI)
        configuration.organization = "org-menu"
        configuration.project = "proj_menu"
        configuration.maxCompletionTokens = 3000
        let provider = try Self.provider(configuration)

        let result = provider.recognize(try Support.image("menu-thousands-market.jpg"), deadline: .seconds(20))

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(openAI.problems.isEmpty, "\(openAI.problems)")
        let request = try #require(openAI.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/chat/completions")
        #expect(request.header("authorization") == "Bearer sk-proj-0123456789")
        #expect(request.header("openai-organization") == "org-menu")
        #expect(request.header("openai-project") == "proj_menu")
        #expect(request.header("content-type") == "application/json")
        let body = try Support.body(of: request)
        #expect(body["model"]?.stringValue == "gpt-4o-mini-2024-07-18")
        #expect(body["temperature"]?.intValue == 0)
        #expect(body["max_completion_tokens"]?.intValue == 3000)
        #expect(body["max_tokens"] == nil)
        #expect(body["logprobs"] == .bool(true))
        #expect(body["response_format"]?["type"]?.stringValue == "json_schema")
        #expect(body["response_format"]?["json_schema"]?["strict"] == .bool(true))
        let parts = try #require(body["messages"]?.arrayValue?.last?["content"]?.arrayValue)
        let imageURL = try #require(parts.first { $0["type"]?.stringValue == "image_url" }?["image_url"])
        #expect(imageURL["detail"]?.stringValue == "high")
        #expect(imageURL["url"]?.stringValue?.hasPrefix("data:image/jpeg;base64,") == true)
    }

    @Test func largePhotoIsSentAtTheHighDetailSize() throws {
        try Vips.initialize()
        // 2700x3432: over both limits, so both steps of the rule apply.
        let large = try VipsImage.header(of: try Support.bytes("menu-dark-board.jpg")).resized(by: 3).jpegBytes()
        let header = try VipsImage.header(of: large)
        let expected = ProviderImages.visionSize(width: header.width, height: header.height)
        let openAI = try FakeOpenAIServer()
        let provider = try Self.provider(Support.openAIConfiguration(openAI))

        let result = provider.recognize(PreparedImage(original: large), deadline: .seconds(20))

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect((header.width, header.height) == (2700, 3432))
        #expect((expected.width, expected.height) == (768, 976))
        let sent = try VipsImage.header(of: try #require(openAI.lastImage))
        #expect(sent.loader == "jpegload_buffer")
        #expect(abs(sent.width - expected.width) <= 1)
        #expect(abs(sent.height - expected.height) <= 1)
        #expect(max(sent.width, sent.height) <= 2048)
        #expect(min(sent.width, sent.height) <= 768)
        #expect(openAI.problems.isEmpty, "\(openAI.problems)")
    }

    @Test func smallPhotoIsSentUprightAndNeverEnlarged() throws {
        // 300x200 stored, EXIF orientation 6: upright it is 200x300, already under the high-detail size.
        let openAI = try FakeOpenAIServer()

        let result = try Self.recognize(openAI, file: "small-menu-exif-rotated.jpg")

        #expect(result.isSuccess, "\(Support.describe(result))")
        let sent = try VipsImage.header(of: try #require(openAI.lastImage))
        #expect((sent.width, sent.height) == (200, 300))
        #expect(sent.orientation == 1)
    }

    @Test(arguments: ["small-menu.png", "small-menu.webp", "small-menu.heic"])
    func everyUploadFormatIsSentAsJPEG(file: String) throws {
        let openAI = try FakeOpenAIServer()

        let result = try Self.recognize(openAI, file: file)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(openAI.problems.isEmpty, "\(openAI.problems)")
        let sent = try VipsImage.header(of: try #require(openAI.lastImage))
        #expect(sent.loader == "jpegload_buffer")
        #expect((sent.width, sent.height) == (300, 200))
    }

    @Test func handwritingFlagIsCarried() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.menu(items: [FakeMenuItem("제육볶음", 9000)], hasHandwriting: true)])

        let result = try Self.recognize(openAI)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.hasHandwriting)
        #expect(result.items.map(\.nameKorean) == ["제육볶음"])
    }

    // MARK: Confidence

    @Test func uniformTokenProbabilityCombinesWithStatedConfidenceByGeometricMean() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .menu(
                items: [FakeMenuItem("김치찌개", 8000, confidence: 1), FakeMenuItem("된장찌개", 7500, confidence: 1)],
                logprob: log(0.81))
        ])

        let result = try Self.recognize(openAI)

        #expect(result.isSuccess, "\(Support.describe(result))")
        // sqrt(1.0 × exp(ln 0.81)) = 0.9 for each item, and the result is their mean.
        #expect(result.items.allSatisfy { abs($0.confidence - 0.9) < 1e-9 }, "\(result.items.map(\.confidence))")
        #expect(abs(result.confidence - 0.9) < 1e-9)
    }

    @Test func improbableTokensLowerOnlyTheirOwnItem() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .menu(
                items: [
                    FakeMenuItem("김치찌개", 8000, confidence: 1),
                    FakeMenuItem("된장찌개", 7500, confidence: 1, valueLogprob: log(0.25)),
                    FakeMenuItem("순두부찌개", 8500, confidence: 1),
                ], logprob: log(0.81))
        ])

        let result = try Self.recognize(openAI)

        #expect(result.isSuccess, "\(Support.describe(result))")
        let confidences = result.items.map(\.confidence)
        try #require(confidences.count == 3)
        #expect(abs(confidences[0] - 0.9) < 1e-9)
        #expect(abs(confidences[2] - 0.9) < 1e-9)
        // Its name and amount tokens say 0.25 (sqrt: 0.5); the JSON quotes around the name count at 0.81.
        #expect(confidences[1] >= 0.5 && confidences[1] < 0.65, "\(confidences)")
        #expect(abs(result.confidence - confidences.reduce(0, +) / 3) < 1e-9)
    }

    @Test func tokenOutsideTheTopTwentyLowersItsItemWithoutZeroingIt() throws {
        let openAI = try FakeOpenAIServer()
        // -9999 is the API's marker for "outside the top 20" (contract §6), not a real log-probability.
        openAI.script([
            .menu(
                items: [
                    FakeMenuItem("김치찌개", 8000, confidence: 1),
                    FakeMenuItem("된장찌개", 7500, confidence: 1, valueLogprob: -9999),
                ], logprob: log(0.81))
        ])

        let result = try Self.recognize(openAI)

        #expect(result.isSuccess, "\(Support.describe(result))")
        let confidences = result.items.map(\.confidence)
        try #require(confidences.count == 2)
        #expect(abs(confidences[0] - 0.9) < 1e-9)
        #expect(confidences[1] > 0 && confidences[1] < 0.01, "\(confidences)")
    }

    @Test func withoutLogprobsTheStatedConfidenceStands() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .menu(
                items: [FakeMenuItem("비빔밥", 9000, confidence: 0.85), FakeMenuItem("냉면", 10_000, confidence: 0.65)],
                logprob: nil)
        ])

        let result = try Self.recognize(openAI)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.items.map(\.confidence) == [0.85, 0.65])
        #expect(abs(result.confidence - 0.75) < 1e-9)
    }

    @Test func implausibleAmountsBecomePriceErrors() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .menu(items: [
                FakeMenuItem("공기밥", 80), FakeMenuItem("라면", 12_345), FakeMenuItem("한우 코스", 2_000_000),
                FakeMenuItem("김밥", prices: [("1줄", 3000), ("2줄", 5_950)]),
            ])
        ])

        let result = try Self.recognize(openAI)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.items.map(\.nameKorean) == ["공기밥", "라면", "한우 코스", "김밥"])
        #expect(
            result.items.map(\.priceErrors) == [
                [PriceError(text: "80", amount: 80, reason: .notMultipleOfHundred)],
                [PriceError(text: "12345", amount: 12_345, reason: .notMultipleOfHundred)],
                [PriceError(text: "2000000", amount: 2_000_000, reason: .tooLarge)],
                [PriceError(text: "5950", amount: 5_950, reason: .notMultipleOfHundred)],
            ])
        #expect(result.items.map(\.prices) == [[], [], [], [MenuPrice(label: "1줄", amount: 3000)]])
        #expect(result.priceErrorCount == 4)
    }

    // MARK: Retries

    @Test func retryAfterMillisecondsIsHonouredAndPreferredToRetryAfter() throws {
        let openAI = try FakeOpenAIServer()
        // A 5 s Retry-After would not fit the 3 s deadline: only the 300 ms header lets the retry happen.
        openAI.script([
            .rateLimited(retryAfterSeconds: 5, retryAfterMilliseconds: 300),
            .menu(items: [FakeMenuItem("김치찌개", 8000)]),
        ])

        let (result, elapsed) = try measured { try Self.recognize(openAI, deadline: .seconds(3)) }

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(openAI.callCount == 2)
        #expect(elapsed >= .milliseconds(300))
        #expect(openAI.problems.isEmpty, "\(openAI.problems)")
    }

    @Test func retryAfterSecondsIsHonoured() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.rateLimited(retryAfterSeconds: 1), .menu(items: [FakeMenuItem("김치찌개", 8000)])])

        let (result, elapsed) = try measured { try Self.recognize(openAI) }

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(openAI.callCount == 2)
        #expect(elapsed >= .seconds(1))
    }

    @Test func retryAfterBeyondTheDeadlineFailsAtOnce() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.rateLimited(retryAfterSeconds: 10), .menu(items: [FakeMenuItem("김치찌개", 8000)])])

        let (result, elapsed) = try measured { try Self.recognize(openAI, deadline: .seconds(3)) }

        // Sleeping 10 s would overrun the deadline: the next tier needs that time.
        #expect(!result.isSuccess)
        #expect(result.failureReason == .rateLimited)
        #expect(openAI.callCount == 1)
        #expect(elapsed < .seconds(3))
    }

    @Test func serverErrorIsRetriedWithBackoffThenSucceeds() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.serverError(status: 503), .menu(items: [FakeMenuItem("김치찌개", 8000)])])

        let (result, elapsed) = try measured { try Self.recognize(openAI) }

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(openAI.callCount == 2)
        // The first backoff is 0.5 s times a factor of at least 0.75.
        #expect(elapsed >= .milliseconds(375))
    }

    @Test(arguments: [0, 1, 2])
    func retriesAreBoundedByMaxRetries(maxRetries: Int) throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.serverError()])

        let result = try Self.recognize(openAI, maxRetries: maxRetries)

        #expect(!result.isSuccess)
        #expect(result.failureReason == .serverError)
        #expect(openAI.callCount == 1 + maxRetries)
    }

    /// A minimal `chat.completion` (contract §4) with an empty menu, for hand-made servers.
    static let emptyMenuCompletion: FakeHTTPReply = {
        let message: JSONValue = .object([
            ("role", "assistant"), ("content", #"{"has_handwriting":false,"items":[]}"#), ("refusal", .null),
        ])
        let choice: JSONValue = .object([
            ("index", 0), ("message", message), ("logprobs", .null), ("finish_reason", "stop"),
        ])
        let completion: JSONValue = .object([
            ("id", "chatcmpl-hand"), ("object", "chat.completion"), ("created", 1_760_000_000),
            ("model", "gpt-4o-mini-2024-07-18"), ("choices", .array([choice])),
            ("usage", .object([("prompt_tokens", 8500), ("completion_tokens", 12), ("total_tokens", 8512)])),
        ])
        return .json(200, completion.encoded)
    }()

    /// A provider for a hand-made server standing in for OpenAI.
    static func provider(for server: FakeHTTPServer) throws -> OpenAIVisionProvider {
        var configuration = Configuration().ocr.openAI
        configuration.apiKey = Secret("sk-test")
        configuration.baseURL = server.baseURL + "/v1"
        return try provider(configuration)
    }

    static func errorBody(_ status: Int) -> String {
        #"{"error":{"message":"status \#(status)","type":"server_error","param":null,"code":null}}"#
    }

    @Test func retryAfterAsAnHTTPDateIsHonoured() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        // Two seconds ahead at one-second resolution: a wait of more than one second.
        let date = formatter.string(from: Date().addingTimeInterval(2))
        let script = ReplyScript([
            .json(429, Self.errorBody(429), headers: [("retry-after", date)]), Self.emptyMenuCompletion,
        ])
        let server = try FakeHTTPServer(handler: script.reply(to:))
        defer { server.stop() }
        let provider = try Self.provider(for: server)

        let (result, elapsed) = try measured {
            provider.recognize(try Support.image("small-menu.png"), deadline: .seconds(10))
        }

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(server.requests.count == 2)
        // Backoff alone would have waited at most 0.5 s.
        #expect(elapsed >= .seconds(1), "Retry-After: \(date)")
    }

    @Test func shouldRetryHeaderOverridesTheStatus() throws {
        let noRetry = ReplyScript([
            .json(500, Self.errorBody(500), headers: [("x-should-retry", "false")]), Self.emptyMenuCompletion,
        ])
        let retry = ReplyScript([
            .json(400, Self.errorBody(400), headers: [("x-should-retry", "true")]), Self.emptyMenuCompletion,
        ])
        let stopped = try FakeHTTPServer(handler: noRetry.reply(to:))
        defer { stopped.stop() }
        let retried = try FakeHTTPServer(handler: retry.reply(to:))
        defer { retried.stop() }
        let image = try Support.image("small-menu.png")

        let failed = try Self.provider(for: stopped).recognize(image, deadline: .seconds(10))
        let recovered = try Self.provider(for: retried).recognize(image, deadline: .seconds(10))

        #expect(!failed.isSuccess)
        #expect(failed.failureReason == .httpStatus(500))
        #expect(stopped.requests.count == 1)
        #expect(recovered.isSuccess, "\(Support.describe(recovered))")
        #expect(recovered.items.isEmpty)
        #expect(retried.requests.count == 2)
    }

    @Test func quotaExceededFailsAfterOneCall() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.quotaExceeded, .menu(items: [FakeMenuItem("김치찌개", 8000)])])

        let result = try Self.recognize(openAI)

        #expect(!result.isSuccess)
        #expect(result.failureReason == .quotaExceeded)
        #expect(openAI.callCount == 1)
    }

    @Test func olderQuotaBodyWithANullCodeIsStillQuota() throws {
        // Older quota bodies said so only in `type` (contract §7.2).
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .error(
                status: 429, type: "insufficient_quota", code: nil, message: "You exceeded your current quota."),
            .menu(items: [FakeMenuItem("김치찌개", 8000)]),
        ])

        let result = try Self.recognize(openAI)

        #expect(result.failureReason == .quotaExceeded)
        #expect(openAI.callCount == 1)
    }

    struct StatusCase: Sendable, CustomTestStringConvertible {
        var status: Int
        var code: String
        var reason: String
        var testDescription: String { "\(status) \(code)" }
    }

    @Test(arguments: [
        StatusCase(status: 400, code: "invalid_image_format", reason: "bad_request"),
        StatusCase(status: 401, code: "invalid_api_key", reason: "unauthorized"),
        StatusCase(status: 403, code: "unsupported_country_region_territory", reason: "forbidden"),
        StatusCase(status: 404, code: "model_not_found", reason: "not_found"),
    ])
    func clientErrorsAreNotRetried(_ testCase: StatusCase) throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .error(
                status: testCase.status, type: "invalid_request_error", code: testCase.code,
                message: "Incorrect API key provided: sk-test. You can find your API key at …"),
            .menu(items: [FakeMenuItem("김치찌개", 8000)]),
        ])

        let result = try Self.recognize(openAI)

        #expect(!result.isSuccess)
        #expect(result.failureReason?.rawValue == testCase.reason)
        #expect(openAI.callCount == 1)
        // The provider's own text may quote the key: the failure message never carries it.
        #expect(result.failureMessage?.contains("sk-test") == false)
        #expect(result.failureMessage?.contains("\(testCase.status)") == true)
    }

    @Test func resetConnectionIsRetried() throws {
        let openAI = try FakeOpenAIServer()
        // A fresh client's first connection: libcurl does not resend on its own, the provider must.
        openAI.script([.resetConnection, .menu(items: [FakeMenuItem("김치찌개", 8000)])])

        let result = try Self.recognize(openAI)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(openAI.callCount == 2)
    }

    @Test func truncatedBodyIsRetriedThenGivenUp() throws {
        let recovering = try FakeOpenAIServer()
        recovering.script([.truncatedBody, .menu(items: [FakeMenuItem("김치찌개", 8000)])])
        let broken = try FakeOpenAIServer()
        broken.script([.truncatedBody])

        let recovered = try Self.recognize(recovering)
        let failed = try Self.recognize(broken, maxRetries: 1)

        #expect(recovered.isSuccess, "\(Support.describe(recovered))")
        #expect(recovering.callCount == 2)
        #expect(!failed.isSuccess)
        #expect(failed.failureReason == .connection)
        #expect(broken.callCount == 2)
    }

    // MARK: Answers that are not a menu

    struct BrokenAnswer: Sendable, CustomTestStringConvertible {
        var step: FakeOpenAIServer.Step
        var reason: String
        /// A phrase the failure message must contain.
        var explanation: String
        var completionTokens: Int?
        var testDescription: String
    }

    static let brokenAnswers: [BrokenAnswer] = [
        BrokenAnswer(
            step: .refusal("I can't help with that image."), reason: "refusal", explanation: "refused",
            completionTokens: 12, testDescription: "refusal"),
        BrokenAnswer(
            step: .finishLength, reason: "truncated", explanation: "token limit", completionTokens: 24,
            testDescription: "finish_reason length"),
        BrokenAnswer(
            step: .contentFilter, reason: "content_filter", explanation: "content filter", completionTokens: 0,
            testDescription: "finish_reason content_filter"),
        BrokenAnswer(
            step: .content("{}", finishReason: "tool_calls"), reason: "invalid_output", explanation: "tool_calls",
            completionTokens: 40, testDescription: "finish_reason tool_calls"),
        BrokenAnswer(
            step: .malformedJSON, reason: "invalid_output", explanation: "not JSON", completionTokens: nil,
            testDescription: "malformed body"),
        BrokenAnswer(
            step: .content("김치찌개 8,000원", finishReason: "stop"), reason: "invalid_output",
            explanation: "content is not JSON", completionTokens: 40, testDescription: "content not JSON"),
        BrokenAnswer(
            step: .content(#"{"items":[{"name_ko":1}]}"#, finishReason: "stop"), reason: "invalid_output",
            explanation: "has_handwriting", completionTokens: 40, testDescription: "has_handwriting missing"),
        BrokenAnswer(
            step: .content(#"{"has_handwriting":false,"items":[{"name_ko":1}]}"#, finishReason: "stop"),
            reason: "invalid_output", explanation: "items[0].name_ko", completionTokens: 40,
            testDescription: "name_ko not a string"),
        BrokenAnswer(
            step: .content(
                #"{"has_handwriting":false,"items":[{"name_ko":"김밥","name_en":null,"description":null,"#
                    + #""category":null,"prices":[{"label":null,"amount":"3,000"}],"market_price":false,"#
                    + #""is_set":false,"confidence":0.9}]}"#,
                finishReason: "stop"),
            reason: "invalid_output", explanation: "integer amount", completionTokens: 40,
            testDescription: "amount as text"),
    ]

    @Test(arguments: brokenAnswers)
    func answerThatIsNotAMenuFailsWithAClearReason(_ answer: BrokenAnswer) throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([answer.step, .menu(items: [FakeMenuItem("김치찌개", 8000)])])

        let result = try Self.recognize(openAI)

        #expect(!result.isSuccess)
        #expect(result.failureReason?.rawValue == answer.reason, "\(Support.describe(result))")
        #expect(result.failureMessage?.contains(answer.explanation) == true, "\(result.failureMessage ?? "nil")")
        #expect(result.items.isEmpty)
        // A 200 was billed even when its answer is unusable; retrying the same image would not change it.
        #expect(result.completionTokens == answer.completionTokens)
        #expect(openAI.callCount == 1)
    }

    // MARK: Deadline and set-up

    @Test func replyLaterThanTheDeadlineIsATimeoutWithinTheDeadline() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.delayed(.seconds(30), .menu(items: [FakeMenuItem("김치찌개", 8000)]))])
        let deadline = Duration.seconds(2)

        let (result, elapsed) = try measured { try Self.recognize(openAI, deadline: deadline) }

        #expect(!result.isSuccess)
        #expect(result.failureReason == .timeout)
        #expect(openAI.callCount == 1)
        #expect(elapsed >= .milliseconds(1500))
        #expect(elapsed < deadline + .seconds(1))
    }

    @Test func callTimeoutShorterThanTheDeadlineEndsTheCallWithoutRetry() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.delayed(.seconds(30), .menu(items: [FakeMenuItem("김치찌개", 8000)]))])
        let provider = try Self.provider(Support.openAIConfiguration(openAI, timeout: .seconds(1)))

        let (result, elapsed) = try measured {
            provider.recognize(try Support.image("small-menu.png"), deadline: .seconds(10))
        }

        // A timed-out call is not repeated: the router's next tier gets the rest of the budget.
        #expect(result.failureReason == .timeout)
        #expect(openAI.callCount == 1)
        #expect(elapsed >= .milliseconds(900))
    }

    @Test func withoutAKeyNothingIsSent() throws {
        let openAI = try FakeOpenAIServer()
        var configuration = Support.openAIConfiguration(openAI)
        configuration.apiKey = nil

        let result = try Self.provider(configuration).recognize(
            try Support.image("small-menu.png"), deadline: .seconds(5))

        #expect(result.failureReason == .notConfigured)
        #expect(openAI.callCount == 0)
    }

    @Test func bytesThatAreNotAnImageAreNeverSent() throws {
        let openAI = try FakeOpenAIServer()

        let result = try Self.provider(Support.openAIConfiguration(openAI)).recognize(
            PreparedImage(original: Array("<html>not a photo</html>".utf8)), deadline: .seconds(5))

        #expect(result.failureReason == .invalidImage)
        #expect(openAI.callCount == 0)
    }
}
