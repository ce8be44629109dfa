public import Curl
import Foundation
import JSON
public import Logging
public import MenuConfiguration
public import MenuModel
import MenuParsing

/// Tier 2: NAVER CLOVA OCR General, request version V2 (`docs/providers.md`).
///
/// The service returns words with boxes and confidences; they go through the same ``MenuLayoutParser`` as the
/// local tier's words, so prices, sizes and categories are read one way whatever the engine. The result's confidence
/// is the mean of the items' confidences, which the parser takes from their words' `inferConfidence`.
///
/// Errors are classified by the body's `code`, not the status: the service reports its concurrency limit (0025) and
/// quota (0023) as HTTP 400, and a template that is not deployed (1021) possibly as a 5xx. 0025, 0500, 0501,
/// `inferResult: ERROR` and API-gateway 429/5xx are retried with backoff inside the deadline; everything else fails at
/// once.
public final class ClovaOCRProvider: OCRProvider {
    public let name = OCRTierName.clova.rawValue

    private let configuration: Configuration.Clova
    private let requester: ProviderRequester
    private let layout = MenuLayoutParser()

    public init(configuration: Configuration.Clova, client: HTTPClient, logger: Logger) {
        self.configuration = configuration
        requester = ProviderRequester(
            client: client, provider: OCRTierName.clova.rawValue, callTimeout: configuration.timeout,
            maxRetries: configuration.maxRetries, logger: logger)
    }

    /// - Note: Blocks the calling thread for at most `deadline`.
    public func recognize(_ image: PreparedImage, deadline: Duration) -> OCRResult {
        let clock = ContinuousClock()
        let start = clock.now
        func failure(_ reason: OCRFailureReason, _ message: String) -> OCRResult {
            // The gateway's message may echo the request's headers: the secret never reaches a log.
            .failure(
                provider: name, reason: reason, message: configuration.secret?.redacted(in: message) ?? message,
                processingTime: start.duration(to: clock.now))
        }
        guard let url = configuration.url, let secret = configuration.secret else {
            return failure(.notConfigured, "CLOVA_OCR_URL and CLOVA_OCR_SECRET are not set")
        }
        let document: (bytes: [UInt8], format: String, width: Int, height: Int)
        do {
            document = try ProviderImages.documentImage(from: image.original)
        } catch {
            return failure(OCRFailureReason(error.code), error.message)
        }
        let body: JSONValue = .object([
            ("version", "V2"), ("requestId", .string(UUID().uuidString.lowercased())),
            ("timestamp", .int(Int(Date().timeIntervalSince1970 * 1000))), ("lang", "ko"),
            (
                "images",
                .array([
                    .object([
                        ("format", .string(document.format)), ("name", "menu"),
                        ("data", .string(Data(document.bytes).base64EncodedString())),
                    ])
                ])
            ),
        ])
        let request = HTTPClientRequest(
            url: url, method: "POST", headers: [("X-OCR-SECRET", secret.value), ("Content-Type", "application/json")],
            body: body.encoded)
        let response: HTTPClientResponse
        switch requester.perform(request, until: start.advanced(by: deadline), classify: Self.classify) {
        case .success(let value): response = value
        case .failure(let error): return failure(error.reason, error.message)
        }
        // classify accepted it, so it parses and has a SUCCESS image.
        guard let page = ClovaReply.decode(response.body)?.images.first else {
            return failure(.invalidOutput, "CLOVA's answer has no image")
        }
        let words = Self.words(of: page)
        // Boxes are in the pixels of the image CLOVA read, when it says which; else of the image sent.
        let pageSize =
            page.convertedImageInfo.map { ($0.width, $0.height) } ?? (Double(document.width), Double(document.height))
        let items = layout.items(from: words, pageSize: pageSize)
        let lines = MenuLayoutParser.lines(of: words, slope: MenuLayoutParser.estimatedSlope(words)).map(\.text)
        let confidence = items.meanConfidence
        return OCRResult(
            provider: name, items: items, rawText: lines.joined(separator: "\n"),
            confidence: confidence, hasHandwriting: false, processingTime: start.duration(to: clock.now))
    }

    /// The fields as words: each polygon (possibly rotated) becomes its bounding rectangle.
    static func words(of page: ClovaReply.Image) -> [OCRWord] {
        page.fields.compactMap { field in
            let text = field.inferText.withoutControlCharacters
            let vertices = field.boundingPoly.vertices
            guard !text.isEmpty, !vertices.isEmpty else { return nil }
            let xs = vertices.compactMap(\.x)
            let ys = vertices.compactMap(\.y)
            // The service works on images of at most a few thousand pixels: a box outside ±100,000 is a corrupt
            // answer, and would make the layout parser's column histogram absurdly large.
            let plausible = -100_000.0...100_000.0
            guard let left = xs.min(), let right = xs.max(), let top = ys.min(), let bottom = ys.max(),
                plausible.contains(left), plausible.contains(right), plausible.contains(top), plausible.contains(bottom)
            else {
                return nil
            }
            let confidence = field.inferConfidence ?? 0
            return OCRWord(
                text: text, x: left, y: top, width: right - left, height: bottom - top,
                confidence: min(1, max(0, confidence)))
        }
    }

    static func classify(_ response: HTTPClientResponse) -> ProviderVerdict {
        if response.status == 200 {
            guard let page = ClovaReply.decode(response.body)?.images.first else {
                return .retry(reason: .invalidOutput, message: "CLOVA answered 200 without an image", delay: nil)
            }
            switch page.inferResult {
            case "SUCCESS": return .accept
            case "FAILURE": return .fail(reason: .unreadable, message: "CLOVA could not read the image")
            case "ERROR": return .retry(reason: .serverError, message: "CLOVA had a processing error", delay: nil)
            default: return .fail(reason: .invalidOutput, message: "CLOVA's inferResult is missing or unknown")
            }
        }
        let code = ClovaErrorReply.code(in: response.body) ?? "none"
        let message = "CLOVA answered \(response.status) (code \(code))"
        switch code {
        case "0025": return .retry(reason: .rateLimited, message: message, delay: nil)
        case "0023": return .fail(reason: .quotaExceeded, message: message)
        case "0002": return .fail(reason: .unauthorized, message: message)
        case "0500", "0501": return .retry(reason: .serverError, message: message, delay: nil)
        // Wrong URL, bad body or version, domain or template not set up: the wire format says not to retry (docs/providers.md), and
        // 1021 may come with a 5xx status, which the fallback below would retry.
        case "0001", "0011", "0021", "0022", "0028", "1021": return .fail(reason: .badRequest, message: message)
        default: break
        }
        switch response.status {
        case 429:
            return .retry(reason: .rateLimited, message: message, delay: ProviderRequester.retryDelay(from: response))
        case 401, 403: return .fail(reason: .unauthorized, message: message)
        case 500...: return .retry(reason: .serverError, message: message, delay: nil)
        default: return .fail(reason: .badRequest, message: message)
        }
    }
}
