import Glibc

/// Loopback ports for servers the tests start.
public enum LoopbackPort {
    /// A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it for a socket bound to port 0.
    public static func free() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestEnvironmentError(description: "socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else { throw TestEnvironmentError(description: "bind() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on `port`, or throws after `timeout`.
    public static func waitUntilListening(_ port: Int, timeout: Duration = .seconds(20)) throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if canConnect(port) { return }
            usleep(20_000)
        }
        throw TestEnvironmentError(description: "nothing listens on 127.0.0.1:\(port) after \(timeout)")
    }

    /// True when a TCP connection to 127.0.0.1:`port` succeeds.
    public static func canConnect(_ port: Int) -> Bool {
        guard let descriptor = try? TestHTTPClient.connectLoopback(port: port, timeout: .seconds(1)) else {
            return false
        }
        close(descriptor)
        return true
    }
}
