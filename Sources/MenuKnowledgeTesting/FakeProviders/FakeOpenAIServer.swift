import Foundation

/// A stand-in for `POST https://api.openai.com/v1/chat/completions` (wire format: docs/providers.md)
/// that checks every request the way our client must build it and answers from a script.
///
/// ```swift
/// let openAI = try FakeOpenAIServer()
/// openAI.script([.rateLimited(retryAfterSeconds: 0.2), .menu(items: [FakeMenuItem("김치찌개", 8000)])])
/// // client configured with baseURL openAI.baseURL and key openAI.apiKey
/// #expect(openAI.callCount == 2)
/// #expect(openAI.problems.isEmpty)
/// ```
///
/// Each request takes the next step of the script; once the script is used up its last step answers every further
/// request. A request that breaks the contract is recorded in ``problems`` and answered with a 400
/// `invalid_request_error` instead (it consumes no step), so the client fails visibly too.
public final class FakeOpenAIServer: @unchecked Sendable {
    // Sendable: `apiKey`, `model` and `server` are immutable; the script and the records live in `State` behind a lock.

    /// One scripted answer.
    public indirect enum Step: Sendable {
        /// 200 with a `chat.completion` whose content is the menu JSON for `items`, token log-probabilities
        /// (`logprob` for every token; nil leaves `logprobs` null), and `usage` with the given token counts.
        case menu(
            items: [FakeMenuItem], hasHandwriting: Bool = false, logprob: Double? = -0.01, promptTokens: Int = 25_700,
            completionTokens: Int = 180)
        /// 200 with this raw `message.content` (for schema-mismatch and unparsable-content tests) and finish reason.
        case content(String, finishReason: String = "stop")
        /// 200 with `content` null and `refusal` set (docs/providers.md).
        case refusal(String)
        /// 200 with truncated content and `finish_reason` `length` (docs/providers.md).
        case finishLength
        /// 200 with `content` null and `finish_reason` `content_filter`.
        case contentFilter
        /// 429 `rate_limit_exceeded`, with `retry-after` (seconds) and `retry-after-ms` headers when given.
        case rateLimited(retryAfterSeconds: Double? = nil, retryAfterMilliseconds: Int? = nil)
        /// 429 `insufficient_quota`, without retry headers: retrying never helps (docs/providers.md).
        case quotaExceeded
        /// Any status with the error envelope (docs/providers.md).
        case error(status: Int, type: String, code: String?, message: String)
        /// A 5xx with `type` `server_error`. Defaults to 500.
        case serverError(status: Int = 500)
        /// Waits, then answers with the inner step: for client timeouts.
        case delayed(Duration, Step)
        /// 200 with a broken JSON body.
        case malformedJSON
        /// 200 announcing a full success body but sending half of it, then closing.
        case truncatedBody
        /// No answer: the connection is reset. On a reused keep-alive connection libcurl resends the request once by
        /// itself, which takes the next step: script this twice in a row for a failure the client's caller sees
        /// (see ``FakeHTTPReply/Behaviour/resetConnection``).
        case resetConnection
    }

    /// The API key requests must carry as `Authorization: Bearer …`.
    public let apiKey: String
    /// The model requests must name.
    public let model: String
    private let server: FakeHTTPServer
    private let state: State

    /// The client's base URL, `http://127.0.0.1:PORT/v1`; the client posts to `{baseURL}/chat/completions`.
    public var baseURL: String { server.baseURL + "/v1" }
    /// The port on 127.0.0.1.
    public var port: Int { server.port }
    /// How many requests arrived, valid or not.
    public var callCount: Int { state.script.callCount }
    /// Every contract violation seen so far, one message each, prefixed with the request's number (1-based).
    public var problems: [String] { state.script.problems }
    /// The decoded bytes of the first image of the latest request that carried a decodable one.
    public var lastImage: [UInt8]? { state.script.lastImage }
    /// Every request received, in order.
    public var requests: [FakeHTTPRequest] { server.requests }

    /// Starts the server with a script of one step: a one-dish menu (김치찌개, 8000).
    /// - Parameters:
    ///   - apiKey: the key requests must carry. Defaults to `sk-test`.
    ///   - model: the model requests must name. Defaults to `gpt-4o-mini`.
    /// - Throws: `TestEnvironmentError` when the socket cannot be set up.
    public init(apiKey: String = "sk-test", model: String = "gpt-4o-mini") throws {
        self.apiKey = apiKey
        self.model = model
        let state = State(apiKey: apiKey, model: model)
        self.state = state
        server = try FakeHTTPServer { request in state.answer(request) }
    }

    /// Replaces the script and starts again at its first step. Callable at any time, also while requests run.
    /// - Parameter steps: the answers in order; an empty script answers 500 and records a problem.
    public func script(_ steps: [Step]) {
        state.script.replace(with: steps)
    }

    /// Stops the server (also done on deinit). See ``FakeHTTPServer/stop()``.
    public func stop() { server.stop() }
}

extension FakeOpenAIServer {
    /// The script and the records, shared with the connection threads.
    final class State: @unchecked Sendable {
        // Sendable: every property is immutable; the script locks itself.
        let apiKey: String
        let model: String
        let script = FakeScript<Step>([.menu(items: [FakeMenuItem("김치찌개", 8000)])])

        init(apiKey: String, model: String) {
            self.apiKey = apiKey
            self.model = model
        }

        func answer(_ request: FakeHTTPRequest) -> FakeHTTPReply {
            let inspection = FakeOpenAIServer.inspect(request, apiKey: apiKey, model: model)
            let (number, step) = script.take(problems: inspection.problems, image: inspection.image)
            guard let step else {
                if inspection.problems.isEmpty { return FakeOpenAIServer.reply(to: .serverError(), number: number) }
                return FakeOpenAIServer.invalidRequestReply(inspection.problems)
            }
            return FakeOpenAIServer.reply(to: step, number: number)
        }
    }
}
