/// Where the responder listens for the web server's FastCGI connections.
///
/// ```
/// try FastCGIListenAddress(parsing: "unix:/run/menu-api/menu-api.sock")
/// try FastCGIListenAddress(parsing: "127.0.0.1:9000")
/// FastCGIListenAddress.inheritedDescriptor   // spawn-fcgi, mod_fcgid: the socket is already open on fd 0
/// try FastCGIListenAddress(parsing: "systemd") // socket activation: systemd holds the socket, passed on fd 3
/// ```
public struct FastCGIListenAddress: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case unixSocket(path: String)
        case tcp(host: String, port: Int)
        case inheritedDescriptor
        case activatedSocket(descriptor: Int32)
    }
    let kind: Kind

    /// A unix-domain socket at `path` (created, and removed again on close).
    public static func unixSocket(path: String) -> FastCGIListenAddress { .init(kind: .unixSocket(path: path)) }
    /// A TCP socket on `host:port`. Bind to loopback unless the web server really is on another host.
    public static func tcp(host: String, port: Int) -> FastCGIListenAddress {
        .init(kind: .tcp(host: host, port: port))
    }
    /// The listening socket a web server or `spawn-fcgi` hands over as file descriptor 0 (the FastCGI spec's way).
    public static let inheritedDescriptor = FastCGIListenAddress(kind: .inheritedDescriptor)
    /// The listening socket systemd passes by socket activation, on file descriptor 3 (``SocketActivation``
    /// checks the variables that say it is there).
    public static let socketActivation = FastCGIListenAddress(
        kind: .activatedSocket(descriptor: SocketActivation.firstDescriptor))

    private init(kind: Kind) { self.kind = kind }

    /// Parses `unix:/path/to.sock`, `host:port`, `stdin` (the inherited descriptor) or `systemd` (socket activation).
    /// - Throws: `FastCGIListenAddress.ParseError` naming what is wrong.
    public init(parsing text: String) throws(ParseError) {
        if text == "stdin" || text == "fd:0" {
            self = .inheritedDescriptor
        } else if text == "systemd" {
            self = .socketActivation
        } else if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            guard path.hasPrefix("/") else { throw ParseError(text: text, reason: "the socket path must be absolute") }
            // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
            guard path.utf8.count < 108 else { throw ParseError(text: text, reason: "the socket path is too long") }
            self = .unixSocket(path: path)
        } else if let colon = text.lastIndex(of: ":") {
            let host = String(text[..<colon])
            guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
                throw ParseError(text: text, reason: "the port must be a number from 1 to 65535")
            }
            guard !host.isEmpty else { throw ParseError(text: text, reason: "the host is missing") }
            self = .tcp(host: host, port: port)
        } else {
            throw ParseError(text: text, reason: "expected unix:/path, host:port, stdin or systemd")
        }
    }

    public var description: String {
        switch kind {
        case .unixSocket(let path): "unix:\(path)"
        case .tcp(let host, let port): "\(host):\(port)"
        case .inheritedDescriptor: "stdin"
        case .activatedSocket: "systemd"
        }
    }

    /// A listen address that could not be parsed.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "invalid listen address '\(text)': \(reason)" }
    }
}
