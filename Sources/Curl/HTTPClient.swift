import CCurl

/// A blocking HTTP/1.1 client over one libcurl easy handle.
///
/// One client per thread: the handle keeps its connections, DNS answers and TLS sessions between requests
/// (`curl_easy_reset` clears options only), so a worker calling the same provider again skips the TCP and TLS
/// handshakes. Not `Sendable`: libcurl forbids two threads on one easy handle.
///
/// TLS peers are always verified. libcurl honours the standard proxy variables by itself (`https_proxy`, `http_proxy`,
/// `all_proxy`, `no_proxy`; for plain HTTP only the lower-case `http_proxy`, a libcurl safeguard against CGI
/// environments where `HTTP_PROXY` is a request header).
public final class HTTPClient {
    /// How long to wait for the TCP and TLS handshake. Defaults to 5 seconds (the OpenAI SDKs' value).
    public var connectTimeout: Duration
    /// The largest response body accepted. Defaults to 8 MB: a provider's JSON answer is a few KB, and a proxy's
    /// runaway error page must not fill memory.
    public var maxResponseBytes: Int

    private let handle: UnsafeMutableRawPointer
    /// libcurl writes its detailed message here during `curl_easy_perform` (W2: allocated once, stable address).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// - Throws: `HTTPClientError` when libcurl cannot make a handle (out of memory).
    /// - Precondition: `Curl.initializeLibrary()` ran (in `main`, before threads start).
    public init(connectTimeout: Duration = .seconds(5), maxResponseBytes: Int = 8 << 20) throws(HTTPClientError) {
        guard let handle = curl_easy_init() else {
            throw HTTPClientError(code: .transport, message: "curl_easy_init returned NULL")
        }
        self.handle = handle
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends one request and reads the whole response, whatever its status.
    /// - Parameter timeout: the whole exchange, connect included.
    /// - Returns: the final response (interim `100 Continue` answers are skipped).
    /// - Throws: `HTTPClientError` for a timeout, a refused or reset connection, a TLS failure, a body over
    ///   ``maxResponseBytes``, or any other transport failure. An HTTP error status is a response, not an error.
    /// - Note: Blocks the calling thread until the response is read or `timeout` passes.
    @available(*, noasync, message: "blocks the thread in curl_easy_perform; call from a worker thread")
    public func send(_ request: HTTPClientRequest, timeout: Duration) throws(HTTPClientError) -> HTTPClientResponse {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let accumulator = ResponseAccumulator(maxBodyBytes: maxResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        var connectToList: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            curl_slist_free_all(headerList)
            curl_slist_free_all(connectToList)
        }
        // CURLOPT_CONNECT_TO with the host and port left empty applies to whatever host the URL names, however curl
        // normalises it (a trailing dot, case, IDN): unlike CURLOPT_RESOLVE, no spelling of the name escapes it.
        if let target = request.connectAddress {
            guard let list = curl_slist_append(nil, "::\(target.address):\(target.port)") else {
                throw HTTPClientError(code: .transport, message: "curl_slist_append failed (out of memory)")
            }
            connectToList = list
        }
        // CURLOPT_HTTPHEADER reads `Name:` as "remove this header" and `Name;` as "send it with an empty value", so
        // a caller's empty value takes the second form. The one removal is ours: curl adds `Expect: 100-continue`
        // to large POSTs and then waits up to a second for the interim answer; providers answer directly, so the
        // header only costs a round trip.
        let lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" } + ["Expect:"]
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw HTTPClientError(code: .transport, message: "curl_slist_append failed (out of memory)")
            }
            headerList = appended
        }

        let code: CURLcode = request.body.withUnsafeBufferPointer { body in
            var setup = CURLE_OK
            func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }
            set(CCurl_setopt_string(handle, CURLOPT_URL, request.url))
            set(CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))  // no SIGALRM in a multi-threaded process
            set(CCurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
            set(CCurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            set(CCurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            set(CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout)))
            set(CCurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)))
            set(CCurl_setopt_long(handle, CURLOPT_MAXFILESIZE, maxResponseBytes))
            set(CCurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""))  // every encoding libcurl decodes
            set(CCurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            set(CCurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            if connectToList != nil { set(CCurl_setopt_slist(handle, CURLOPT_CONNECT_TO, connectToList)) }
            if !request.usesProxy { set(CCurl_setopt_string(handle, CURLOPT_PROXY, "")) }
            let context = Unmanaged.passUnretained(accumulator).toOpaque()
            set(CCurl_setopt_write_function(handle, CURLOPT_WRITEFUNCTION, receiveBody))
            set(CCurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
            set(CCurl_setopt_write_function(handle, CURLOPT_HEADERFUNCTION, receiveHeader))
            set(CCurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
            if request.method == "GET" && body.isEmpty {
                set(CCurl_setopt_long(handle, CURLOPT_HTTPGET, 1))
            } else if request.method == "POST" || !body.isEmpty {
                // A body goes out through curl's POST machinery whatever the method; CUSTOMREQUEST then only renames
                // the method (CURLOPT_CUSTOMREQUEST alone sends no body at all).
                set(CCurl_setopt_long(handle, CURLOPT_POST, 1))
                set(CCurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count))
                // Points into `request.body`, alive for this closure, which encloses curl_easy_perform.
                set(
                    CCurl_setopt_pointer(
                        handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress)))
                if request.method != "POST" {
                    set(CCurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
                }
            } else {
                set(CCurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
            }
            guard setup == CURLE_OK else { return setup }
            // The accumulator is referenced by `context` only as an unretained pointer: keep it alive across the call.
            return withExtendedLifetime(accumulator) { curl_easy_perform(handle) }
        }

        guard code == CURLE_OK else {
            throw HTTPClientError(
                curlCode: code, detail: String(cString: errorBuffer), bodyTooLarge: accumulator.isOverLimit)
        }
        var status = 0
        _ = CCurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPClientResponse(status: status, headers: accumulator.headers, body: accumulator.body)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        // libcurl reads 0 as "no timeout": a spent budget still gets one millisecond, so it times out, never hangs.
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// Collects one response; reached from the C callbacks through the user-data pointer.
private final class ResponseAccumulator {
    let maxBodyBytes: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var isOverLimit = false

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }
}

/// `CURLOPT_WRITEFUNCTION`: appends body bytes; returning less than given makes libcurl stop with CURLE_WRITE_ERROR.
private func receiveBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard accumulator.body.count + length <= accumulator.maxBodyBytes else {
        accumulator.isOverLimit = true
        return 0
    }
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        accumulator.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

/// `CURLOPT_HEADERFUNCTION`: one header line per call, the status line included. A new status line (after
/// `100 Continue`) starts the header list again, so only the final response's headers remain.
private func receiveHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        accumulator.headers.removeAll()
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t\r\n")
        accumulator.headers.append((name, value))
    }
    return length
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}

extension HTTPClientError {
    /// Classifies a failed transfer by its `CURLcode`.
    fileprivate init(curlCode: CURLcode, detail: String, bodyTooLarge: Bool) {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(curlCode)) : detail
        let kind: Code =
            switch curlCode {
            case _ where bodyTooLarge, CURLE_FILESIZE_EXCEEDED: .responseTooLarge
            case CURLE_OPERATION_TIMEDOUT: .timeout
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .connect
            case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
                CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR:
                .tls
            case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE: .connectionLost
            default: .transport
            }
        self.init(code: kind, curlCode: Int32(curlCode.rawValue), message: text)
    }
}
