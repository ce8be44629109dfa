/// An error from the FastCGI layer: a libfcgi call failed, or the peer (nginx) broke the exchange.
///
/// `description` is safe to show; the C message and errno are in `debugDescription` and the logs.
public struct FastCGIError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, as a bounded label (usable as a metric value).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case openSocket = "open_socket"
            case initRequest = "init_request"
            case accept
            case bodyTooLarge = "body_too_large"
            case truncatedBody = "truncated_body"
            case invalidContentLength = "invalid_content_length"
            case clientAborted = "client_aborted"
            case threadStart = "thread_start"
            case socketActivation = "socket_activation"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Creating or binding the listening socket failed.
        public static let openSocket = Code(.openSocket)
        /// `FCGX_InitRequest` failed.
        public static let initRequest = Code(.initRequest)
        /// `FCGX_Accept_r` failed (interrupted by shutdown, or a socket error).
        public static let accept = Code(.accept)
        /// The request declared a body larger than the configured limit.
        public static let bodyTooLarge = Code(.bodyTooLarge)
        /// The web server ended the stdin stream before `CONTENT_LENGTH` bytes arrived.
        public static let truncatedBody = Code(.truncatedBody)
        /// `CONTENT_LENGTH` is not a non-negative integer.
        public static let invalidContentLength = Code(.invalidContentLength)
        /// The web server closed the connection while we wrote the response (the HTTP client went away).
        public static let clientAborted = Code(.clientAborted)
        /// A worker thread could not be started.
        public static let threadStart = Code(.threadStart)
        /// systemd's `LISTEN_FDS` / `LISTEN_PID` do not describe exactly one socket passed to this process.
        public static let socketActivation = Code(.socketActivation)

        public var description: String { base.rawValue }
    }

    /// The bounded error label.
    public var code: Code
    /// The libfcgi function or step that failed.
    public var operation: String
    /// The C error number or libfcgi status, when there is one.
    public var cCode: Int32?
    /// The C library's text for `cCode`, or what was wrong when no C call failed.
    public var cMessage: String?

    init(_ code: Code, operation: String, cCode: Int32? = nil, cMessage: String? = nil) {
        self.code = code
        self.operation = operation
        self.cCode = cCode
        self.cMessage = cMessage
    }

    public var description: String { "FastCGI error: \(code)" }

    public var debugDescription: String {
        var text = "FastCGIError(\(code), operation: \(operation)"
        if let cCode { text += ", code: \(cCode)" }
        if let cMessage { text += ", message: \(cMessage)" }
        return text + ")"
    }
}
