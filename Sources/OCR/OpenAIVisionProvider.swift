public import Curl
import Foundation
import JSON
public import Logging
public import MenuConfiguration
public import MenuModel
import MenuParsing

/// Tier 1: GPT-4o-mini vision through OpenAI's chat completions (`docs/providers.md`).
///
/// One request per image: the instructions, the photo as a JPEG data URL sized to what high detail uses, temperature
/// 0, a strict JSON schema, and token log-probabilities. The answer is decoded into our types (a mismatch is a
/// provider failure) and every amount goes through ``PriceValidator``.
///
/// Confidence, per item: the geometric mean of the model's stated confidence and the probability of the tokens that
/// spell the item's values, `sqrt(stated × exp(mean logprob of the name and amount tokens))`; the result's
/// confidence is the mean over items (0 without items). Either estimate alone is weak: stated confidences cluster
/// near 0.9 whatever the photo, and token probabilities say how sure the decoder was, not whether the photo was
/// legible. A name the model hesitated over, or a confident claim spelled by improbable digits, pulls the item down.
/// Without log-probabilities the stated confidence stands alone.
public final class OpenAIVisionProvider: OCRProvider {
    public let name = OCRTierName.gptVision.rawValue
    /// Changes when the prompt or schema changes, so cached results of the old prompt are not reused.
    public static let promptVersion = "menu-v1"

    private let configuration: Configuration.OpenAI
    private let requester: ProviderRequester
    private let logger: Logger

    /// - Parameters:
    ///   - client: the calling thread's HTTP client (connections are kept per client).
    ///   - configuration: key, base URL, model, limits and prices.
    public init(configuration: Configuration.OpenAI, client: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        requester = ProviderRequester(
            client: client, provider: OCRTierName.gptVision.rawValue, callTimeout: configuration.timeout,
            maxRetries: configuration.maxRetries, logger: logger)
    }

    /// - Note: Blocks the calling thread for at most `deadline`.
    public func recognize(_ image: PreparedImage, deadline: Duration) -> OCRResult {
        let clock = ContinuousClock()
        let start = clock.now
        func failure(_ reason: OCRFailureReason, _ message: String, usage: Usage? = nil) -> OCRResult {
            // OpenAI's 401 quotes the key it was given, and a gateway may echo headers: the key never reaches a log.
            .failure(
                provider: name, reason: reason, message: configuration.apiKey?.redacted(in: message) ?? message,
                processingTime: start.duration(to: clock.now),
                promptTokens: usage?.promptTokens, completionTokens: usage?.completionTokens,
                estimatedCostUSD: usage.map(cost))
        }
        guard let apiKey = configuration.apiKey else { return failure(.notConfigured, "OPENAI_API_KEY is not set") }
        let jpeg: [UInt8]
        do {
            jpeg = try ProviderImages.visionJPEG(from: image.original)
        } catch {
            return failure(OCRFailureReason(error.code), error.message)
        }
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(apiKey.value)"), ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ]
        if let organization = configuration.organization { headers.append(("OpenAI-Organization", organization)) }
        if let project = configuration.project { headers.append(("OpenAI-Project", project)) }
        let request = HTTPClientRequest(
            url: configuration.baseURL + "/chat/completions", method: "POST", headers: headers,
            body: requestBody(jpeg: jpeg).encoded)

        let outcome = requester.perform(request, until: start.advanced(by: deadline), classify: Self.classify)
        let response: HTTPClientResponse
        switch outcome {
        case .success(let value): response = value
        case .failure(let error): return failure(error.reason, error.message)
        }
        let answer: Answer
        do {
            answer = try Self.decodeCompletion(response.body)
        } catch {
            return failure(error.reason, error.message, usage: error.usage)
        }
        return OCRResult(
            provider: name, items: answer.items,
            rawText: answer.items.map(\.nameKorean).joined(separator: "\n"), confidence: answer.confidence,
            hasHandwriting: answer.hasHandwriting, processingTime: start.duration(to: clock.now),
            promptTokens: answer.usage.promptTokens, completionTokens: answer.usage.completionTokens,
            estimatedCostUSD: cost(answer.usage))
    }

