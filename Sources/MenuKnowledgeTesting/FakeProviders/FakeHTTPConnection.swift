import Foundation
import Glibc

/// One accepted connection: reads requests one after another (keep-alive) and writes the handler's replies, until the
/// client closes, a reply ends the connection on purpose, or the server stops. It owns and closes its descriptor.
struct FakeHTTPConnection {
    /// A head larger than this is refused with 431: no client of ours sends one, so it means a framing bug.
    static let maximumHeadBytes = 64 * 1024
    /// A body larger than this is refused with 413; menu photos are a few MB.
    static let maximumBodyBytes = 64 * 1024 * 1024
    /// How long a write may block on a client that stopped reading.
    static let sendTimeoutSeconds = 5

    let descriptor: Int32
    let server: FakeHTTPServer.State
    private var buffer: [UInt8] = []

    init(descriptor: Int32, server: FakeHTTPServer.State) {
        self.descriptor = descriptor
        self.server = server
    }

    /// Serves requests until the connection ends, then closes the descriptor.
    mutating func serve() {
        var timeout = timeval(tv_sec: Self.sendTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        while serveOne() {}
        close(descriptor)
    }

    /// Reads one request and answers it; false when the connection must end.
    private mutating func serveOne() -> Bool {
        guard let headEnd = readHead() else { return false }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            return refuse(400, "malformed request line")
        }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return refuse(400, "malformed header line: \(line)") }
            let name = line[..<colon].lowercased()
            headers.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let field = { (name: String) in headers.first { $0.0 == name }?.1 }
        if let encoding = field("transfer-encoding"), encoding.lowercased() != "identity" {
            return refuse(501, "FakeHTTPServer reads bodies by Content-Length only; got Transfer-Encoding \(encoding)")
        }
        let lengthText = field("content-length") ?? "0"
        guard let length = Int(lengthText), length >= 0 else {
            return refuse(400, "bad Content-Length \(lengthText)")
        }
        guard length <= Self.maximumBodyBytes else { return refuse(413, "body of \(length) bytes is too large") }
        // libcurl sends `Expect: 100-continue` for large POST bodies and waits (1 s by default) for this interim
        // answer before sending the body (RFC 9110 §10.1.1).
        if field("expect")?.lowercased() == "100-continue", buffer.count < length {
            guard write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return false }
        }
        while buffer.count < length {
            guard readMore() else { return false }
        }
        let request = FakeHTTPRequest(
            method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
            body: Array(buffer[..<length]))
        buffer.removeFirst(length)
        server.record(request)

        let reply = server.handler(request)
        guard pause(reply.delay) else { return false }
        let closes = field("connection")?.lowercased() == "close" || requestLine[2] == "HTTP/1.0"
        switch reply.behaviour.kind {
        case .complete:
            return write(Self.encode(reply, bodyBytes: reply.body.count, closes: closes)) && !closes
        case .truncatedBody:
            _ = write(Self.encode(reply, bodyBytes: reply.body.count / 2, closes: true))
            return false
        case .resetConnection:
            // Linger on with a zero timeout makes close() send RST instead of FIN (socket(7), SO_LINGER).
            var abort = linger(l_onoff: 1, l_linger: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
            return false
        case .closeWithoutReply:
            return false
        }
    }

    /// The status line, headers and the first `bodyBytes` of the body. `Content-Length` always announces the whole
    /// body, which is what makes a truncated reply detectable.
    private static func encode(_ reply: FakeHTTPReply, bodyBytes: Int, closes: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(reply.status) \(FakeHTTPReply.reasonPhrase(for: reply.status))\r\n"
        for (name, value) in reply.headers { head += "\(name): \(value)\r\n" }
        // A reply that frames its own body (`Transfer-Encoding: chunked`, written into `body` by the test) must not
        // also announce a length (RFC 9112 §6.2).
        let framing: Set<String> = ["content-length", "transfer-encoding"]
        if !reply.headers.contains(where: { framing.contains($0.0.lowercased()) }) {
            head += "content-length: \(reply.body.count)\r\n"
        }
        if closes { head += "connection: close\r\n" }
        head += "\r\n"
        return Array(head.utf8) + reply.body.prefix(bodyBytes)
    }

    /// Answers a request the fake cannot parse and ends the connection, since its framing is no longer known.
    private mutating func refuse(_ status: Int, _ message: String) -> Bool {
        let body = Array("FakeHTTPServer: \(message)\n".utf8)
        let reply = FakeHTTPReply(status: status, headers: [("content-type", "text/plain")], body: body)
        _ = write(Self.encode(reply, bodyBytes: body.count, closes: true))
        return false
    }

    /// Reads until a blank line ends the head; the offset of its CRLFCRLF, or nil when the connection ended first.
    private mutating func readHead() -> Int? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var searchFrom = 0
        while true {
            if let range = buffer[searchFrom...].firstRange(of: separator) { return range.lowerBound }
            guard buffer.count <= Self.maximumHeadBytes else {
                _ = refuse(431, "request head exceeds \(Self.maximumHeadBytes) bytes")
                return nil
            }
            searchFrom = max(0, buffer.count - 3)
            guard readMore() else { return nil }
        }
    }

    /// Appends whatever arrives next; false on end of stream, error, or server stop.
    private mutating func readMore() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while !server.isStopped {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, FakeHTTPServer.State.pollSliceMilliseconds)
            if polled == 0 || (polled < 0 && errno == EINTR) { continue }
            guard polled > 0 else { return false }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
                return true
            }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            return false
        }
        return false
    }

    /// Writes everything; false when the client has gone (EPIPE is reported, not raised, thanks to MSG_NOSIGNAL).
    private func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Sleeps for `duration` in short slices; false when the server stopped meanwhile.
    private func pause(_ duration: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: duration)
        let slice = Duration.milliseconds(Int(FakeHTTPServer.State.pollSliceMilliseconds))
        while clock.now < deadline {
            if server.isStopped { return false }
            let left = clock.now.duration(to: deadline)
            let step = min(left, slice)
            let (seconds, attoseconds) = step.components
            usleep(useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        }
        return !server.isStopped
    }
}
