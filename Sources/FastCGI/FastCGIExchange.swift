/// One accepted FastCGI request, from its parameters to the last byte of its response.
///
/// Noncopyable: it is the single owner of the request's turn on the worker's `FCGX_Request`, and its `deinit` ends
/// the request (`FCGX_Finish_r`), so a request can be neither finished twice nor forgotten.
///
/// ```
/// let body = try exchange.readBody(maxBytes: limit)
/// try exchange.writeResponse(status: 200, reason: "OK", headers: [("Content-Type", "application/json")], body: json)
/// ```
public struct FastCGIExchange: ~Copyable {
    private let handle: FastCGIRequestHandle

    /// The CGI/1.1 parameters nginx passed (`REQUEST_METHOD`, `REQUEST_URI`, `CONTENT_LENGTH`, `HTTP_*`, ...), in
    /// the order they arrived.
    public let parameters: [(name: String, value: String)]

    init(handle: FastCGIRequestHandle) {
        self.handle = handle
        self.parameters = handle.parameters()
    }

    deinit { handle.finish() }

    /// The value of parameter `name`, or nil.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// The declared body length: `CONTENT_LENGTH`, or 0 when absent or empty (a request without a body).
    /// - Throws: `FastCGIError.invalidContentLength` when it is not a non-negative integer.
    public func declaredContentLength() throws(FastCGIError) -> Int {
        guard let text = parameter("CONTENT_LENGTH"), !text.isEmpty else { return 0 }
        guard let length = Int(text), length >= 0 else {
            throw FastCGIError(.invalidContentLength, operation: "CONTENT_LENGTH")
        }
        return length
    }

    /// Reads the whole request body, exactly `CONTENT_LENGTH` bytes.
    /// - Parameter maxBytes: the largest body accepted; a larger declared length is refused before reading.
    /// - Throws: `FastCGIError` with code `.bodyTooLarge`, `.invalidContentLength` or `.truncatedBody`.
    /// - Note: Blocks the calling thread until the body has arrived.
    public func readBody(maxBytes: Int) throws(FastCGIError) -> [UInt8] {
        let length = try declaredContentLength()
        guard length <= maxBytes else {
            // Read and discard the body before answering: nginx is still writing it, and a response sent (and a
            // kept connection reused) before it has finished would be cut off or mixed with the leftover records.
            discard(byteCount: length)
            throw FastCGIError(.bodyTooLarge, operation: "CONTENT_LENGTH", cMessage: "\(length) > \(maxBytes)")
        }
        guard length > 0 else { return [] }
        var received = 0
        let body = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            while received < length {
                let chunk = handle.readBody(
                    into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[received...])))
                if chunk <= 0 { break }
                received += chunk
            }
            initialized = received
        }
        guard received == length else {
            throw FastCGIError(.truncatedBody, operation: "FCGX_GetStr", cMessage: "\(received) of \(length) bytes")
        }
        return body
    }

    private func discard(byteCount: Int) {
        var remaining = byteCount
        withUnsafeTemporaryAllocation(byteCount: 65_536, alignment: 1) { scratch in
            while remaining > 0 {
                let chunk = handle.readBody(
                    into: UnsafeMutableRawBufferPointer(rebasing: scratch[..<min(remaining, scratch.count)]))
                if chunk <= 0 { break }
                remaining -= chunk
            }
        }
    }

    /// Writes a complete response: the CGI `Status` line, the headers, and the body.
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - reason: its reason phrase (`Not Found`), which nginx passes on in the status line.
    ///   - headers: header names and values, written in order. Values must not contain CR or LF.
    ///   - body: the response body.
    /// - Throws: `FastCGIError.clientAborted` when the web server closed the connection.
    /// - Note: Blocks the calling thread while the web server's socket is full.
    public func writeResponse(
        status: Int, reason: String, headers: [(name: String, value: String)], body: [UInt8]
    ) throws(FastCGIError) {
        var head = "Status: \(status) \(reason)\r\n"
        for (name, value) in headers {
            head += name
            head += ": "
            head += value
            head += "\r\n"
        }
        head += "\r\n"
        // No explicit flush: FCGX_Finish_r (in deinit) sends the buffered records and END_REQUEST in one go, saving
        // a write per request; only a response larger than libfcgi's buffer is written here already.
        var failure = Array(head.utf8).withUnsafeBytes { handle.write($0) }
        if failure == nil { failure = body.withUnsafeBytes { handle.write($0) } }
        if let failure {
            throw FastCGIError(
                .clientAborted, operation: "FCGX_PutStr", cCode: failure,
                cMessage: failure > 0 ? errnoText(failure) : nil)
        }
    }
}