    private func cost(_ usage: Usage) -> Double {
        (Double(usage.promptTokens) * configuration.inputPricePerMillionTokens
            + Double(usage.completionTokens) * configuration.outputPricePerMillionTokens) / 1_000_000
    }

    // MARK: - Request

    static let instructions = """
        You read photos of Korean restaurant menus (printed, chalkboard or handwritten). List every dish or drink \
        with its prices, exactly as printed. Rules:
        - name_ko: the Korean name as printed, without prices, dots or numbering. name_en, description and category \
        (the section header the item sits under, e.g. 식사류, 주류) only when printed; otherwise null.
        - prices: every price of the item in won as an integer (8,000원 → 8000; 8천원 → 8000; 1만2천 → 12000; a \
        price in a "단위: 천원" menu, 8 → 8000). One entry per size or portion with its label (소, 중, 대, 1인분, \
        2인분, ...); label null for a single price. Leave prices empty for 시가/싯가 and set market_price true.
        - is_set: true for sets, courses and 정식.
        - confidence: 0 to 1, how sure you are that name and prices are read correctly.
        - has_handwriting: true when the menu or any price is handwritten (marker, chalk, pen).
        Do not invent items. Skip phone numbers, addresses, opening hours and origin notices (원산지). If the photo is \
        not a menu, return an empty items list.
        """

    func requestBody(jpeg: [UInt8]) -> JSONValue {
        let dataURL = "data:image/jpeg;base64," + Data(jpeg).base64EncodedString()
        return .object([
            ("model", .string(configuration.model)),
            (
                "messages",
                .array([
                    .object([
                        ("role", "user"),
                        (
                            "content",
                            .array([
                                .object([("type", "text"), ("text", .string(Self.instructions))]),
                                .object([
                                    ("type", "image_url"),
                                    ("image_url", .object([("url", .string(dataURL)), ("detail", "high")])),
                                ]),
                            ])
                        ),
                    ])
                ])
            ),
            ("temperature", 0),
            ("max_completion_tokens", .int(configuration.maxCompletionTokens)),
            ("logprobs", true),
            (
                "response_format",
                .object([
                    ("type", "json_schema"),
                    (
                        "json_schema",
                        .object([("name", "menu_extraction"), ("strict", true), ("schema", Self.schema)])
                    ),
                ])
            ),
        ])
    }

    /// The strict schema: every property required, optional ones nullable, no extra keys (Structured Outputs rules).
    static let schema: JSONValue = {
        func object(_ properties: [(String, JSONValue)]) -> JSONValue {
            .object([
                ("type", "object"), ("properties", .object(properties)),
                ("required", .array(properties.map { .string($0.0) })), ("additionalProperties", false),
            ])
        }
        let nullableString: JSONValue = .object([("type", .array(["string", "null"]))])
        let price = object([("label", nullableString), ("amount", .object([("type", "integer")]))])
        let item = object([
            ("name_ko", .object([("type", "string")])), ("name_en", nullableString), ("description", nullableString),
            ("category", nullableString), ("prices", .object([("type", "array"), ("items", price)])),
            ("market_price", .object([("type", "boolean")])), ("is_set", .object([("type", "boolean")])),
            ("confidence", .object([("type", "number")])),
        ])
        return object([
            ("has_handwriting", .object([("type", "boolean")])),
            ("items", .object([("type", "array"), ("items", item)])),
        ])
    }()

    // MARK: - Response

    /// Status first, then `error.code`, never the message text (contract §7).
    static func classify(_ response: HTTPClientResponse) -> ProviderVerdict {
        let status = response.status
        if (200..<300).contains(status) { return .accept }
        let code = OpenAIErrorReply.code(in: response.body) ?? "none"
        let message = "OpenAI answered \(status) (\(code))"
        let shouldRetry = response.header("x-should-retry").map { $0 == "true" }
        if code == "insufficient_quota" { return .fail(reason: .quotaExceeded, message: message) }
        let retryable = status == 408 || status == 409 || status == 429 || status >= 500
        if shouldRetry ?? retryable {
            let reason: OCRFailureReason =
                status == 429 ? .rateLimited : status >= 500 ? .serverError : .httpStatus(status)
            return .retry(reason: reason, message: message, delay: ProviderRequester.retryDelay(from: response))
        }
        let reason: OCRFailureReason =
            switch status {
            case 400: .badRequest
            case 401: .unauthorized
            case 403: .forbidden
            case 404: .notFound
            default: .httpStatus(status)
            }
        return .fail(reason: reason, message: message)
    }

