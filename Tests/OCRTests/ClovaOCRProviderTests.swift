import Foundation
import JSON
import MenuConfiguration
import MenuKnowledgeTesting
import MenuModel
import OCR
import Testing
import Vips

/// Tier 2 over real libcurl against ``FakeClovaServer`` on 127.0.0.1: the V2 request, words through the layout parser,
/// and the error codes it retries or gives up on.
@Suite(.serialized) struct ClovaOCRProviderTests {
    typealias Support = ProviderTestSupport

    static let menuLines: [[FakeClovaWord]] = [["김치찌개", "8,000원"], ["된장찌개", "7,500"], ["공기밥", "1,000"]]

    static func provider(_ configuration: Configuration.Clova) throws -> ClovaOCRProvider {
        ClovaOCRProvider(configuration: configuration, client: try Support.client(), logger: Support.logger)
    }

    /// Reads `image` through a provider pointed at `fake`.
    static func recognize(
        _ fake: FakeClovaServer, image: PreparedImage? = nil, secret: String? = nil, maxRetries: Int = 2,
        deadline: Duration = .seconds(15)
    ) throws -> OCRResult {
        let provider = try provider(Support.clovaConfiguration(fake, secret: secret, maxRetries: maxRetries))
        return provider.recognize(try image ?? Support.image("menu-thousands-market.jpg"), deadline: deadline)
    }

    // MARK: Success

