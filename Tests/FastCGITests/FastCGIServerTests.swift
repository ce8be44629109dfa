import FastCGI
import Foundation
import Logging
import MenuKnowledgeTesting
import Testing

/// The libfcgi wrapper driven in-process with raw FastCGI records: parameters, body, response, keep-alive, shutdown.
@Suite(.serialized) struct FastCGIServerTests {
    /// Echoes what it received, or 413 when the body is over 1,000 bytes.
    struct EchoResponder: FastCGIResponder {
        func respond(to exchange: borrowing FastCGIExchange) {
            do {
                let body = try exchange.readBody(maxBytes: 1_000)
                let text =
                    "\(exchange.parameter("REQUEST_METHOD") ?? "-") \(exchange.parameter("REQUEST_URI") ?? "-") \(body.count) \(String(decoding: body, as: UTF8.self))"
                try exchange.writeResponse(
                    status: 200, reason: "OK", headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
            } catch {
                try? exchange.writeResponse(
                    status: 413, reason: "Content Too Large", headers: [], body: Array("\(error.code)".utf8))
            }
        }
    }

    func withServer(workers: Int = 2, _ body: (String, FastCGIServer) throws -> Void) throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("fcgi")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socketPath = directory + "/s.sock"
        try FastCGIListener.initializeLibrary()
        let listener = try FastCGIListener.open(.unixSocket(path: socketPath), socketMode: 0o600)
        let server = FastCGIServer(listener: listener, workerCount: workers, logger: Logger(label: "test.fcgi"))
        try server.start { _ in EchoResponder() }
        defer {
            server.shutdown(gracePeriod: .seconds(5))
            listener.close()
        }
        try body(socketPath, server)
    }

    @Test func answersRequestsOnAKeptConnection() throws {
        try withServer { socketPath, _ in
            let connection = try FastCGITestConnection(socketPath: socketPath)
            let first = try connection.exchange(
                FastCGIRecords.request(
                    parameters: [("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/a?b"), ("CONTENT_LENGTH", "9")],
                    body: Array("비빔밥".utf8)))
            #expect(first == "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nPOST /a?b 9 비빔밥")
            let second = try connection.exchange(
                FastCGIRecords.request(parameters: [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/c")], body: []))
            #expect(second.hasSuffix("\r\n\r\nGET /c 0 "))
        }
    }

    @Test func bodySpanningManyRecordsArrivesWhole() throws {
        try withServer { socketPath, _ in
            let connection = try FastCGITestConnection(socketPath: socketPath)
            let response = try connection.exchange(
                FastCGIRecords.request(
                    parameters: [("REQUEST_METHOD", "PUT"), ("CONTENT_LENGTH", "1000")],
                    body: Array(repeating: 0x7A, count: 1000)))
            #expect(response.hasSuffix(" 1000 " + String(repeating: "z", count: 1000)))
        }
    }

    @Test func oversizedBodyIsDrainedAndTheConnectionStaysUsable() throws {
        try withServer(workers: 1) { socketPath, _ in
            let connection = try FastCGITestConnection(socketPath: socketPath)
            let refused = try connection.exchange(
                FastCGIRecords.request(
                    parameters: [("REQUEST_METHOD", "POST"), ("CONTENT_LENGTH", "150000")],
                    body: Array(repeating: 1, count: 150_000)))
            #expect(refused == "Status: 413 Content Too Large\r\n\r\nbody_too_large")
            let next = try connection.exchange(
                FastCGIRecords.request(parameters: [("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/next")], body: []))
            #expect(next.hasSuffix("GET /next 0 "))
        }
    }

    @Test(arguments: [("12x", "invalid_content_length"), ("20", "truncated_body")])
    func badContentLengthIsATypedError(declared: String, expectedCode: String) throws {
        try withServer { socketPath, _ in
            let connection = try FastCGITestConnection(socketPath: socketPath)
            let response = try connection.exchange(
                FastCGIRecords.request(
                    parameters: [("REQUEST_METHOD", "POST"), ("CONTENT_LENGTH", declared)], body: Array("short".utf8),
                    keepConnection: false))
            #expect(response.hasSuffix("\r\n\r\n" + expectedCode))
        }
    }

    @Test func shutdownReturnsWhileConnectionsAreKeptIdle() throws {
        try withServer(workers: 3) { socketPath, server in
            let kept = try FastCGITestConnection(socketPath: socketPath)
            _ = try kept.exchange(FastCGIRecords.request(parameters: [("REQUEST_METHOD", "GET")], body: []))
            // One worker now waits on the kept connection, two in accept(): all must wake up and stop.
            #expect(server.shutdown(gracePeriod: .seconds(5)))
        }
    }
}