    struct Usage {
        var promptTokens = 0
        var completionTokens = 0
    }

    struct Answer {
        var items: [MenuItem]
        var hasHandwriting: Bool
        var confidence: Double
        var usage: Usage
    }

    struct DecodingFailure: Error {
        var reason: OCRFailureReason
        var message: String
        var usage: Usage?
    }

    /// Decodes a chat completion into items, failing with a clear reason for every answer that is not a menu.
    static func decodeCompletion(_ body: [UInt8]) throws(DecodingFailure) -> Answer {
        guard let completion = OpenAIChatCompletion.decode(body) else {
            throw DecodingFailure(reason: .invalidOutput, message: "OpenAI's answer is not JSON")
        }
        let usage = Usage(
            promptTokens: completion.usage?.promptTokens ?? 0,
            completionTokens: completion.usage?.completionTokens ?? 0)
        guard let choice = completion.choices?.first else {
            throw DecodingFailure(reason: .invalidOutput, message: "OpenAI's answer has no choice", usage: usage)
        }
        let finishReason = choice.finishReason ?? "none"
        let message = choice.message
        if let refusal = message?.refusal, !refusal.isEmpty {
            throw DecodingFailure(reason: .refusal, message: "The model refused to read the image", usage: usage)
        }
        switch finishReason {
        case "stop": break
        case "length":
            throw DecodingFailure(
                reason: .truncated, message: "The answer hit the token limit and was cut off", usage: usage)
        case "content_filter":
            throw DecodingFailure(
                reason: .contentFilter, message: "OpenAI's content filter withheld the answer", usage: usage)
        default:
            throw DecodingFailure(
                reason: .invalidOutput, message: "Unexpected finish_reason '\(finishReason)'", usage: usage)
        }
        guard let content = message?.content else {
            throw DecodingFailure(reason: .invalidOutput, message: "The answer has no content", usage: usage)
        }
        let contentBytes = Array(content.utf8)
        guard let (menu, spans) = try? JSONParser.parseWithSpans(contentBytes) else {
            throw DecodingFailure(reason: .invalidOutput, message: "The answer's content is not JSON", usage: usage)
        }
        let tokens = TokenProbabilities(logprobs: choice.logprobs?.content, content: contentBytes)
        do {
            var (items, hasHandwriting) = try decodeMenu(menu)
            if let tokens {
                for index in items.indices {
                    let ranges = spans.filter { span in
                        guard span.path.count >= 2, span.path[0] == .key("items"), span.path[1] == .index(index)
                        else { return false }
                        return span.path.count == 3 && span.path[2] == .key("name_ko")
                            || span.path.last == .key("amount")
                    }.map(\.range)
                    if let probability = tokens.probability(over: ranges) {
                        items[index].confidence = (items[index].confidence * probability).squareRoot()
                    }
                }
            }
            let confidence = items.meanConfidence
            return Answer(items: items, hasHandwriting: hasHandwriting, confidence: confidence, usage: usage)
        } catch {
            throw DecodingFailure(reason: .invalidOutput, message: error.message, usage: usage)
        }
    }

    struct SchemaMismatch: Error {
        var message: String
    }

