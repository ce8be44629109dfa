import Curl
import MenuKnowledgeTesting
import Testing

/// The libcurl client against a real HTTP/1.1 server on 127.0.0.1: what goes on the wire, what comes back, and every
/// way a transfer can fail, each mapped to its code.
@Suite(.serialized) struct HTTPClientTests {
    @Test func getSendsItsHeadersAndReturnsABinaryBody() throws {
        let payload = WireBodies.binary(count: 70_000)
        let server = try FakeHTTPServer { _ in
            FakeHTTPReply(status: 200, headers: [("Content-Type", "application/octet-stream")], body: payload)
        }
        defer { server.stop() }
        let client = try TestClients.make()

        let request = HTTPClientRequest(
            url: server.baseURL + "/menus/42?lang=ko", headers: [("Accept", "application/json"), ("X-Trace", "t-1")])
        let response = try client.send(request, timeout: .seconds(10))

        #expect(response.status == 200)
        #expect(response.body == payload)
        #expect(response.header("content-type") == "application/octet-stream")
        let received = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(received.method == "GET")
        #expect(received.path == "/menus/42?lang=ko")
        #expect(received.header("accept") == "application/json")
        #expect(received.header("x-trace") == "t-1")
        #expect(received.body.isEmpty)
    }

    @Test func aConnectAddressIsReachedWithoutDNS() throws {
        let server = try FakeHTTPServer { _ in FakeHTTPReply(status: 204, headers: [], body: []) }
        defer { server.stop() }
        let client = try TestClients.make()
        // `.invalid` never resolves (RFC 2606): only the pin can take the request to the server.
        var request = HTTPClientRequest(url: "http://hooks.invalid:\(server.port)/cb", method: "POST", body: [1])
        #expect(throws: HTTPClientError.self) { try client.send(request, timeout: .seconds(5)) }
        request.connectAddress = ("127.0.0.1", server.port)
        request.usesProxy = false
        let response = try client.send(request, timeout: .seconds(5))
        #expect(response.status == 204)
        #expect(server.requests.first?.header("host") == "hooks.invalid:\(server.port)")
        // Another spelling of the name is pinned all the same.
        request.url = "http://HOOKS.invalid.:\(server.port)/cb"
        #expect(try client.send(request, timeout: .seconds(5)).status == 204)
    }

