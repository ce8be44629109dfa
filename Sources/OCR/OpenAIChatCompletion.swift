import Foundation

/// The envelope of OpenAI's chat completion as this tier reads it (docs/providers.md): usage, the first choice's
/// finish reason, message and token log-probabilities. The message's content, the menu itself, is not decoded here:
/// it is parsed with byte spans so that each item's tokens can be found (``TokenProbabilities``).
///
/// Decoding is lenient part by part: a member of the wrong type reads as absent, and the reader says which is
/// missing. Only an answer that is no JSON at all fails to decode.
struct OpenAIChatCompletion: Decodable {
    var usage: Usage?
    var choices: [Choice]?

    struct Usage: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?

        private enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }

        init(from decoder: any Decoder) throws {
            let object = LenientObject(decoder, keyedBy: CodingKeys.self)
            promptTokens = object[.promptTokens]
            completionTokens = object[.completionTokens]
        }
    }

    struct Choice: Decodable {
        var finishReason: String?
        var message: Message?
        var logprobs: Logprobs?

        private enum CodingKeys: String, CodingKey {
            case finishReason = "finish_reason"
            case message, logprobs
        }

        init(from decoder: any Decoder) throws {
            let object = LenientObject(decoder, keyedBy: CodingKeys.self)
            finishReason = object[.finishReason]
            message = object[.message]
            logprobs = object[.logprobs]
        }
    }

    struct Message: Decodable {
        var content: String?
        var refusal: String?

        private enum CodingKeys: String, CodingKey { case content, refusal }

        init(from decoder: any Decoder) throws {
            let object = LenientObject(decoder, keyedBy: CodingKeys.self)
            content = object[.content]
            refusal = object[.refusal]
        }
    }

    struct Logprobs: Decodable {
        var content: [TokenLogprob]?

        private enum CodingKeys: String, CodingKey { case content }

        init(from decoder: any Decoder) throws {
            let object = LenientObject(decoder, keyedBy: CodingKeys.self)
            content = object[.content]
        }
    }

    /// One token: its bytes (a token may hold part of a Korean syllable) and its log-probability.
    struct TokenLogprob: Decodable {
        var bytes: [Int]?
        var logprob: Double?

        private enum CodingKeys: String, CodingKey { case bytes, logprob }

        init(from decoder: any Decoder) throws {
            let object = LenientObject(decoder, keyedBy: CodingKeys.self)
            bytes = object[.bytes]
            logprob = object[.logprob]
        }
    }

    private enum CodingKeys: String, CodingKey { case usage, choices }

    init(from decoder: any Decoder) throws {
        let object = LenientObject(decoder, keyedBy: CodingKeys.self)
        usage = object[.usage]
        choices = object[.choices]
    }

    /// The answer, or nil when the body is no JSON.
    static func decode(_ body: [UInt8]) -> OpenAIChatCompletion? {
        try? JSONDecoder().decode(OpenAIChatCompletion.self, from: Data(body))
    }
}

/// OpenAI's error envelope: `error.code`, or `error.type` when the code is null.
struct OpenAIErrorReply: Decodable {
    var error: Detail?

    struct Detail: Decodable {
        var code: String?
        var type: String?

        private enum CodingKeys: String, CodingKey { case code, type }

        init(from decoder: any Decoder) throws {
            let object = LenientObject(decoder, keyedBy: CodingKeys.self)
            code = object[.code]
            type = object[.type]
        }
    }

    private enum CodingKeys: String, CodingKey { case error }

    init(from decoder: any Decoder) throws {
        let object = LenientObject(decoder, keyedBy: CodingKeys.self)
        error = object[.error]
    }

    /// The code the answer names, or nil when it names none (or is no JSON).
    static func code(in body: [UInt8]) -> String? {
        guard let reply = try? JSONDecoder().decode(OpenAIErrorReply.self, from: Data(body)) else { return nil }
        return reply.error?.code ?? reply.error?.type
    }
}