    /// Our types from the schema's JSON; every required key must be there with its type.
    static func decodeMenu(_ menu: JSONValue) throws(SchemaMismatch) -> (items: [MenuItem], hasHandwriting: Bool) {
        guard let hasHandwriting = menu["has_handwriting"]?.boolValue else {
            throw SchemaMismatch(message: "has_handwriting is missing or not a boolean")
        }
        guard let rawItems = menu["items"]?.arrayValue else {
            throw SchemaMismatch(message: "items is missing or not an array")
        }
        var items: [MenuItem] = []
        for (index, raw) in rawItems.enumerated() {
            func optionalText(_ key: String) throws(SchemaMismatch) -> String? {
                guard let value = raw[key] else { throw SchemaMismatch(message: "items[\(index)].\(key) is missing") }
                if value.isNull { return nil }
                guard let text = value.stringValue else {
                    throw SchemaMismatch(message: "items[\(index)].\(key) is not a string")
                }
                let trimmed = text.withoutControlCharacters.trimmingCharacters(in: .whitespacesAndNewlines)
                return trimmed.isEmpty ? nil : trimmed
            }
            guard let name = try optionalText("name_ko") else {
                throw SchemaMismatch(message: "items[\(index)].name_ko is missing or empty")
            }
            guard let rawPrices = raw["prices"]?.arrayValue, let marketPrice = raw["market_price"]?.boolValue,
                let isSet = raw["is_set"]?.boolValue, let stated = raw["confidence"]?.doubleValue
            else {
                throw SchemaMismatch(message: "items[\(index)] lacks prices, market_price, is_set or confidence")
            }
            var prices: [MenuPrice] = []
            var priceErrors: [PriceError] = []
            for rawPrice in rawPrices {
                guard let amount = rawPrice["amount"]?.intValue, let label = rawPrice["label"],
                    label.isNull || label.stringValue != nil
                else {
                    throw SchemaMismatch(message: "items[\(index)].prices has an entry without an integer amount")
                }
                if let reason = PriceValidator.problem(with: amount) {
                    priceErrors.append(PriceError(text: String(amount), amount: amount, reason: reason))
                } else {
                    prices.append(MenuPrice(label: label.stringValue?.withoutControlCharacters, amount: amount))
                }
            }
            items.append(
                MenuItem(
                    nameKorean: name, nameEnglish: try optionalText("name_en"),
                    description: try optionalText("description"), category: try optionalText("category"),
                    prices: prices, isMarketPrice: marketPrice, isSet: isSet, confidence: min(1, max(0, stated)),
                    priceErrors: priceErrors))
        }
        return (items, hasHandwriting)
    }
}

/// Token log-probabilities laid over the content's bytes. Text is rebuilt from each token's `bytes` (a token may
/// hold part of a Korean syllable, so its `token` string is not reliable).
struct TokenProbabilities {
    /// Byte offset where each token starts, and its log-probability.
    private var starts: [Int] = []
    private var logprobs: [Double] = []
    /// `-9999` marks a token outside the top 20; it counts as this, not as an impossibility.
    static let floorLogprob = -20.0

    /// Nil when there are no log-probabilities or their bytes do not rebuild the content exactly.
    init?(logprobs entries: [OpenAIChatCompletion.TokenLogprob]?, content: [UInt8]) {
        guard let entries, !entries.isEmpty else { return nil }
        var rebuilt: [UInt8] = []
        rebuilt.reserveCapacity(content.count)
        for entry in entries {
            guard let bytes = entry.bytes, let logprob = entry.logprob else {
                return nil
            }
            starts.append(rebuilt.count)
            // A probability is at most 1: a positive value is a corrupt answer, never a bonus.
            self.logprobs.append(min(0, max(Self.floorLogprob, logprob.isNaN ? Self.floorLogprob : logprob)))
            for byte in bytes {
                guard (0...255).contains(byte) else { return nil }
                rebuilt.append(UInt8(byte))
            }
        }
        guard rebuilt == content else { return nil }
        starts.append(rebuilt.count)
    }

    /// exp(mean log-probability) of the tokens overlapping any of `ranges`: the geometric mean probability.
    func probability(over ranges: [Range<Int>]) -> Double? {
        var sum = 0.0
        var count = 0
        for index in logprobs.indices {
            let token = starts[index]..<starts[index + 1]
            if ranges.contains(where: { $0.overlaps(token) }) {
                sum += logprobs[index]
                count += 1
            }
        }
        return count == 0 ? nil : exp(sum / Double(count))
    }
}
