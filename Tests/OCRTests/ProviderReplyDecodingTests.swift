import Foundation
import MenuModel
import Testing

@testable import OCR

/// The providers' answers decode part by part: what is malformed reads as absent, and the rest of the page stays.
struct ProviderReplyDecodingTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aMalformedClovaFieldIsDroppedNotThePage() throws {
        let body = bytes(
            """
            {"images": [{"inferResult": "SUCCESS", "fields": [
              {"inferText": "김치찌개", "inferConfidence": 0.98,
               "boundingPoly": {"vertices": [{"x": 10, "y": 20}, {"x": 90, "y": 20}, {"x": 90, "y": 44}, {"y": 44}]}},
              {"inferText": 8000, "boundingPoly": {"vertices": [{"x": 1, "y": 1}]}},
              {"inferText": "8,000원", "boundingPoly": "none"},
              {"inferText": "된장찌개", "boundingPoly": {"vertices": [{"x": 10.5, "y": 60}, {"x": 80, "y": 84}]}}
            ]}]}
            """)
        let page = try #require(ClovaReply.decode(body)?.images.first)
        #expect(page.inferResult == "SUCCESS")
        let words = ClovaOCRProvider.words(of: page)
        #expect(words.map(\.text) == ["김치찌개", "된장찌개"])
        // The vertex without an x gives no x: the box is the other three's.
        #expect(words.first.map { [$0.x, $0.y, $0.width, $0.height] } == [10, 20, 80, 24])
        #expect(words.first?.confidence == 0.98)
        #expect(words.last?.confidence == 0)
    }

    @Test func clovaAnswersWithoutAnImageOrJSONDecodeToNothing() {
        #expect(ClovaReply.decode(bytes("{\"version\": \"V2\"}")) == nil)
        #expect(ClovaReply.decode(bytes("<html>502</html>")) == nil)
        #expect(ClovaReply.decode(bytes("{\"images\": [7]}"))?.images.first?.inferResult == nil)
    }

    @Test(arguments: [
        ("{\"code\": \"0025\", \"message\": \"rate\"}", "0025"),
        ("{\"error\": {\"errorCode\": \"0002\", \"message\": \"auth\"}}", "0002"),
        ("{\"code\": 25}", nil), ("not json", nil),
    ])
    func clovaErrorCodes(body: String, code: String?) {
        #expect(ClovaErrorReply.code(in: bytes(body)) == code)
    }

    @Test func anOpenAICompletionReadsItsEnvelope() throws {
        let body = bytes(
            """
            {"id": "x", "usage": {"prompt_tokens": 812, "completion_tokens": "many"},
             "choices": [{"finish_reason": "stop", "message": {"content": "{}", "refusal": null},
                          "logprobs": {"content": [{"token": "{", "bytes": [123], "logprob": -0.01},
                                                   {"token": "}", "bytes": [125], "logprob": -9999}]}}]}
            """)
        let completion = try #require(OpenAIChatCompletion.decode(body))
        #expect(completion.usage?.promptTokens == 812)
        #expect(completion.usage?.completionTokens == nil)
        let choice = try #require(completion.choices?.first)
        #expect(choice.finishReason == "stop")
        #expect(choice.message?.content == "{}")
        #expect(choice.message?.refusal == nil)
        let tokens = try #require(TokenProbabilities(logprobs: choice.logprobs?.content, content: bytes("{}")))
        // -9999 (outside the top 20) counts as the floor, not as an impossibility.
        let probability = try #require(tokens.probability(over: [1..<2]))
        #expect(abs(probability - exp(TokenProbabilities.floorLogprob)) < 1e-12)
    }

    @Test func tokenBytesThatDoNotRebuildTheContentGiveNoProbabilities() {
        let entries = [OpenAIChatCompletion.TokenLogprob]([])
        #expect(TokenProbabilities(logprobs: entries, content: bytes("{}")) == nil)
        let wrong = OpenAIChatCompletion.decode(
            bytes("{\"choices\": [{\"logprobs\": {\"content\": [{\"bytes\": [300], \"logprob\": -1}]}}]}"))
        #expect(TokenProbabilities(logprobs: wrong?.choices?.first?.logprobs?.content, content: [44]) == nil)
    }

    @Test(arguments: [
        ("{\"error\": {\"code\": \"insufficient_quota\", \"type\": \"insufficient_quota\"}}", "insufficient_quota"),
        ("{\"error\": {\"code\": null, \"type\": \"server_error\"}}", "server_error"),
        ("{\"error\": \"boom\"}", nil), ("", nil),
    ])
    func openAIErrorCodes(body: String, code: String?) {
        #expect(OpenAIErrorReply.code(in: bytes(body)) == code)
    }
}