    @Test func postSendsABinaryBodyExactlyWithoutExpectContinue() throws {
        // Over 1 MB: libcurl would add `Expect: 100-continue` to a body this large unless told not to.
        let payload = WireBodies.binary(count: 2 << 20)
        let server = try FakeHTTPServer { request in
            FakeHTTPReply(status: 201, headers: [("Content-Type", "application/octet-stream")], body: request.body)
        }
        defer { server.stop() }
        let client = try TestClients.make()

        let request = HTTPClientRequest(
            url: server.baseURL + "/upload", method: "POST",
            headers: [("Content-Type", "application/octet-stream"), ("Authorization", "Bearer sk-test")], body: payload)
        let response = try client.send(request, timeout: .seconds(20))

        #expect(response.status == 201)
        #expect(response.body == payload)
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.body == payload)
        #expect(received.header("content-length") == String(payload.count))
        #expect(received.header("content-type") == "application/octet-stream")
        #expect(received.header("authorization") == "Bearer sk-test")
        #expect(received.header("expect") == nil)
        #expect(received.header("transfer-encoding") == nil)
    }

    @Test func postWithAnEmptyBodySendsAZeroLength() throws {
        let server = try FakeHTTPServer { _ in .json(200, "{}") }
        defer { server.stop() }
        let client = try TestClients.make()

        let response = try client.send(
            HTTPClientRequest(url: server.baseURL + "/ping", method: "POST"), timeout: .seconds(5))

        #expect(response.status == 200)
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.header("content-length") == "0")
        #expect(received.body.isEmpty)
    }

    @Test func otherMethodsAreSentAsGiven() throws {
        let server = try FakeHTTPServer { request in
            FakeHTTPReply(status: 200, body: Array(request.method.utf8) + request.body)
        }
        defer { server.stop() }
        let client = try TestClients.make()

        let response = try client.send(
            HTTPClientRequest(url: server.baseURL + "/item/1", method: "DELETE"), timeout: .seconds(5))

        #expect(response.status == 200)
        #expect(response.body == Array("DELETE".utf8))
        #expect(server.requests.first?.method == "DELETE")
    }

    @Test(arguments: ["PUT", "PATCH", "DELETE"])
    func bodyIsSentWithAnyMethod(method: String) throws {
        let payload = Array(#"{"name_ko":"김치찌개","price":8000}"#.utf8)
        let server = try FakeHTTPServer { request in FakeHTTPReply(status: 200, body: request.body) }
        defer { server.stop() }
        let client = try TestClients.make()

        let response = try client.send(
            HTTPClientRequest(
                url: server.baseURL + "/menus/1", method: method, headers: [("Content-Type", "application/json")],
                body: payload),
            timeout: .seconds(5))

        let received = try #require(server.requests.first)
        #expect(received.method == method)
        #expect(received.body == payload)
        #expect(received.header("content-length") == String(payload.count))
        #expect(response.body == payload)
    }

    @Test func headerWithAnEmptyValueIsSentEmpty() throws {
        let server = try FakeHTTPServer { _ in FakeHTTPReply(status: 204) }
        defer { server.stop() }
        let client = try TestClients.make()

        _ = try client.send(
            HTTPClientRequest(url: server.baseURL + "/", headers: [("X-Empty", ""), ("X-Full", "1")]),
            timeout: .seconds(5))

        let received = try #require(server.requests.first)
        #expect(received.header("x-empty") == "")
        #expect(received.header("x-full") == "1")
    }

    @Test func responseHeaderNamesAreLowerCasedAndValuesTrimmed() throws {
        let server = try FakeHTTPServer { _ in
            FakeHTTPReply(
                status: 200,
                headers: [
                    ("X-Request-ID", "req_123"), ("Retry-After-Ms", "300"), ("X-Padded", "  spaced value  "),
                    ("Content-Type", "text/plain; charset=utf-8"),
                ],
                body: Array("ok".utf8))
        }
        defer { server.stop() }
        let client = try TestClients.make()

        let response = try client.send(HTTPClientRequest(url: server.baseURL + "/"), timeout: .seconds(5))

        #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
        #expect(response.headers.contains { $0.name == "x-request-id" && $0.value == "req_123" })
        #expect(response.header("X-REQUEST-ID") == "req_123")
        #expect(response.header("retry-after-ms") == "300")
        #expect(response.header("x-padded") == "spaced value")
        #expect(response.header("content-type") == "text/plain; charset=utf-8")
        // The status line is not a header.
        #expect(!response.headers.contains { $0.name.hasPrefix("http/") })
        #expect(response.header("x-absent") == nil)
    }

    @Test(arguments: [400, 404, 429, 500, 503])
    func errorStatusIsAResponseNotAnError(status: Int) throws {
        let server = try FakeHTTPServer { _ in .json(status, #"{"error":{"message":"nope"}}"#) }
        defer { server.stop() }
        let client = try TestClients.make()

        let response = try client.send(
            HTTPClientRequest(url: server.baseURL + "/", method: "POST"), timeout: .seconds(5))

        #expect(response.status == status)
        #expect(response.body == Array(#"{"error":{"message":"nope"}}"#.utf8))
    }

    @Test func gzipBodyIsDecoded() throws {
        let text = #"{"menu":"김치찌개 8,000원"}"#
        let server = try FakeHTTPServer { request in
            let acceptsGzip = request.header("accept-encoding")?.contains("gzip") == true
            return FakeHTTPReply(
                status: 200, headers: acceptsGzip ? [("Content-Encoding", "gzip")] : [],
                body: acceptsGzip ? WireBodies.gzipStored(Array(text.utf8)) : Array("plain".utf8))
        }
        defer { server.stop() }
        let client = try TestClients.make()

        let response = try client.send(HTTPClientRequest(url: server.baseURL + "/"), timeout: .seconds(5))

        #expect(server.requests.first?.header("accept-encoding")?.contains("gzip") == true)
        #expect(response.body == Array(text.utf8))
    }

    @Test func koreanBodyRoundTripsByteForByte() throws {
        let text = #"{"name_ko":"김치찌개","price":"8,000원","note":"공기밥 별도 ₩1,000"}"#
        let server = try FakeHTTPServer { request in
            FakeHTTPReply(
                status: 200, headers: [("Content-Type", "application/json; charset=utf-8")], body: request.body)
        }
        defer { server.stop() }
        let client = try TestClients.make()

        let request = HTTPClientRequest(
            url: server.baseURL + "/echo", method: "POST",
            headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(text.utf8))
        let response = try client.send(request, timeout: .seconds(5))

        let received = try #require(server.requests.first)
        #expect(received.body == Array(text.utf8))
        // Content-Length counts bytes (a Hangul syllable is three), not characters.
        #expect(received.header("content-length") == String(text.utf8.count))
        #expect(text.utf8.count > text.count)
        #expect(String(decoding: response.body, as: UTF8.self) == text)
    }

    @Test func slowServerTimesOutWithinTheTimeoutAndAMargin() throws {
        let server = try FakeHTTPServer { _ in FakeHTTPReply(status: 200, delay: .seconds(10)) }
        defer { server.stop() }
        let client = try TestClients.make()
        let timeout = Duration.milliseconds(500)

        let (error, elapsed) = measured {
            failure(of: client, HTTPClientRequest(url: server.baseURL + "/"), timeout: timeout)
        }

        #expect(error?.code == .timeout)
        #expect(error?.shortDescription == "timeout")
        // libcurl's timer may fire a fraction of a millisecond early by our clock.
        #expect(elapsed >= timeout - .milliseconds(20))
        #expect(elapsed < timeout + .seconds(1))
    }

    @Test func resetOnAFreshConnectionIsConnectionLost() throws {
        let server = try FakeHTTPServer { _ in FakeHTTPReply(status: 200, behaviour: .resetConnection) }
        defer { server.stop() }
        let client = try TestClients.make()

        let error = failure(of: client, HTTPClientRequest(url: server.baseURL + "/", method: "POST", body: [1, 2, 3]))

        // libcurl reports the RST as CURLE_RECV_ERROR (56).
        #expect(error?.code == .connectionLost)
        #expect(error?.curlCode == 56)
        #expect(server.requests.count == 1)
    }

    @Test func closeWithoutAnyReplyIsConnectionLost() throws {
        let server = try FakeHTTPServer { _ in FakeHTTPReply(status: 200, behaviour: .closeWithoutReply) }
        defer { server.stop() }
        let client = try TestClients.make()

        let error = failure(of: client, HTTPClientRequest(url: server.baseURL + "/"))

        // CURLE_GOT_NOTHING (52).
        #expect(error?.code == .connectionLost)
        #expect(error?.curlCode == 52)
    }

    @Test func oneResetOnAReusedConnectionIsResentByLibcurl() throws {
        let script = ReplyScript([
            .json(200, #"{"n":1}"#), FakeHTTPReply(status: 200, behaviour: .resetConnection), .json(200, #"{"n":2}"#),
        ])
        let server = try FakeHTTPServer(handler: script.reply(to:))
        defer { server.stop() }
        let client = try TestClients.make()
        let request = HTTPClientRequest(url: server.baseURL + "/", method: "POST", body: Array("again".utf8))

        _ = try client.send(request, timeout: .seconds(5))
        let second = try client.send(request, timeout: .seconds(5))

        // The stale kept-alive connection died before any reply byte: libcurl retried on a new connection by itself.
        #expect(second.body == Array(#"{"n":2}"#.utf8))
        #expect(server.requests.count == 3)
        #expect(server.acceptedConnections == 2)
        #expect(server.requests.allSatisfy { $0.body == Array("again".utf8) })
    }

    @Test func twoResetsOnAReusedConnectionReachTheCaller() throws {
        let reset = FakeHTTPReply(status: 200, behaviour: .resetConnection)
        let script = ReplyScript([.json(200, "{}"), reset, reset, .json(200, "{}")])
        let server = try FakeHTTPServer(handler: script.reply(to:))
        defer { server.stop() }
        let client = try TestClients.make()

        _ = try client.send(HTTPClientRequest(url: server.baseURL + "/"), timeout: .seconds(5))
        let error = failure(of: client, HTTPClientRequest(url: server.baseURL + "/"))

        #expect(error?.code == .connectionLost)
        #expect(server.requests.count == 3)
    }

    @Test func truncatedBodyIsConnectionLost() throws {
        let server = try FakeHTTPServer { _ in
            FakeHTTPReply(status: 200, body: WireBodies.binary(count: 10_000), behaviour: .truncatedBody)
        }
        defer { server.stop() }
        let client = try TestClients.make()

        let error = failure(of: client, HTTPClientRequest(url: server.baseURL + "/"))

        // CURLE_PARTIAL_FILE (18): fewer bytes than Content-Length announced.
        #expect(error?.code == .connectionLost)
        #expect(error?.curlCode == 18)
    }

    @Test func bodyOfExactlyTheLimitIsAccepted() throws {
        let payload = WireBodies.binary(count: 1000)
        let server = try FakeHTTPServer { _ in FakeHTTPReply(status: 200, body: payload) }
        defer { server.stop() }
        let client = try TestClients.make(maxResponseBytes: 1000)

        let response = try client.send(HTTPClientRequest(url: server.baseURL + "/"), timeout: .seconds(5))

        #expect(response.body == payload)
    }

    @Test func announcedBodyOverTheLimitIsTooLarge() throws {
        let server = try FakeHTTPServer { _ in FakeHTTPReply(status: 200, body: WireBodies.binary(count: 1001)) }
        defer { server.stop() }
        let client = try TestClients.make(maxResponseBytes: 1000)

        let error = failure(of: client, HTTPClientRequest(url: server.baseURL + "/"))

        #expect(error?.code == .responseTooLarge)
        #expect(error?.shortDescription == "response_too_large")
    }

    @Test func chunkedBodyGrowingOverTheLimitIsTooLarge() throws {
        // No Content-Length: only counting the bytes as they arrive can stop this one.
        let framed = WireBodies.chunked(WireBodies.binary(count: 3000), chunkSize: 600)
        let server = try FakeHTTPServer { _ in
            FakeHTTPReply(status: 200, headers: [("Transfer-Encoding", "chunked")], body: framed)
        }
        defer { server.stop() }
        let small = try TestClients.make(maxResponseBytes: 1000)
        let large = try TestClients.make(maxResponseBytes: 3000)

        let error = failure(of: small, HTTPClientRequest(url: server.baseURL + "/"))
        let response = try large.send(HTTPClientRequest(url: server.baseURL + "/"), timeout: .seconds(5))

        #expect(error?.code == .responseTooLarge)
        #expect(response.body == WireBodies.binary(count: 3000))
    }

    @Test func closedPortIsAConnectFailure() throws {
        let port = try LoopbackPort.free()
        let client = try TestClients.make()

        let error = failure(of: client, HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/chat/completions"))

        // CURLE_COULDNT_CONNECT (7); the message names where, never what was sent.
        #expect(error?.code == .connect)
        #expect(error?.curlCode == 7)
        #expect(error?.message.contains("\(port)") == true)
    }

    @Test func oneClientReusesItsConnectionAcrossRequests() throws {
        let server = try FakeHTTPServer { request in FakeHTTPReply(status: 200, body: request.body) }
        defer { server.stop() }
        let client = try TestClients.make()

        for index in 0..<3 {
            let body = Array("request \(index)".utf8)
            let response = try client.send(
                HTTPClientRequest(url: server.baseURL + "/", method: "POST", body: body), timeout: .seconds(5))
            #expect(response.body == body)
        }
        #expect(server.requests.count == 3)
        #expect(server.acceptedConnections == 1)

        let other = try TestClients.make()
        _ = try other.send(HTTPClientRequest(url: server.baseURL + "/"), timeout: .seconds(5))
        #expect(server.acceptedConnections == 2)
    }

    @Test func clientRecoversAfterAFailureOnTheSameHandle() throws {
        let script = ReplyScript([FakeHTTPReply(status: 200, delay: .seconds(5)), .json(200, #"{"ok":true}"#)])
        let server = try FakeHTTPServer(handler: script.reply(to:))
        defer { server.stop() }
        let client = try TestClients.make()

        let error = failure(of: client, HTTPClientRequest(url: server.baseURL + "/"), timeout: .milliseconds(300))
        let response = try client.send(HTTPClientRequest(url: server.baseURL + "/"), timeout: .seconds(5))

        #expect(error?.code == .timeout)
        #expect(response.status == 200)
        #expect(response.body == Array(#"{"ok":true}"#.utf8))
    }
}
