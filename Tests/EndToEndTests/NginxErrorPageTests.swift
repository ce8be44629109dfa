import Foundation
import MenuKnowledgeTesting
import Testing

/// The errors nginx answers by itself (issue 15, item 3), provoked through the checked-in configuration: each has the
/// service's JSON error body, a JSON content type and nginx's `X-Request-Id`, never nginx's HTML page.
@Suite(.serialized) struct NginxErrorPageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The request as bytes on the wire, given the port.
        var request: @Sendable (Int) -> [UInt8]
        var status: Int
        var body: String
        var testDescription: String { name }
    }

    static func get(_ target: String, headers: String = "", port: Int) -> [UInt8] {
        Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(headers)Connection: close\r\n\r\n".utf8)
    }

    static let cases: [Case] = [
        // 494 inside nginx, 400 on the wire: one header line over large_client_header_buffers' 8 KB.
        Case(
            name: "64 KB header",
            request: {
                get("/api/v1/health", headers: "X-Big: \(String(repeating: "a", count: 65_536))\r\n", port: $0)
            },
            status: 400,
            body:
                #"{"error":{"code":"request_header_too_large","message":"A request header or the cookies are larger than 8 KB"}}"#
        ),
        Case(
            name: "20 KB URI", request: { get("/api/v1/health?x=" + String(repeating: "a", count: 20_000), port: $0) },
            status: 414, body: #"{"error":{"code":"uri_too_long","message":"The request line is longer than 8 KB"}}"#),
        Case(
            name: "TRACE", request: { Array("TRACE /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:\($0)\r\n\r\n".utf8) },
            status: 405,
            body: #"{"error":{"code":"method_not_allowed","message":"Method TRACE is not allowed here"}}"#),
        Case(
            name: "body over 50 MB",
            request: {
                Array(
                    "POST /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:\($0)\r\nContent-Length: 60000000\r\nConnection: close\r\n\r\n"
                        .utf8)
            },
            status: 413,
            body: #"{"error":{"code":"payload_too_large","message":"The request body is larger than 50 MB"}}"#),
        Case(
            name: "unparsable request line", request: { _ in Array("GARBAGE\r\n\r\n".utf8) }, status: 400,
            body: #"{"error":{"code":"bad_request","message":"The request is malformed"}}"#),
        Case(
            name: "control byte in the URI",
            request: { Array("GET /\u{1} HTTP/1.1\r\nHost: 127.0.0.1:\($0)\r\n\r\n".utf8) },
            status: 400, body: #"{"error":{"code":"bad_request","message":"The request is malformed"}}"#),
        Case(
            name: "two Host headers", request: { get("/api/v1/health", headers: "Host: other\r\n", port: $0) },
            status: 400,
            body: #"{"error":{"code":"bad_request","message":"The request is malformed"}}"#),
        Case(
            name: "HTTP/1.1 without Host",
            request: { _ in Array("GET /api/v1/health HTTP/1.1\r\nConnection: close\r\n\r\n".utf8) }, status: 400,
            body: #"{"error":{"code":"bad_request","message":"The request is malformed"}}"#),
        Case(
            name: "Content-Length with chunked",
            request: {
                Array(
                    "POST /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:\($0)\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .utf8)
            },
            status: 400, body: #"{"error":{"code":"bad_request","message":"The request is malformed"}}"#),
        // The error pages' own internal URI, asked for from outside, is nginx's 404.
        Case(
            name: "an internal error URI", request: { get("/_nginx/uri_too_long", port: $0) }, status: 404,
            body: #"{"error":{"code":"not_found","message":"No route for this path"}}"#),
    ]

    @Test(arguments: cases)
    func nginxsOwnErrorIsJSONWithTheRequestID(_ testCase: Case) throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url, workers: 1, keepalive: 1)
        defer { service.stop() }
        let response = try TestHTTPClient.raw(testCase.request(service.port), port: service.port)
        #expect(response.status == testCase.status)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.text == testCase.body)
        #expect(Check.isNginxRequestID(response.headers["x-request-id"]))
        // nginx answered alone: the responder is still there for the next request.
        #expect(try service.request("GET", "/api/v1/health").status == 200)
    }

    /// With the responder gone nginx answers 502 itself: JSON, the request id and when to retry.
    @Test func responderDownIsA502JSON() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url, workers: 1, keepalive: 1)
        defer { service.stop() }
        _ = try service.responder.stop(timeout: .seconds(20))
        for method in ["GET", "POST"] {
            let response = try service.request(method, "/api/v1/health")
            #expect(response.status == 502)
            #expect(response.headers["content-type"] == "application/json")
            #expect(
                response.text
                    == #"{"error":{"code":"bad_gateway","message":"The service is not reachable; try again shortly"}}"#)
            #expect(response.headers["retry-after"] == "5")
            #expect(Check.isNginxRequestID(response.headers["x-request-id"]))
        }
    }
}