    @Test func wordsBecomeItemsWithExactNamesAndPrices() throws {
        let clova = try FakeClovaServer()
        clova.script([.lines(Self.menuLines)])

        let result = try Self.recognize(clova)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.provider == "clova")
        #expect(result.items.map(\.nameKorean) == ["김치찌개", "된장찌개", "공기밥"])
        #expect(
            result.items.map(\.prices) == [
                [MenuPrice(amount: 8000)], [MenuPrice(amount: 7500)], [MenuPrice(amount: 1000)],
            ])
        #expect(result.priceErrorCount == 0)
        #expect(result.rawText == "김치찌개 8,000원\n된장찌개 7,500\n공기밥 1,000")
        #expect(!result.hasHandwriting)
        // CLOVA is billed per call, not per token.
        #expect(result.promptTokens == nil)
        #expect(clova.problems.isEmpty, "\(clova.problems)")
        #expect(clova.callCount == 1)
    }

    @Test func eachItemCarriesTheBoxOfItsLineOnTheImageClovaRead() throws {
        let clova = try FakeClovaServer()
        clova.script([.lines([["김치찌개", "8,000원"], ["된장찌개", "7,500"], ["공기밥", "1,000"]])])
        let result = try Self.recognize(clova)
        let layout = FakeClovaServer.Layout.self
        let width = Double(layout.convertedWidth)
        let height = Double(layout.convertedHeight)
        for (line, item) in result.items.enumerated() {
            let box = try #require(item.box, "\(item.nameKorean)")
            // The fake puts the name at `left` and the price against `priceColumnRight`, line by line.
            let top = Double(layout.firstLineTop + layout.lineAdvance * line)
            #expect(abs(box.x - Double(layout.left) / width) < 0.001)
            #expect(abs(box.y - top / height) < 0.001)
            #expect(abs(box.width - Double(layout.priceColumnRight - layout.left) / width) < 0.001)
            #expect(abs(box.height - Double(layout.lineHeight) / height) < 0.001)
        }
        #expect(result.items.count == 3)
    }

    @Test func sizesCategoriesAndMarketPriceGoThroughTheLayoutParser() throws {
        let clova = try FakeClovaServer()
        clova.script([
            .lines([
                ["식사류"], ["떡볶이", "소", "4,000", "대", "7,000"], ["비빔밥", "9,000원"], ["주류"], ["대게", "시가"],
                ["맥주", "5,000"],
            ])
        ])

        let result = try Self.recognize(clova)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.items.map(\.nameKorean) == ["떡볶이", "비빔밥", "대게", "맥주"])
        #expect(
            result.items.map(\.prices) == [
                [MenuPrice(label: "소", amount: 4000), MenuPrice(label: "대", amount: 7000)],
                [MenuPrice(amount: 9000)], [], [MenuPrice(amount: 5000)],
            ])
        #expect(result.items.map(\.category) == ["식사류", "식사류", "주류", "주류"])
        #expect(result.items.map(\.isMarketPrice) == [false, false, true, false])
    }

    @Test func confidenceFollowsTheWordConfidences() throws {
        let clova = try FakeClovaServer()
        clova.script([.lines(Self.menuLines)])
        let sure = try Self.recognize(clova)
        clova.script([
            .lines([
                ["김치찌개", "8,000원"], [FakeClovaWord("된장찌개", confidence: 0.4), FakeClovaWord("7,500", confidence: 0.4)],
                ["공기밥", "1,000"],
            ])
        ])
        let doubtful = try Self.recognize(clova)

        #expect(sure.isSuccess && doubtful.isSuccess)
        #expect(sure.items.allSatisfy { abs($0.confidence - 0.98) < 1e-9 }, "\(sure.items.map(\.confidence))")
        #expect(abs(sure.confidence - 0.98) < 1e-9)
        #expect(doubtful.items.map(\.nameKorean) == sure.items.map(\.nameKorean))
        let confidences = doubtful.items.map(\.confidence)
        try #require(confidences.count == 3)
        #expect(abs(confidences[1] - 0.4) < 1e-9)
        #expect(abs(confidences[0] - 0.98) < 1e-9 && abs(confidences[2] - 0.98) < 1e-9)
        #expect(abs(doubtful.confidence - (0.98 + 0.4 + 0.98) / 3) < 1e-9)
        #expect(doubtful.confidence < sure.confidence)
    }

    @Test func pageWithoutTextIsASuccessWithoutItems() throws {
        let clova = try FakeClovaServer()
        clova.script([.lines([])])

        let result = try Self.recognize(clova)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.items.isEmpty)
        #expect(result.confidence == 0)
    }

    // MARK: Request

    @Test func requestIsAValidV2CallWithTheSecret() throws {
        let clova = try FakeClovaServer(secret: "c2VjcmV0LWtleS0xMjM=")
        clova.script([.lines(Self.menuLines)])

        let result = try Self.recognize(clova)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(clova.problems.isEmpty, "\(clova.problems)")
        let request = try #require(clova.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == clova.path)
        #expect(request.header("x-ocr-secret") == "c2VjcmV0LWtleS0xMjM=")
        #expect(request.header("content-type") == "application/json")
        let body = try Support.body(of: request)
        #expect(body["version"]?.stringValue == "V2")
        #expect(body["lang"]?.stringValue == "ko")
        #expect(body["requestId"]?.stringValue?.isEmpty == false)
        let now = Int(Date().timeIntervalSince1970 * 1000)
        #expect(abs((body["timestamp"]?.intValue ?? 0) - now) < 60_000)
        #expect(body["images"]?.arrayValue?.count == 1)
        #expect(body["images"]?.arrayValue?.first?["data"]?.stringValue?.hasPrefix("data:") == false)
    }

    @Test func requestIDsDifferBetweenCalls() throws {
        let clova = try FakeClovaServer()
        let provider = try Self.provider(Support.clovaConfiguration(clova))
        let image = try Support.image("small-menu.png")

        _ = provider.recognize(image, deadline: .seconds(5))
        _ = provider.recognize(image, deadline: .seconds(5))

        let ids = try clova.requests.map { try Support.body(of: $0)["requestId"]?.stringValue }
        #expect(ids.count == 2)
        #expect(Set(ids.compactMap { $0 }).count == 2)
    }

    struct FormatCase: Sendable, CustomTestStringConvertible {
        var file: String
        var format: String
        /// True when the upload itself must be sent, byte for byte.
        var isSentAsIs: Bool
        var testDescription: String { "\(file) → \(format)" }
    }

    @Test(arguments: [
        FormatCase(file: "small-menu.png", format: "png", isSentAsIs: true),
        FormatCase(file: "menu-thousands-market.jpg", format: "jpg", isSentAsIs: true),
        FormatCase(file: "small-menu.webp", format: "jpg", isSentAsIs: false),
        FormatCase(file: "small-menu.heic", format: "jpg", isSentAsIs: false),
        FormatCase(file: "small-menu-exif-rotated.jpg", format: "jpg", isSentAsIs: false),
    ])
    func formatNamesTheBytesSent(_ testCase: FormatCase) throws {
        let clova = try FakeClovaServer()
        let upload = try Support.bytes(testCase.file)

        let result = try Self.recognize(clova, image: PreparedImage(original: upload))

        #expect(result.isSuccess, "\(Support.describe(result))")
        // The fake checks that the bytes start with the magic number of the format named.
        #expect(clova.problems.isEmpty, "\(clova.problems)")
        let body = try Support.body(of: clova.requests.first)
        #expect(body["images"]?.arrayValue?.first?["format"]?.stringValue == testCase.format)
        let sent = try #require(clova.lastImage)
        #expect((sent == upload) == testCase.isSentAsIs)
        // Whatever was converted is upright.
        let header = try VipsImage.header(of: sent)
        #expect(header.orientation == 1)
    }

    @Test func rotatedJPEGIsSentUpright() throws {
        let clova = try FakeClovaServer()

        _ = try Self.recognize(clova, image: Support.image("small-menu-exif-rotated.jpg"))

        let sent = try VipsImage.header(of: try #require(clova.lastImage))
        #expect((sent.width, sent.height) == (200, 300))
    }

    @Test func photoOverTheDocumentSizeIsFittedToIt() throws {
        try Vips.initialize()
        let large = try VipsImage.header(of: try Support.bytes("menu-dark-board.jpg")).resized(by: 3).jpegBytes()
        let clova = try FakeClovaServer()

        _ = try Self.recognize(clova, image: PreparedImage(original: large))

        let sent = try VipsImage.header(of: try #require(clova.lastImage))
        #expect(max(sent.width, sent.height) == ProviderImages.documentLongSide)
        #expect(clova.problems.isEmpty, "\(clova.problems)")
    }

    // MARK: Errors

    @Test func concurrencyLimitIsRetriedThenSucceeds() throws {
        let clova = try FakeClovaServer()
        clova.script([
            .error(status: 400, code: "0025", message: "Calls to this api have exceeded the rate limit."),
            .lines(Self.menuLines),
        ])

        let (result, elapsed) = try measured { try Self.recognize(clova) }

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.items.count == 3)
        #expect(clova.callCount == 2)
        // Backoff: 0.5 s times at least 0.75.
        #expect(elapsed >= .milliseconds(375))
    }

    @Test func quotaIsNotRetried() throws {
        let clova = try FakeClovaServer()
        clova.script([
            .error(status: 400, code: "0023", message: "API request count reach the upper limit."),
            .lines(Self.menuLines),
        ])

        let result = try Self.recognize(clova)

        #expect(!result.isSuccess)
        #expect(result.failureReason == .quotaExceeded)
        #expect(clova.callCount == 1)
    }

    @Test func wrongSecretIsUnauthorizedAndNotRetried() throws {
        let clova = try FakeClovaServer()

        let result = try Self.recognize(clova, secret: "rotated-secret")

        #expect(!result.isSuccess)
        #expect(result.failureReason == .unauthorized)
        #expect(result.failureMessage?.contains("rotated-secret") == false)
        #expect(clova.callCount == 1)
        #expect(clova.problems.isEmpty, "\(clova.problems)")
    }

    @Test func unreadableImageIsNotRetried() throws {
        let clova = try FakeClovaServer()
        clova.script([.inferFailure(message: "Image is too blurry."), .lines(Self.menuLines)])

        let result = try Self.recognize(clova)

        #expect(!result.isSuccess)
        #expect(result.failureReason == .unreadable)
        #expect(clova.callCount == 1)
    }

    @Test func processingErrorIsRetriedThenSucceeds() throws {
        let clova = try FakeClovaServer()
        clova.script([.inferError(message: "Internal processing error."), .lines(Self.menuLines)])

        let result = try Self.recognize(clova)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(result.items.map(\.nameKorean) == ["김치찌개", "된장찌개", "공기밥"])
        #expect(clova.callCount == 2)
    }

    @Test func gatewayThrottlingIsRetriedThenSucceeds() throws {
        let clova = try FakeClovaServer()
        // The API Gateway's own envelope: no OCR `code`, so the status decides.
        clova.script([
            .gatewayError(status: 429, errorCode: "430", message: "Too Many Requests"), .lines(Self.menuLines),
        ])

        let result = try Self.recognize(clova)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(clova.callCount == 2)
    }

    @Test func gatewayPermissionDeniedIsUnauthorized() throws {
        let clova = try FakeClovaServer()
        clova.script([.gatewayError(status: 403, errorCode: "210", message: "Permission Denied")])

        let result = try Self.recognize(clova)

        #expect(result.failureReason == .unauthorized)
        #expect(clova.callCount == 1)
    }

    @Test(arguments: [0, 2])
    func serviceErrorsAreRetriedAtMostMaxRetriesTimes(maxRetries: Int) throws {
        let clova = try FakeClovaServer()
        clova.script([.error(status: 500, code: "0501", message: "OCR service error.")])

        let result = try Self.recognize(clova, maxRetries: maxRetries)

        #expect(result.failureReason == .serverError)
        #expect(clova.callCount == 1 + maxRetries)
    }

    struct ConfigurationErrorCase: Sendable, CustomTestStringConvertible {
        var status: Int
        var code: String
        var message: String
        var testDescription: String { "\(status) \(code)" }
    }

    /// Errors the contract says another attempt cannot fix (clova-ocr-general §6.2): a wrong URL, a bad body, a
    /// domain or template that is not set up. 1021 may come with a 5xx status; the code decides, not the status.
    @Test(arguments: [
        ConfigurationErrorCase(status: 400, code: "0001", message: "URL is invalid."),
        ConfigurationErrorCase(status: 400, code: "0011", message: "Request body invalid."),
        ConfigurationErrorCase(status: 400, code: "0021", message: "Protocol version not support."),
        ConfigurationErrorCase(status: 400, code: "0022", message: "Request domain invalid."),
        ConfigurationErrorCase(status: 400, code: "0028", message: "Table detection disabled."),
        ConfigurationErrorCase(status: 500, code: "1021", message: "Not Found Deploy Info."),
    ])
    func configurationErrorsAreNotRetried(_ testCase: ConfigurationErrorCase) throws {
        let clova = try FakeClovaServer()
        clova.script([.error(status: testCase.status, code: testCase.code, message: testCase.message)])

        let result = try Self.recognize(clova)

        #expect(!result.isSuccess)
        #expect(result.failureReason == .badRequest)
        #expect(result.failureMessage?.contains(testCase.code) == true)
        #expect(clova.callCount == 1)
    }

    @Test func malformedAnswerIsInvalidOutput() throws {
        let clova = try FakeClovaServer()
        clova.script([.malformedJSON])

        let result = try Self.recognize(clova, maxRetries: 0)

        #expect(!result.isSuccess)
        #expect(result.failureReason == .invalidOutput)
        #expect(result.items.isEmpty)
    }

    @Test func truncatedAnswerIsRetriedThenSucceeds() throws {
        let clova = try FakeClovaServer()
        clova.script([.truncatedBody, .lines(Self.menuLines)])

        let result = try Self.recognize(clova)

        #expect(result.isSuccess, "\(Support.describe(result))")
        #expect(clova.callCount == 2)
    }

    @Test func replyLaterThanTheDeadlineIsATimeoutWithinTheDeadline() throws {
        let clova = try FakeClovaServer()
        clova.script([.delayed(.seconds(30), .lines(Self.menuLines))])
        let deadline = Duration.seconds(2)

        let (result, elapsed) = try measured { try Self.recognize(clova, deadline: deadline) }

        #expect(result.failureReason == .timeout)
        #expect(clova.callCount == 1)
        #expect(elapsed >= .milliseconds(1500))
        #expect(elapsed < deadline + .seconds(1))
    }

    @Test func withoutURLAndSecretNothingIsSent() throws {
        let clova = try FakeClovaServer()
        var configuration = Support.clovaConfiguration(clova)
        configuration.secret = nil

        let result = try Self.provider(configuration).recognize(
            try Support.image("small-menu.png"), deadline: .seconds(5))

        #expect(result.failureReason == .notConfigured)
        #expect(clova.callCount == 0)
    }
}
