import Foundation

/// A stand-in for a CLOVA OCR General invoke URL (wire format: docs/providers.md) that checks every
/// request the way our client must build it and answers from a script.
///
/// ```swift
/// let clova = try FakeClovaServer()
/// clova.script([.lines([["김치찌개", "8,000원"], ["된장찌개", "7,500"]])])
/// // client configured with invoke URL clova.invokeURL and secret clova.secret
/// #expect(clova.problems.isEmpty)
/// ```
///
/// Each request takes the next step of the script; once the script is used up its last step answers every further
/// request. A wrong `X-OCR-SECRET` is answered 401 with code `0002` as the real service does, and is not a problem
/// (tests use it on purpose); a missing one is a problem and also gets the 401. Any other contract violation is
/// recorded in ``problems`` and answered 400 with code `0011`. Refused requests consume no step.
public final class FakeClovaServer: @unchecked Sendable {
    // Sendable: `secret`, `path` and `server` are immutable; the script and the records live in `State` behind a lock.

    /// One scripted answer.
    public indirect enum Step: Sendable {
        /// 200 `SUCCESS` with one `field` per word: line `i` spans y 100+80i…+50; words run from x 60, 40 px per
        /// character with 30 px gaps, except that the last word of a line with two or more words ends at x 900 (a
        /// price column); `lineBreak` is true on each line's last word. x values are written as floats, y values as
        /// integers, because real responses mix both (docs/providers.md).
        case lines([[FakeClovaWord]])
        /// 200 with `inferResult` `FAILURE`, this message and `fields: []` (the image could not be read).
        case inferFailure(message: String)
        /// 200 with `inferResult` `ERROR`, this message and no `fields` key at all (a processing error).
        case inferError(message: String)
        /// The flat error envelope (docs/providers.md), e.g. 400 `0025` rate limit, 400 `0023` quota, 400 `0011`,
        /// 500 `0500`.
        case error(status: Int, code: String, message: String)
        /// The API Gateway envelope `{"error":{"errorCode","message","details"}}` (docs/providers.md).
        case gatewayError(status: Int, errorCode: String, message: String)
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

    /// The secret requests must carry in `X-OCR-SECRET`.
    public let secret: String
    /// The request path of ``invokeURL``: `/custom/v1/1234/<64 hex>/general`, the key random per server.
    public let path: String
    private let server: FakeHTTPServer
    private let state: State

    /// The full URL the client posts to (the contract's invoke URL + `/general`).
    public var invokeURL: String { server.baseURL + path }
    /// The port on 127.0.0.1.
    public var port: Int { server.port }
    /// How many requests arrived, valid or not.
    public var callCount: Int { state.script.callCount }
    /// Every contract violation seen so far, one message each, prefixed with the request's number (1-based).
    public var problems: [String] { state.script.problems }
    /// The decoded `images[0].data` of the latest request that carried a decodable one.
    public var lastImage: [UInt8]? { state.script.lastImage }
    /// Every request received, in order.
    public var requests: [FakeHTTPRequest] { server.requests }

    /// Starts the server with a script of one step: one line, 김치찌개 / 8,000원.
    /// - Parameter secret: the `X-OCR-SECRET` requests must carry. Defaults to `clova-test-secret`.
    /// - Throws: `TestEnvironmentError` when the socket cannot be set up.
    public init(secret: String = "clova-test-secret") throws {
        self.secret = secret
        let domainKey = FakeIdentifier.hex(64)
        path = "/custom/v1/1234/\(domainKey)/general"
        let state = State(secret: secret, path: path, domainKey: domainKey)
        self.state = state
        server = try FakeHTTPServer { request in state.answer(request) }
    }

    /// Replaces the script and starts again at its first step. Callable at any time, also while requests run.
    /// - Parameter steps: the answers in order; an empty script answers 500 `0500` and records a problem.
    public func script(_ steps: [Step]) {
        state.script.replace(with: steps)
    }

    /// Stops the server (also done on deinit). See ``FakeHTTPServer/stop()``.
    public func stop() { server.stop() }
}

extension FakeClovaServer {
    /// The script and the records, shared with the connection threads.
    final class State: @unchecked Sendable {
        // Sendable: every property is immutable; the script locks itself.
        let secret: String
        let path: String
        let domainKey: String
        let script = FakeScript<Step>([.lines([["김치찌개", "8,000원"]])])

        init(secret: String, path: String, domainKey: String) {
            self.secret = secret
            self.path = path
            self.domainKey = domainKey
        }

        func answer(_ request: FakeHTTPRequest) -> FakeHTTPReply {
            let inspection = FakeClovaServer.inspect(request, path: path, secret: secret)
            let echo = Echo(requestID: inspection.requestID, imageName: inspection.imageName, domainKey: domainKey)
            let step = script.take(
                problems: inspection.problems, image: inspection.image, isAccepted: inspection.isAuthorized
            ).step
            guard let step else {
                if !inspection.isAuthorized {
                    return FakeClovaServer.reply(
                        to: .error(status: 401, code: "0002", message: "Secret key validate failed."), echo: echo)
                }
                if !inspection.problems.isEmpty {
                    let message =
                        "Request body invalid. (FakeClovaServer: \(inspection.problems.joined(separator: "; ")))"
                    return FakeClovaServer.reply(to: .error(status: 400, code: "0011", message: message), echo: echo)
                }
                return FakeClovaServer.reply(
                    to: .error(status: 500, code: "0500", message: "Unknown service error."), echo: echo)
            }
            return FakeClovaServer.reply(to: step, echo: echo)
        }
    }
}
