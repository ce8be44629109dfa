import Foundation
import JSON
import MenuKnowledgeTesting
import Testing

/// The fake OpenAI and CLOVA servers over real loopback sockets: what they accept, what they answer, and the failures
/// they stage (delays, resets, truncation), so client tests can trust them.
struct FakeProviderTests {
    /// The parts of a `chat.completion` the tests read (contract openai-chat-vision §4, §6).
    struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var role: String
                var content: String?
                var refusal: String?
            }
            struct Token: Decodable {
                var token: String
                var logprob: Double
                var bytes: [UInt8]
            }
            struct Logprobs: Decodable {
                var content: [Token]?
            }
            var message: Message
            var logprobs: Logprobs?
            var finish_reason: String
        }
        struct Usage: Decodable {
            var prompt_tokens: Int
            var completion_tokens: Int
            var total_tokens: Int
        }
        var object: String
        var model: String
        var choices: [Choice]
        var usage: Usage
    }

    /// The menu schema inside `content`.
    struct Menu: Decodable {
        struct Item: Decodable {
            struct Price: Decodable {
                var label: String?
                var amount: Int
            }
            var name_ko: String
            var name_en: String?
            var prices: [Price]
            var market_price: Bool
            var is_set: Bool
            var confidence: Double
        }
        var has_handwriting: Bool
        var items: [Item]
    }

    /// The parts of a CLOVA General response the tests read (contract clova-ocr-general §4, §5).
    struct OCRDocument: Decodable {
        struct Image: Decodable {
            struct Field: Decodable {
                struct Vertex: Decodable {
                    var x: Double
                    var y: Double
                }
                struct Poly: Decodable {
                    var vertices: [Vertex]
                }
                var boundingPoly: Poly
                var inferText: String
                var inferConfidence: Double
                var lineBreak: Bool
            }
            var uid: String
            var name: String
            var inferResult: String
            var message: String
            var fields: [Field]?
        }
        var version: String
        var requestId: String
        var images: [Image]
    }

    static func postOpenAI(
        _ openAI: FakeOpenAIServer, body: [UInt8], headers: [(String, String)] = FakeProviderRequests.openAIHeaders(),
        timeout: Duration = .seconds(30)
    ) throws -> TestHTTPResponse {
        try TestHTTPClient.request(
            "POST", "/v1/chat/completions", port: openAI.port, headers: headers, body: body, timeout: timeout)
    }

    static func postClova(
        _ clova: FakeClovaServer, body: [UInt8], headers: [(String, String)] = FakeProviderRequests.clovaHeaders()
    ) throws -> TestHTTPResponse {
        try TestHTTPClient.request("POST", clova.path, port: clova.port, headers: headers, body: body)
    }

    // MARK: OpenAI

    @Test func validOpenAIRequestGetsAMenuWhoseLogprobBytesRebuildTheContent() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .menu(items: [
                FakeMenuItem("김치찌개", 8000, confidence: 0.95),
                FakeMenuItem("된장찌개", 7500, nameEnglish: "Soybean paste stew", valueLogprob: -2.5),
            ])
        ])
        let image = try FakeProviderRequests.jpeg()
        let response = try Self.postOpenAI(openAI, body: FakeProviderRequests.openAI(image: image))

        #expect(openAI.problems.isEmpty)
        #expect(response.status == 200)
        #expect(response.headers["x-request-id"]?.hasPrefix("req_") == true)
        #expect(response.headers["x-ratelimit-remaining-tokens"] != nil)
        let completion = try JSONDecoder().decode(Completion.self, from: Data(response.body))
        #expect(completion.object == "chat.completion")
        #expect(completion.model == "gpt-4o-mini-2024-07-18")
        #expect(completion.usage.total_tokens == completion.usage.prompt_tokens + completion.usage.completion_tokens)
        let choice = try #require(completion.choices.first)
        #expect(choice.finish_reason == "stop")
        #expect(choice.message.role == "assistant")
        #expect(choice.message.refusal == nil)
        let content = try #require(choice.message.content)
        #expect(content.hasPrefix(#"{"has_handwriting":false,"items":[{"name_ko":"김치찌개","name_en":null,"#))
        let menu = try JSONDecoder().decode(Menu.self, from: Data(content.utf8))
        #expect(menu.items.map(\.name_ko) == ["김치찌개", "된장찌개"])
        #expect(menu.items.map { $0.prices.map(\.amount) } == [[8000], [7500]])
        #expect(menu.items.first?.confidence == 0.95)

        let tokens = try #require(choice.logprobs?.content)
        #expect(tokens.flatMap(\.bytes) == Array(content.utf8))
        #expect(tokens.contains { String(validating: $0.bytes, as: UTF8.self) == nil }, "some token splits a syllable")
        // Tokens touching the second dish's name or amount carry its own log-probability; the rest the default.
        let contentBytes = Array(content.utf8)
        let marked = [Array("된장찌개".utf8), Array("7500".utf8)].compactMap { contentBytes.firstRange(of: $0) }
        #expect(marked.count == 2)
        var offset = 0
        for token in tokens {
            let range = offset..<(offset + token.bytes.count)
            let expected = marked.contains { $0.overlaps(range) } ? -2.5 : -0.01
            #expect(token.logprob == expected, "token at \(range)")
            offset += token.bytes.count
        }
        #expect(openAI.lastImage == image)
        #expect(openAI.callCount == 1)
    }

    @Test func openAIMenuContentIsCompactInSchemaOrder() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .menu(
                items: [
                    FakeMenuItem("삼겹살", prices: [("1인분", 15000), (nil, 28000)], category: "구이", confidence: 0.5),
                    FakeMenuItem("대게", prices: [], marketPrice: true, isSet: true),
                ], hasHandwriting: true, logprob: nil)
        ])
        let response = try Self.postOpenAI(
            openAI, body: FakeProviderRequests.openAI(image: try FakeProviderRequests.jpeg()))

        let choice = try #require(try JSONDecoder().decode(Completion.self, from: Data(response.body)).choices.first)
        #expect(choice.logprobs == nil)
        let expected =
            #"{"has_handwriting":true,"items":[{"name_ko":"삼겹살","name_en":null,"description":null,"category":"구이","#
            + #""prices":[{"label":"1인분","amount":15000},{"label":null,"amount":28000}],"market_price":false,"#
            + #""is_set":false,"confidence":0.5},{"name_ko":"대게","name_en":null,"description":null,"category":null,"#
            + #""prices":[],"market_price":true,"is_set":true,"confidence":0.9}]}"#
        #expect(choice.message.content == expected)
    }

    @Test func openAIRequestBreakingTheContractRecordsEachProblemAndGets400() throws {
        let openAI = try FakeOpenAIServer()
        let body = FakeProviderRequests.openAI(
            image: try FakeProviderRequests.jpeg(), model: "gpt-4o", temperature: .double(0.2), includesImage: false,
            logprobs: false)
        let response = try Self.postOpenAI(openAI, body: body)

        #expect(response.status == 400)
        let error = try #require(try response.jsonObject()["error"] as? [String: Any])
        #expect(error["type"] as? String == "invalid_request_error")
        let problems = openAI.problems
        #expect(problems.count == 4, "\(problems)")
        for expected in [
            "model is \"gpt-4o\"", "temperature is 0.2", "logprobs is false", "no user message has an image",
        ] {
            #expect(problems.contains { $0.hasPrefix("request 1: \(expected)") }, "\(expected) in \(problems)")
        }
    }

    @Test func openAIImageWithoutDetailOrWithWrongKeyIsAProblem() throws {
        let openAI = try FakeOpenAIServer(apiKey: "sk-right")
        let image = try FakeProviderRequests.jpeg()
        _ = try Self.postOpenAI(
            openAI, body: FakeProviderRequests.openAI(image: image, detail: nil),
            headers: FakeProviderRequests.openAIHeaders(apiKey: "sk-right"))
        _ = try Self.postOpenAI(
            openAI, body: FakeProviderRequests.openAI(image: image),
            headers: FakeProviderRequests.openAIHeaders(apiKey: "sk-wrong"))
        _ = try Self.postOpenAI(
            openAI, body: FakeProviderRequests.openAI(image: Array("not a jpeg".utf8)),
            headers: FakeProviderRequests.openAIHeaders(apiKey: "sk-right"))

        let problems = openAI.problems
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.first?.contains("detail is missing") == true)
        #expect(problems.dropFirst().first?.contains("Authorization") == true)
        #expect(problems.last?.contains("not a JPEG") == true)
        #expect(openAI.callCount == 3)
    }

    @Test func openAIScriptAnswersInOrderThenRepeatsItsLastStep() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .rateLimited(retryAfterSeconds: 2, retryAfterMilliseconds: 1500), .quotaExceeded, .serverError(status: 503),
        ])
        let body = FakeProviderRequests.openAI(image: try FakeProviderRequests.jpeg())
        let responses = try (0..<4).map { _ in try Self.postOpenAI(openAI, body: body) }

        #expect(responses.map(\.status) == [429, 429, 503, 503])
        #expect(responses[0].errorCode() == "rate_limit_exceeded")
        #expect(responses[0].headers["retry-after"] == "2")
        #expect(responses[0].headers["retry-after-ms"] == "1500")
        #expect(responses[1].errorCode() == "insufficient_quota")
        #expect(responses[1].headers["retry-after"] == nil)
        let serverError = try #require(try responses[2].jsonObject()["error"] as? [String: Any])
        #expect(serverError["type"] as? String == "server_error")
        #expect(serverError["code"] is NSNull)
        #expect(openAI.callCount == 4)
        #expect(openAI.problems.isEmpty)
    }

    @Test func openAIFinishStatesHaveTheContractShape() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([
            .refusal("I can't help with that image."), .finishLength, .contentFilter,
            .content(#"{"items":"#, finishReason: "stop"),
        ])
        let body = FakeProviderRequests.openAI(image: try FakeProviderRequests.jpeg())
        let choices = try (0..<4).map { _ in
            let response = try Self.postOpenAI(openAI, body: body)
            return try #require(try JSONDecoder().decode(Completion.self, from: Data(response.body)).choices.first)
        }

        #expect(choices.map(\.finish_reason) == ["stop", "length", "content_filter", "stop"])
        #expect(choices[0].message.content == nil)
        #expect(choices[0].message.refusal == "I can't help with that image.")
        let truncated = try #require(choices[1].message.content)
        #expect((try? JSONSerialization.jsonObject(with: Data(truncated.utf8))) == nil)
        #expect(choices[2].message.content == nil && choices[2].message.refusal == nil)
        #expect(choices[3].message.content == #"{"items":"#)
        #expect(openAI.problems.isEmpty)
    }

    @Test func openAIBrokenBodiesReachTheClientBroken() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.malformedJSON, .truncatedBody])
        let body = FakeProviderRequests.openAI(image: try FakeProviderRequests.jpeg())

        let malformed = try Self.postOpenAI(openAI, body: body)
        #expect(malformed.status == 200)
        #expect((try? malformed.jsonObject()) == nil)
        let truncated = try Self.postOpenAI(openAI, body: body)
        let announced = try #require(Int(truncated.headers["content-length"] ?? ""))
        #expect(truncated.body.count == announced / 2)
    }

    @Test func delayedStepReallyDelays() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.delayed(.milliseconds(600), .menu(items: [FakeMenuItem("김치찌개", 8000)]))])
        let body = FakeProviderRequests.openAI(image: try FakeProviderRequests.jpeg())
        var status = 0
        let elapsed = try ContinuousClock().measure { status = try Self.postOpenAI(openAI, body: body).status }

        #expect(status == 200)
        #expect(elapsed >= .milliseconds(600))
    }

    @Test func stopCutsALongDelayShort() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.delayed(.seconds(60), .menu(items: [FakeMenuItem("김치찌개", 8000)]))])
        let body = FakeProviderRequests.openAI(image: try FakeProviderRequests.jpeg())
        #expect(throws: (any Error).self) { try Self.postOpenAI(openAI, body: body, timeout: .seconds(1)) }

        let elapsed = ContinuousClock().measure { openAI.stop() }
        #expect(elapsed < .seconds(2))
        openAI.stop()
        #expect(!LoopbackPort.canConnect(openAI.port))
    }

    @Test func resetConnectionIsAClientError() throws {
        let openAI = try FakeOpenAIServer()
        openAI.script([.resetConnection])
        let body = FakeProviderRequests.openAI(image: try FakeProviderRequests.jpeg())

        #expect(throws: (any Error).self) { try Self.postOpenAI(openAI, body: body) }
        #expect(openAI.callCount == 1)
    }

    // MARK: CLOVA

    @Test func validClovaRequestGetsFieldsWithALineBreakOnEachLastWord() throws {
        let clova = try FakeClovaServer()
        let lowConfidencePrice = FakeClovaWord("7,500", confidence: 0.6)
        clova.script([.lines([["김치", "찌개", "8,000원"], ["된장찌개", lowConfidencePrice], ["공기밥"]])])
        let image = try FakeProviderRequests.jpeg()
        let response = try Self.postClova(clova, body: FakeProviderRequests.clova(image: image))

        #expect(clova.problems.isEmpty)
        #expect(response.status == 200)
        let document = try JSONDecoder().decode(OCRDocument.self, from: Data(response.body))
        #expect(document.version == "V2")
        #expect(document.requestId == "3f6c1f0e-9a7b-4c51-8a7e-2d1b6f4e9c10")
        let page = try #require(document.images.first)
        #expect(page.inferResult == "SUCCESS" && page.name == "menu-0001" && page.uid.count == 32)
        let fields = try #require(page.fields)
        #expect(fields.map(\.inferText) == ["김치", "찌개", "8,000원", "된장찌개", "7,500", "공기밥"])
        #expect(fields.map(\.lineBreak) == [false, false, true, false, true, true])
        #expect(fields[4].inferConfidence == 0.6)
        // First word at x 60, 40 px per character, 30 px gap; a line's last word ends at the price column (x 900).
        #expect(fields[0].boundingPoly.vertices.map(\.x) == [60, 140, 140, 60])
        #expect(fields[1].boundingPoly.vertices.first?.x == 170)
        #expect(fields[2].boundingPoly.vertices.map(\.x) == [660, 900, 900, 660])
        #expect(fields[3].boundingPoly.vertices.map(\.y) == [180, 180, 230, 230])
        #expect(fields[5].boundingPoly.vertices.map(\.x) == [60, 180, 180, 60], "a lone word stays on the left")
        #expect(clova.lastImage == image)
    }

    @Test func clovaWrongSecretGets401WithoutAProblemAndMissingSecretIsOne() throws {
        let clova = try FakeClovaServer()
        let body = FakeProviderRequests.clova(image: try FakeProviderRequests.jpeg())

        let wrong = try Self.postClova(clova, body: body, headers: FakeProviderRequests.clovaHeaders(secret: "nope"))
        #expect(wrong.status == 401)
        #expect(try wrong.jsonObject()["code"] as? String == "0002")
        #expect(clova.problems.isEmpty)
        let missing = try Self.postClova(clova, body: body, headers: FakeProviderRequests.clovaHeaders(secret: nil))
        #expect(missing.status == 401)
        #expect(clova.problems.count == 1 && clova.problems.first?.contains("X-OCR-SECRET") == true)
    }

    @Test func clovaRequestBreakingTheContractRecordsEachProblemAndGets0011() throws {
        let clova = try FakeClovaServer()
        let body = FakeProviderRequests.clova(
            image: try FakeProviderRequests.jpeg(), version: "V1", format: "png", timestamp: 0,
            dataPrefix: "data:image/jpeg;base64,")
        let response = try Self.postClova(clova, body: body)

        #expect(response.status == 400)
        #expect(try response.jsonObject()["code"] as? String == "0011")
        let problems = clova.problems
        #expect(problems.count == 3, "\(problems)")
        for expected in ["version is \"V1\"", "timestamp 0", "data: prefix"] {
            #expect(problems.contains { $0.contains(expected) }, "\(expected) in \(problems)")
        }

        let mismatched = FakeProviderRequests.clova(image: try FakeProviderRequests.jpeg(), format: "png")
        _ = try Self.postClova(clova, body: mismatched)
        #expect(clova.problems.last?.contains("magic number of format png") == true)
    }

    @Test func clovaFailureShapesFollowTheContract() throws {
        let clova = try FakeClovaServer()
        clova.script([
            .inferFailure(message: "Image is too blurry."), .inferError(message: "Internal error."),
            .error(status: 400, code: "0025", message: "Calls to this api have exceeded the rate limit."),
            .gatewayError(status: 429, errorCode: "430", message: "Too Many Requests"),
        ])
        let body = FakeProviderRequests.clova(image: try FakeProviderRequests.jpeg())
        let responses = try (0..<4).map { _ in try Self.postClova(clova, body: body) }

        #expect(responses.map(\.status) == [200, 200, 400, 429])
        let failure = try JSONDecoder().decode(OCRDocument.self, from: Data(responses[0].body))
        #expect(failure.images.first?.inferResult == "FAILURE")
        #expect(failure.images.first?.fields?.isEmpty == true)
        let error = try JSONDecoder().decode(OCRDocument.self, from: Data(responses[1].body))
        #expect(error.images.first?.inferResult == "ERROR" && error.images.first?.fields == nil)
        let flat = try responses[2].jsonObject()
        #expect(flat["code"] as? String == "0025")
        #expect((flat["path"] as? String)?.hasPrefix("/external/v1/") == true && flat["traceId"] is String)
        #expect((try responses[3].jsonObject()["error"] as? [String: Any])?["errorCode"] as? String == "430")
        #expect(clova.problems.isEmpty)
    }

    @Test func clovaInvokeURLEndsInGeneralWithA64HexKey() throws {
        let clova = try FakeClovaServer()
        let parts = clova.path.split(separator: "/")
        #expect(clova.invokeURL == "http://127.0.0.1:\(clova.port)\(clova.path)")
        #expect(parts.count == 5 && parts[0] == "custom" && parts[1] == "v1" && parts[4] == "general")
        #expect(parts.count == 5 && parts[3].count == 64 && parts[3].allSatisfy(\.isHexDigit))
    }

    // MARK: HTTP

    @Test func keptAliveConnectionServesSeveralRequestsAndAnswersExpectContinue() throws {
        let openAI = try FakeOpenAIServer()
        let body = FakeProviderRequests.openAI(image: try FakeProviderRequests.jpeg())
        let connection = try RawHTTPConnection(port: openAI.port)
        let head =
            "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-test\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"

        try connection.send(head + "\r\n")
        try connection.send(body)
        let first = try connection.readResponse()
        try connection.send(head + "Expect: 100-continue\r\n\r\n")
        let interim = try connection.readResponse()
        try connection.send(body)
        let second = try connection.readResponse()

        #expect(first.status == "HTTP/1.1 200 OK")
        #expect(interim.status == "HTTP/1.1 100 Continue")
        #expect(second.status == "HTTP/1.1 200 OK")
        #expect(openAI.callCount == 2)
        #expect(openAI.problems.isEmpty)
    }

    @Test func genericServerRecordsRequestsWithLowerCasedHeaderNames() throws {
        let server = try FakeHTTPServer { request in
            .json(201, #"{"path":"\#(request.path)"}"#, headers: [("x-fake", "yes")])
        }
        let response = try TestHTTPClient.request(
            "PUT", "/things?x=1", port: server.port, headers: [("X-Custom-Name", "Value")], body: Array("hi".utf8))
        server.stop()
        server.stop()

        #expect(response.status == 201)
        #expect(response.headers["x-fake"] == "yes")
        #expect(response.text == #"{"path":"/things?x=1"}"#)
        let request = try #require(server.requests.first)
        #expect(request.method == "PUT" && request.body == Array("hi".utf8))
        #expect(request.header("X-CUSTOM-NAME") == "Value")
        #expect(request.headers.allSatisfy { $0.0 == $0.0.lowercased() })
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
    }
}
