import Dispatch
import Foundation
import Glibc

/// An HTTP/1.1 server on 127.0.0.1 that answers each request with whatever the test's handler returns, so client code
/// (libcurl) is exercised over real sockets, keep-alive, `Expect: 100-continue`, timeouts and resets included,
/// without a vendor.
///
/// ```swift
/// let server = try FakeHTTPServer { request in .json(200, #"{"ok":true}"#) }
/// defer { server.stop() }
/// let response = try TestHTTPClient.request("GET", "/", port: server.port)
/// ```
///
/// One thread accepts; each connection gets a thread that serves requests until the client closes it. Request bodies
/// are read by `Content-Length`; chunked request bodies are answered with 501.
/// - Note: The handler runs on connection threads, several at once when the client opens several connections, so it
///   must be thread-safe.
public final class FakeHTTPServer: @unchecked Sendable {
    // Sendable: `port` is immutable and everything mutable lives in `State`, which guards it with a lock.

    /// The port on 127.0.0.1, chosen by the kernel.
    public let port: Int
    private let state: State

    /// The URL clients use, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received, in order of arrival, including those whose reply failed on purpose.
    public var requests: [FakeHTTPRequest] { state.lock.withLock { state.received } }

    /// How many TCP connections were accepted so far: a client that keeps its connection alive opens one for several
    /// requests.
    public var acceptedConnections: Int { state.lock.withLock { state.accepted } }

    /// Binds 127.0.0.1 on an ephemeral port and starts accepting.
    /// - Parameter handler: turns each request into a reply; called on connection threads.
    /// - Throws: `TestEnvironmentError` naming the socket call that failed.
    public init(handler: @escaping @Sendable (FakeHTTPRequest) -> FakeHTTPReply) throws {
        let descriptor = try Self.listen()
        port = try Self.boundPort(descriptor)
        state = State(listener: descriptor, handler: handler)
        state.startAccepting()
    }

    deinit {
        stop()
    }

    /// Closes the listener and every connection and waits for their threads. Safe to call more than once.
    ///
    /// Connection threads notice within a poll interval (20 ms), also while a reply is being delayed; a handler that
    /// itself blocks is waited for at most 10 seconds.
    /// - Note: Blocks the calling thread until the threads have finished.
    public func stop() {
        state.stop()
    }

    private static func listen() throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound, Glibc.listen(descriptor, 64) == 0 else {
            let error = failure(bound ? "listen" : "bind")
            close(descriptor)
            throw error
        }
        return descriptor
    }

    private static func boundPort(_ descriptor: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) == 0 }
        }
        guard named else {
            let error = failure("getsockname")
            close(descriptor)
            throw error
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func failure(_ function: String) -> TestEnvironmentError {
        TestEnvironmentError(description: "FakeHTTPServer: \(function)() failed: \(String(cString: strerror(errno)))")
    }
}

extension FakeHTTPServer {
    /// What the accept thread and the connection threads share.
    final class State: @unchecked Sendable {
        // Sendable: `listener` and `handler` are immutable; `received`, `accepted` and `stopped` are only touched
        // under `lock`; the dispatch groups are thread-safe.

        /// How long a blocked thread waits before it looks at the stop flag again.
        static let pollSliceMilliseconds: Int32 = 20
        /// How long `stop()` waits for a connection whose handler does not return.
        static let connectionJoinTimeout: DispatchTimeInterval = .seconds(10)

        let listener: Int32
        let handler: @Sendable (FakeHTTPRequest) -> FakeHTTPReply
        let lock = NSLock()
        var received: [FakeHTTPRequest] = []
        var accepted = 0
        private var stopped = false
        private let acceptThread = DispatchGroup()
        private let connectionThreads = DispatchGroup()

        init(listener: Int32, handler: @escaping @Sendable (FakeHTTPRequest) -> FakeHTTPReply) {
            self.listener = listener
            self.handler = handler
        }

        var isStopped: Bool { lock.withLock { stopped } }

        func record(_ request: FakeHTTPRequest) {
            lock.withLock { received.append(request) }
        }

        func startAccepting() {
            acceptThread.enter()
            Thread { [self] in
                acceptLoop()
                acceptThread.leave()
            }.start()
        }

        func stop() {
            let first = lock.withLock {
                defer { stopped = true }
                return !stopped
            }
            guard first else { return }
            // The accept thread polls, so it leaves within one slice; only then is closing the listener safe (no
            // other thread can be using the descriptor number).
            acceptThread.wait()
            close(listener)
            _ = connectionThreads.wait(timeout: .now() + Self.connectionJoinTimeout)
        }

        private func acceptLoop() {
            while !isStopped {
                var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, Self.pollSliceMilliseconds) > 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                // accept4 needs _GNU_SOURCE, which Glibc's module does not expose; children must not inherit clients.
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                lock.withLock { accepted += 1 }
                connectionThreads.enter()
                Thread { [self] in
                    var connection = FakeHTTPConnection(descriptor: client, server: self)
                    connection.serve()
                    connectionThreads.leave()
                }.start()
            }
        }
    }
}
