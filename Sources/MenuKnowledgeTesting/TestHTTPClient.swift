import Foundation
import Glibc

/// A response as a test sees it.
public struct TestHTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header names in lower case; repeated headers joined with ", ".
    public var headers: [String: String]
    /// The body bytes (de-chunked).
    public var body: [UInt8]

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object, or an error.
    public func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestEnvironmentError(description: "body is not a JSON object: \(text)")
        }
        return object
    }

    /// The `error.code` of a JSON error body, or nil.
    public func errorCode() -> String? {
        ((try? jsonObject())?["error"] as? [String: Any])?["code"] as? String
    }
}

/// A small blocking HTTP/1.1 client over a plain socket, so tests control every byte and see every header.
public enum TestHTTPClient {
    /// Sends one request with `Connection: close` and reads the whole response.
    /// - Parameters:
    ///   - method: e.g. `GET`.
    ///   - path: the request target, e.g. `/api/v1/health?x=1`.
    ///   - port: the server's port on 127.0.0.1.
    ///   - headers: extra headers.
    ///   - body: the body; `Content-Length` is added when it is not empty.
    ///   - timeout: how long to wait for the response.
    public static func request(
        _ method: String, _ path: String, port: Int, headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(30)
    ) throws -> TestHTTPResponse {
        let descriptor = try connectLoopback(port: port, timeout: timeout)
        defer { close(descriptor) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let hasLength = headers.contains { $0.0.lowercased() == "content-length" }
        if !hasLength && (!body.isEmpty || method == "POST" || method == "PUT") {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try sendAll(descriptor, Array(head.utf8) + body)
        return try parse(try readToEnd(descriptor))
    }

    /// Sends `bytes` exactly as given (a malformed request line, duplicate headers) and reads the whole response: for
    /// the errors nginx answers before any location runs, which ``request(_:_:port:headers:body:timeout:)`` cannot
    /// produce.
    public static func raw(_ bytes: [UInt8], port: Int, timeout: Duration = .seconds(30)) throws -> TestHTTPResponse {
        let descriptor = try connectLoopback(port: port, timeout: timeout)
        defer { close(descriptor) }
        try sendAll(descriptor, bytes)
        return try parse(try readToEnd(descriptor))
    }

    /// A TCP connection to 127.0.0.1:`port` with receive and send timeouts; the caller closes the descriptor.
    public static func connectLoopback(port: Int, timeout: Duration) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestEnvironmentError(description: "socket() failed") }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(descriptor)
            throw TestEnvironmentError(description: "cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return descriptor
    }

    static func sendAll(_ descriptor: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            // The server may answer (413) and close before reading everything; the response is still readable.
            if sent <= 0 { return }
            offset += sent
        }
    }

    static func readToEnd(_ descriptor: Int32) throws -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno == ECONNRESET {
                return data
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw TestEnvironmentError(description: "timed out waiting for the response")
            } else if errno != EINTR {
                throw TestEnvironmentError(description: "recv failed: errno \(errno)")
            }
        }
    }

    static func parse(_ data: [UInt8]) throws -> TestHTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = data.firstRange(of: separator) else {
            throw TestEnvironmentError(description: "no complete response head in \(data.count) bytes")
        }
        let head = String(decoding: data[..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw TestEnvironmentError(description: "bad status line in \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        var body = Array(data[headEnd.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return TestHTTPResponse(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lineEnd = data[index...].firstRange(of: [13, 10]) else { break }
            let sizeText =
                String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            output.append(contentsOf: data[start..<min(start + size, data.count)])
            index = start + size + 2
        }
        return output
    }
}
