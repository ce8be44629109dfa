/// What a ``FakeHTTPServer`` does with one request: a normal answer, or one of the failures a client must survive.
public struct FakeHTTPReply: Sendable {
    /// How the reply reaches the client. A struct with static members rather than an enum, so adding a way to fail
    /// breaks no caller (STYLE.md §3).
    public struct Behaviour: Sendable, Equatable, CustomStringConvertible {
        enum Kind: Sendable, Equatable {
            case complete, truncatedBody, resetConnection, closeWithoutReply
        }

        let kind: Kind

        /// Status line, headers and the whole body; the connection stays open for the next request (keep-alive)
        /// unless the request said `Connection: close`.
        public static let complete = Behaviour(kind: .complete)
        /// Headers announcing the full `Content-Length`, then only the first half of the body, then a close: the
        /// client sees a short read (libcurl: `CURLE_PARTIAL_FILE`).
        public static let truncatedBody = Behaviour(kind: .truncatedBody)
        /// Nothing is written; the socket is closed with `SO_LINGER` 0, which sends a TCP RST (libcurl:
        /// `CURLE_RECV_ERROR`, 56).
        ///
        /// On a *reused* keep-alive connection libcurl treats a connection that dies before any response byte as
        /// stale and silently resends the request once on a new connection, so the next reply answers it. Reply twice
        /// in a row this way (or have the client use a fresh connection) to make the failure reach the caller.
        public static let resetConnection = Behaviour(kind: .resetConnection)
        /// Nothing is written; the socket is closed normally (FIN), like a server that died mid-request (libcurl:
        /// `CURLE_GOT_NOTHING`, 52). libcurl's silent resend on a reused connection applies as for
        /// ``resetConnection``.
        public static let closeWithoutReply = Behaviour(kind: .closeWithoutReply)

        /// The member's name, for test output.
        public var description: String {
            switch kind {
            case .complete: "complete"
            case .truncatedBody: "truncatedBody"
            case .resetConnection: "resetConnection"
            case .closeWithoutReply: "closeWithoutReply"
            }
        }
    }

    /// The status code.
    public var status: Int
    /// Headers to send. The server adds `Content-Length` unless one or a `Transfer-Encoding` is given here (then
    /// `body` is sent as is, already framed), and `Connection: close` when the request asked for it.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]
    /// How long to wait before writing anything, to run past a client's timeout. The wait is cut short when the
    /// server stops, so a long delay never holds up ``FakeHTTPServer/stop()``.
    public var delay: Duration
    /// How the reply is delivered. Defaults to ``Behaviour/complete``.
    public var behaviour: Behaviour

    /// Makes a reply.
    /// - Parameters:
    ///   - status: the status code.
    ///   - headers: headers to send. Defaults to none.
    ///   - body: the body. Defaults to empty.
    ///   - delay: the wait before writing. Defaults to zero.
    ///   - behaviour: how it is delivered. Defaults to ``Behaviour/complete``.
    public init(
        status: Int, headers: [(String, String)] = [], body: [UInt8] = [], delay: Duration = .zero,
        behaviour: Behaviour = .complete
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.behaviour = behaviour
    }

    /// A reply with a JSON body and `Content-Type: application/json`.
    /// - Parameters:
    ///   - status: the status code.
    ///   - body: the JSON text, sent as is (it need not be valid, for malformed-body tests).
    ///   - headers: more headers. Defaults to none.
    public static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> FakeHTTPReply {
        json(status, Array(body.utf8), headers: headers)
    }

    /// A reply with a JSON body given as bytes and `Content-Type: application/json`.
    /// - Parameters:
    ///   - status: the status code.
    ///   - body: the JSON bytes, sent as is.
    ///   - headers: more headers. Defaults to none.
    public static func json(_ status: Int, _ body: [UInt8], headers: [(String, String)] = []) -> FakeHTTPReply {
        FakeHTTPReply(status: status, headers: [("content-type", "application/json")] + headers, body: body)
    }

    /// The reason phrase for the status line; clients ignore it (RFC 9112 §4), people reading traces do not.
    static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}
