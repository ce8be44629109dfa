import JSON

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
        self.init(
            method: method, rawPath: path, query: query,
            lowercasedHeaders: Dictionary(
                headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }),
            remoteAddress: remoteAddress, body: body)
    }

    private init(
        method: String, rawPath: String, query: [String: String], lowercasedHeaders: [String: String],
        remoteAddress: String?, body: [UInt8]
    ) {
        self.method = method.uppercased()
        self.pathSegments = Self.segments(of: rawPath)
        self.path = "/" + pathSegments.joined(separator: "/")
        self.query = query
        self.headers = lowercasedHeaders
        self.remoteAddress = remoteAddress
        self.body = body
    }

    /// Decodes the CGI parameters of a request.
    ///
    /// `REQUEST_URI` gives the path (nginx passes it raw, so `%2F` stays inside its segment), `QUERY_STRING` the
    /// query, `HTTP_*` the headers (`HTTP_X_REQUEST_ID` → `x-request-id`), `CONTENT_TYPE`/`CONTENT_LENGTH` their
    /// headers, `REMOTE_ADDR` the client.
    public init(cgiParameters parameters: [(name: String, value: String)], body: [UInt8]) {
        // This runs for every request: one pass over the parameters, header names converted byte by byte.
        var headers = [String: String](minimumCapacity: 16)
        var method = "GET"
        var uri: String?
        var documentURI: String?
        var queryString = ""
        var remoteAddress: String?
        for (name, value) in parameters {
            if name.utf8.starts(with: "HTTP_".utf8) {
                headers[Self.headerName(fromCGI: name)] = value
                continue
            }
            switch name {
            case "REQUEST_METHOD": method = value
            case "REQUEST_URI": uri = value
            case "DOCUMENT_URI": documentURI = value
            case "QUERY_STRING": queryString = value
            case "REMOTE_ADDR": remoteAddress = value
            case "CONTENT_TYPE" where !value.isEmpty: headers["content-type"] = value
            case "CONTENT_LENGTH" where !value.isEmpty: headers["content-length"] = value
            default: break
            }
        }
        let target = uri ?? documentURI ?? "/"
        let rawPath = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(target[..<$0]) } ?? target
        self.init(
            method: method, rawPath: rawPath, query: queryString.isEmpty ? [:] : Self.queryParameters(queryString),
            lowercasedHeaders: headers, remoteAddress: remoteAddress, body: body)
    }

    /// Decodes CGI parameters given as a dictionary (tests, CGI environments).
    public init(cgiParameters parameters: [String: String], body: [UInt8]) {
        self.init(cgiParameters: parameters.map { (name: $0.key, value: $0.value) }, body: body)
    }

    /// `HTTP_X_REQUEST_ID` → `x-request-id`.
    private static func headerName(fromCGI name: String) -> String {
        var bytes = Array(name.utf8.dropFirst(5))
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "_"): bytes[index] = UInt8(ascii: "-")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes[index] += 32
            default: break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
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
                let high = bytes[index + 1].hexDigitValue, let low = bytes[index + 2].hexDigitValue
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
}
