import JSON

extension FakeOpenAIServer {
    /// The snapshot name real responses report for the `gpt-4o-mini` alias (docs/providers.md).
    static let servedModel = "gpt-4o-mini-2024-07-18"
    /// Token lengths in bytes, cycled over the content: not multiples of 3, so Korean syllables (3 bytes in UTF-8) get
    /// split across tokens the way real tokens split them (docs/providers.md).
    static let tokenLengths = [4, 2, 3, 1, 2, 4, 3, 1]

    /// The HTTP reply for `step`; `number` (1-based request count) makes ids unique and readable.
    static func reply(to step: Step, number: Int) -> FakeHTTPReply {
        switch step {
        case .menu(let items, let hasHandwriting, let logprob, let promptTokens, let completionTokens):
            let content = FakeMenuContent(items: items, hasHandwriting: hasHandwriting)
            let logprobs = logprob.map { tokenLogprobs(content.bytes, logprob: $0, overrides: content.valueRanges) }
            return success(
                number: number, content: .string(content.text), logprobs: logprobs ?? .null,
                promptTokens: promptTokens, completionTokens: completionTokens)
        case .content(let text, let finishReason):
            return success(
                number: number, content: .string(text), finishReason: finishReason, completionTokens: 40)
        case .refusal(let text):
            return success(number: number, content: .null, refusal: .string(text), completionTokens: 12)
        case .finishLength:
            let truncated =
                #"{"has_handwriting":false,"items":[{"name_ko":"김치찌개","name_en":"Kimchi stew","description":""#
            return success(
                number: number, content: .string(truncated), finishReason: "length", completionTokens: 24)
        case .contentFilter:
            return success(number: number, content: .null, finishReason: "content_filter", completionTokens: 0)
        case .rateLimited(let seconds, let milliseconds):
            var headers = rateLimitHeaders(remainingTokens: 0)
            if let seconds { headers.append(("retry-after", decimal(seconds))) }
            if let milliseconds { headers.append(("retry-after-ms", String(milliseconds))) }
            let message =
                "Rate limit reached for gpt-4o-mini in organization org-FAKE on tokens per min (TPM): Limit 200000, "
                + "Used 187310, Requested 25742. Please try again in \(seconds.map(decimal) ?? "3.915")s."
            return errorReply(
                429, type: "tokens", code: "rate_limit_exceeded", message: message, extraHeaders: headers)
        case .quotaExceeded:
            let message =
                "You exceeded your current quota, please check your plan and billing details. For more information on "
                + "this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."
            return errorReply(429, type: "insufficient_quota", code: "insufficient_quota", message: message)
        case .error(let status, let type, let code, let message):
            return errorReply(status, type: type, code: code, message: message)
        case .serverError(let status):
            let message = "The server had an error while processing your request. Sorry about that!"
            return errorReply(status, type: "server_error", code: nil, message: message)
        case .delayed(let duration, let inner):
            var reply = reply(to: inner, number: number)
            reply.delay += duration
            return reply
        case .malformedJSON:
            return .json(200, #"{"id": "chatcmpl-x", "choices": ["#, headers: requestHeaders())
        case .truncatedBody:
            var reply = reply(to: .menu(items: [FakeMenuItem("김치찌개", 8000)]), number: number)
            reply.behaviour = .truncatedBody
            return reply
        case .resetConnection:
            return FakeHTTPReply(status: 200, behaviour: .resetConnection)
        }
    }

    /// The 400 a contract-breaking request gets, naming every problem so the client's error shows them.
    static func invalidRequestReply(_ problems: [String]) -> FakeHTTPReply {
        errorReply(
            400, type: "invalid_request_error", code: nil,
            message: "FakeOpenAIServer rejected the request: " + problems.joined(separator: "; "))
    }

    /// A `chat.completion` (docs/providers.md) with one choice.
    static func success(
        number: Int, content: JSONValue, refusal: JSONValue = .null, logprobs: JSONValue = .null,
        finishReason: String = "stop", promptTokens: Int = 25_700, completionTokens: Int
    ) -> FakeHTTPReply {
        let message: JSONValue = .object([
            ("role", "assistant"), ("content", content), ("refusal", refusal), ("annotations", .array([])),
        ])
        let choice: JSONValue = .object([
            ("index", 0), ("message", message), ("logprobs", logprobs), ("finish_reason", .string(finishReason)),
        ])
        let usage: JSONValue = .object([
            ("prompt_tokens", .int(promptTokens)), ("completion_tokens", .int(completionTokens)),
            ("total_tokens", .int(promptTokens + completionTokens)),
            ("prompt_tokens_details", .object([("cached_tokens", 0), ("audio_tokens", 0)])),
            (
                "completion_tokens_details",
                .object([
                    ("reasoning_tokens", 0), ("audio_tokens", 0), ("accepted_prediction_tokens", 0),
                    ("rejected_prediction_tokens", 0),
                ])
            ),
        ])
        let completion: JSONValue = .object([
            ("id", .string("chatcmpl-FAKE\(FakeIdentifier.hex(12))\(number)")), ("object", "chat.completion"),
            ("created", .int(FakeIdentifier.nowSeconds())), ("model", .string(servedModel)),
            ("choices", .array([choice])), ("usage", usage), ("service_tier", "default"),
            ("system_fingerprint", "fp_fake0000"),
        ])
        return .json(200, completion.encoded, headers: requestHeaders() + rateLimitHeaders(remainingTokens: 1_974_258))
    }

    /// `logprobs` with one entry per token of `content` (docs/providers.md). Concatenated `bytes` equal `content`. A token
    /// holding part of a character is not text, so its `token` is spelled `bytes:\xea\xb9`; the real spelling is
    /// unconfirmed (docs/providers.md), and clients must rebuild text from `bytes` only.
    static func tokenLogprobs(
        _ content: [UInt8], logprob: Double, overrides: [(range: Range<Int>, logprob: Double)]
    ) -> JSONValue {
        var entries: [JSONValue] = []
        var offset = 0
        while offset < content.count {
            let length = min(tokenLengths[entries.count % tokenLengths.count], content.count - offset)
            let range = offset..<(offset + length)
            let bytes = Array(content[range])
            let token = String(validating: bytes, as: UTF8.self) ?? escaped(bytes)
            let value = overrides.first { $0.range.overlaps(range) }?.logprob ?? logprob
            entries.append(
                .object([
                    ("token", .string(token)), ("logprob", .double(value)),
                    ("bytes", .array(bytes.map { .int(Int($0)) })),
                    ("top_logprobs", .array([])),
                ]))
            offset += length
        }
        return .object([("content", .array(entries)), ("refusal", .null)])
    }

    /// `bytes:\xea\xb9`: a partial character written as text.
    static func escaped(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { byte -> String in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "\\x0" + digits : "\\x" + digits
        }
        return "bytes:" + hex.joined()
    }

    /// The error envelope (docs/providers.md): all four keys, `param` and maybe `code` null.
    static func errorReply(
        _ status: Int, type: String, code: String?, message: String, extraHeaders: [(String, String)] = []
    ) -> FakeHTTPReply {
        let error: JSONValue = .object([
            ("message", .string(message)), ("type", .string(type)), ("param", .null),
            ("code", code.map { .string($0) } ?? .null),
        ])
        return .json(status, JSONValue.object([("error", error)]).encoded, headers: requestHeaders() + extraHeaders)
    }

    /// Headers every real response carries (docs/providers.md).
    static func requestHeaders() -> [(String, String)] {
        [
            ("x-request-id", "req_" + FakeIdentifier.hex(32)), ("openai-processing-ms", "842"),
            ("openai-version", "2020-10-01"), ("openai-organization", "org-fake"),
        ]
    }

    /// The rate-limit headers (docs/providers.md), with Go-style reset durations.
    static func rateLimitHeaders(remainingTokens: Int) -> [(String, String)] {
        [
            ("x-ratelimit-limit-requests", "5000"), ("x-ratelimit-remaining-requests", "4999"),
            ("x-ratelimit-reset-requests", "12ms"), ("x-ratelimit-limit-tokens", "2000000"),
            ("x-ratelimit-remaining-tokens", String(remainingTokens)),
            ("x-ratelimit-reset-tokens", remainingTokens == 0 ? "6m0s" : "772ms"),
        ]
    }

    /// `4` for 4.0, `0.25` for 0.25: how `retry-after` values look on the wire.
    static func decimal(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
