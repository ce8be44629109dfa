/// One request for ``HTTPClient``.
public struct HTTPClientRequest: Sendable {
    /// `GET`, `POST`, or another method. Defaults to `GET`.
    public var method: String
    /// The absolute `http` or `https` URL.
    public var url: String
    /// Request headers in order. Values may hold secrets: the client never logs them.
    public var headers: [(name: String, value: String)]
    /// The body, sent with `Content-Length`.
    public var body: [UInt8]
    /// The address and port to connect to whatever the URL's host resolves to (IPv6 in brackets, e.g.
    /// `[2001:db8::1]`); the URL's host still names the server (Host header, TLS SNI and certificate check). What was
    /// checked is then what is reached, even if the name resolves elsewhere a moment later. Nil: DNS.
    public var connectAddress: (address: String, port: Int)?
    /// False sends the request directly even when the proxy variables name a proxy (which would resolve and reach
    /// the host itself, past ``connectAddress``). Defaults to true.
    public var usesProxy = true

    public init(url: String, method: String = "GET", headers: [(name: String, value: String)] = [], body: [UInt8] = [])
    {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
    }
}

/// A complete response, whatever its status.
public struct HTTPClientResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header names in lower case, in the order received.
    public var headers: [(name: String, value: String)]
    /// The body, decoded when the server compressed it.
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The last value of a header (names compare case-insensitively), or nil.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name == wanted }?.value
    }
}

/// A transfer that produced no complete response.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a bounded label (metrics store `shortDescription`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let label: String
        private init(_ label: String) { self.label = label }
        /// The timeout passed before the response was complete.
        public static let timeout = Code("timeout")
        /// No connection: refused, unreachable, or the name did not resolve.
        public static let connect = Code("connect")
        /// The TLS handshake or the peer's certificate failed.
        public static let tls = Code("tls")
        /// The peer reset or closed the connection before the response was complete (a truncated body included).
        public static let connectionLost = Code("connection_lost")
        /// The body was larger than the client accepts.
        public static let responseTooLarge = Code("response_too_large")
        /// Any other libcurl failure.
        public static let transport = Code("transport")
        public var description: String { label }
    }

    public var code: Code
    /// The `CURLcode`, or 0 when the failure was not libcurl's.
    public var curlCode: Int32
    /// libcurl's message (it names hosts and ports, never headers or bodies).
    public var message: String

    public init(code: Code, curlCode: Int32 = 0, message: String) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
    }

    /// The bounded label, e.g. `timeout`.
    public var shortDescription: String { code.description }
    public var description: String { "HTTP \(code): \(message) (curl \(curlCode))" }
}
