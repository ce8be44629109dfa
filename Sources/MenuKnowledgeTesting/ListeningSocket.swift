import Glibc

/// A listening unix socket the test holds, the way systemd holds a socket unit's: responders started with it on
/// fd 3 come and go while it stays open.
///
/// ```
/// let socket = try ListeningSocket(path: directory + "/menu-api.sock")
/// defer { socket.close() }
/// let child = try ChildProcess(executable: ..., passedDescriptors: [socket.descriptor], logPath: ...)
/// ```
public final class ListeningSocket: @unchecked Sendable {
    // Sendable: the descriptor is immutable; close() is called once, by the test that made it.

    /// The listening descriptor, close-on-exec in this process (only a child it is passed to gets it).
    public let descriptor: Int32
    /// The socket's path.
    public let path: String
    private var isClosed = false

    /// Creates, binds and listens, with mode 0666 so nginx's workers (nobody, under root) can connect.
    /// - Parameters:
    ///   - path: where to bind; shorter than 108 bytes.
    ///   - backlog: connections the kernel queues while no one accepts. Defaults to 128.
    public init(path: String, backlog: Int32 = 128) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.error("socket", path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(descriptor)
            throw TestEnvironmentError(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, chmod(path, 0o666) == 0, listen(descriptor, backlog) == 0 else {
            let error = Self.error("bind/listen", path)
            Glibc.close(descriptor)
            unlink(path)
            throw error
        }
    }

    /// Closes the socket and removes its path.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
        unlink(path)
    }

    deinit { close() }

    private static func error(_ operation: String, _ path: String) -> TestEnvironmentError {
        TestEnvironmentError(description: "\(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
