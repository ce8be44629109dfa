/// A request as the handlers see it: no FastCGI, no sockets.
///
/// Built from the CGI/1.1 parameters the web server passes (RFC 3875 §4.1), so the same decoding serves FastCGI,
/// and tests can make requests without any server.
public struct APIRequest: Sendable {
    /// The method, upper case (`GET`).
    public var method: String
    /// The path without the query, percent-decoded per segment (`/api/v1/health`).
    public var path: String
    /// The path's segments, percent-decoded, without empty ones: `["api", "v1", "health"]`.
    public var pathSegments: [String]
    /// Query parameters; for a repeated name the first value.
    public var query: [String: String]
    /// Headers with lower-case names (`content-type`, `x-request-id`).
    public var headers: [String: String]
    /// The client's address as the web server saw it.
    public var remoteAddress: String?
    /// The body, read once.
    public var body: [UInt8]

    /// A request made by hand, for tests and in-process callers.
    public init(
        method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
        remoteAddress: String? = "127.0.0.1", body: [UInt8] = []
    ) {
        self.method = method.uppercased()
        self.pathSegments = Self.segments(of: path)
        self.path = "/" + pathSegments.joined(separator: "/")
        self.query = query
        self.headers = Dictionary(
            headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.remoteAddress = remoteAddress
        self.body = body
    }

    /// Decodes the CGI parameters of a request.
    ///
    /// `REQUEST_URI` gives the path (nginx passes it raw, so `%2F` stays inside its segment), `QUERY_STRING` the
    /// query, `HTTP_*` the headers (`HTTP_X_REQUEST_ID` → `x-request-id`), `CONTENT_TYPE`/`CONTENT_LENGTH` their
    /// headers, `REMOTE_ADDR` the client.
    public init(cgiParameters parameters: [String: String], body: [UInt8]) {
        var headers: [String: String] = [:]
        for (name, value) in parameters where name.hasPrefix("HTTP_") {
            headers[String(name.dropFirst(5)).lowercased().replacingUnderscores()] = value
        }
        if let contentType = parameters["CONTENT_TYPE"], !contentType.isEmpty { headers["content-type"] = contentType }
        if let contentLength = parameters["CONTENT_LENGTH"], !contentLength.isEmpty {
            headers["content-length"] = contentLength
        }
        let uri = parameters["REQUEST_URI"] ?? parameters["DOCUMENT_URI"] ?? parameters["SCRIPT_NAME"] ?? "/"
        let rawPath =
            uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
        let queryString = parameters["QUERY_STRING"] ?? ""
        self.init(
            method: parameters["REQUEST_METHOD"] ?? "GET", path: rawPath, query: Self.queryParameters(queryString),
            headers: headers, remoteAddress: parameters["REMOTE_ADDR"], body: body)
    }

    /// The first value of header `name` (any case).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map {
            percentDecoded(String($0), plusIsSpace: false)
        }
    }

    /// Parses `a=1&b=two%20words`; `+` is a space as in HTML forms; the first of repeated names wins.
    static func queryParameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecoded(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecoded(String(parts[1]), plusIsSpace: true) : ""
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    /// Decodes `%XX` escapes as UTF-8; a malformed escape is kept literally, invalid UTF-8 is repaired.
    static func percentDecoded(_ text: String, plusIsSpace: Bool) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return text
        }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
