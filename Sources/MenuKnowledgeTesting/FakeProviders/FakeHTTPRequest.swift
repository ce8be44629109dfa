/// One request as a ``FakeHTTPServer`` received it, so tests can assert on exactly what a client sent.
public struct FakeHTTPRequest: Sendable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The request target as sent, e.g. `/v1/chat/completions` (with any query string).
    public var path: String
    /// The headers in the order received, names lower-cased (HTTP names are case-insensitive, RFC 9110 §5.1).
    public var headers: [(String, String)]
    /// The body, read by `Content-Length`.
    public var body: [UInt8]

    /// Makes a request value; the server builds these, tests may build them to call a handler directly.
    /// - Parameters:
    ///   - method: the method.
    ///   - path: the request target.
    ///   - headers: name/value pairs; names are lower-cased here.
    ///   - body: the body bytes. Defaults to empty.
    public init(method: String, path: String, headers: [(String, String)], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
        self.body = body
    }

    /// The first value of the header `name` (any case), or nil when the request has none.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.0 == wanted }?.1
    }

    /// The body as UTF-8 text, for failure messages.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
