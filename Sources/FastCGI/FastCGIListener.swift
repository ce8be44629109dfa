import Glibc

/// Owns the listening socket the workers accept on.
///
/// The socket is created by ``open(_:socketMode:backlog:)``, inherited on file descriptor 0, or passed by systemd on
/// file descriptor 3. A unix socket this listener created is removed again when it closes; a passed one is not,
/// since systemd keeps it for the next start.
public final class FastCGIListener: @unchecked Sendable {
    // Sendable: the descriptor is immutable after init and accept() on one socket from many threads is safe;
    // `close()` is called once, by the owner, after every worker has stopped.

    /// The listening descriptor.
    let descriptor: Int32
    /// Where it listens.
    public let address: FastCGIListenAddress
    private var isClosed = false

    private init(descriptor: Int32, address: FastCGIListenAddress) {
        self.descriptor = descriptor
        self.address = address
    }

    /// Initialises libfcgi for the process. Call once from `main` before opening a listener.
    /// The corresponding C function is `FCGX_Init`.
    public static func initializeLibrary() throws(FastCGIError) {
        let status = LibFCGI.initialize()
        guard status == 0 else { throw FastCGIError(.openSocket, operation: "FCGX_Init", cCode: status) }
    }

    /// Opens the listening socket.
    /// - Parameters:
    ///   - address: where to listen.
    ///   - socketMode: permission bits of a unix socket, so the web server's user can connect (e.g. `0o660`).
    ///   - backlog: the kernel's queue of connections not yet accepted.
    ///   Both apply only to a socket this call creates: an inherited or passed one keeps what its creator set
    ///   (for socket activation, the socket unit's `SocketMode=` and `Backlog=`).
    /// - Throws: `FastCGIError.openSocket` with the C error text.
    /// The corresponding C function is `FCGX_OpenSocket`.
    public static func open(
        _ address: FastCGIListenAddress,
        socketMode: UInt32 = 0o660,
        backlog: Int32 = 128
    ) throws(FastCGIError) -> FastCGIListener {
        switch address.kind {
        case .inheritedDescriptor:
            // The FastCGI spec: a responder started by the web server finds its listening socket on fd 0.
            var type: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else {
                throw FastCGIError(
                    .openSocket, operation: "getsockopt(fd 0)", cCode: errno,
                    cMessage: "standard input is not a socket: start with --listen, or under spawn-fcgi")
            }
            return FastCGIListener(descriptor: 0, address: address)
        case .activatedSocket(let descriptor):
            var listening: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 else {
                throw FastCGIError(
                    .openSocket, operation: "getsockopt(fd \(descriptor))", cCode: errno,
                    cMessage: "no socket on fd \(descriptor): \(errnoText())")
            }
            guard listening == 1 else {
                throw FastCGIError(
                    .openSocket, operation: "getsockopt(fd \(descriptor), SO_ACCEPTCONN)",
                    cMessage: "fd \(descriptor) is a socket but not a listening one (the socket unit needs Accept=no)")
            }
            // systemd passes the descriptor without FD_CLOEXEC (it had to survive exec); nothing the responder
            // starts later may inherit it.
            let flags = fcntl(descriptor, F_GETFD)
            guard flags >= 0, fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) == 0 else {
                throw FastCGIError(
                    .openSocket, operation: "fcntl(fd \(descriptor), FD_CLOEXEC)", cCode: errno, cMessage: errnoText())
            }
            return FastCGIListener(descriptor: descriptor, address: address)
        case .unixSocket(let path):
            removeStaleSocket(at: path)
            let descriptor = LibFCGI.openSocket(path, backlog: backlog)
            guard descriptor >= 0 else {
                throw FastCGIError(
                    .openSocket, operation: "FCGX_OpenSocket(\(path))", cCode: errno, cMessage: errnoText())
            }
            guard chmod(path, mode_t(socketMode)) == 0 else {
                let error = FastCGIError(.openSocket, operation: "chmod(\(path))", cCode: errno, cMessage: errnoText())
                Glibc.close(descriptor)
                unlink(path)
                throw error
            }
            return FastCGIListener(descriptor: descriptor, address: address)
        case .tcp(let host, let port):
            let descriptor = LibFCGI.openSocket("\(host):\(port)", backlog: backlog)
            guard descriptor >= 0 else {
                throw FastCGIError(
                    .openSocket, operation: "FCGX_OpenSocket(\(host):\(port))", cCode: errno, cMessage: errnoText())
            }
            return FastCGIListener(descriptor: descriptor, address: address)
        }
    }

    /// Closes the socket and removes a unix socket's path. Call after the workers have stopped.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        if case .unixSocket(let path) = address.kind { unlink(path) }
        // A passed socket is closed in this process only: systemd's copy keeps it listening for the next start.
        if descriptor != 0 { Glibc.close(descriptor) }
    }

    deinit {
        assert(isClosed, "leak of an open FastCGIListener: call close() after the workers stop")
    }

    /// A previous run that crashed leaves its socket file behind and bind() would fail with EADDRINUSE.
    /// Only a socket is removed, never a regular file someone put there by mistake.
    private static func removeStaleSocket(at path: String) {
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    // strerror_r, not strerror: workers call this on their own threads, and strerror's buffer is shared.
    var buffer = [CChar](repeating: 0, count: 256)
    guard strerror_r(code, &buffer, buffer.count) == 0 else { return "error \(code)" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
