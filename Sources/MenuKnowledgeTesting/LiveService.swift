import Foundation
import Glibc

/// The real thing on loopback: nginx from the checked-in template in front of a `menu-api` responder process.
///
/// ```
/// let service = try LiveService(databaseURL: schema.url)
/// defer { service.stop() }
/// let response = try service.request("GET", "/api/v1/health")
/// ```
public final class LiveService {
    /// How the responder gets its listening socket.
    public enum Listen: Sendable, CustomStringConvertible {
        /// `--listen unix:/dir/menu-api.sock`
        case unixSocket
        /// `--listen 127.0.0.1:PORT`
        case tcp
        /// `spawn-fcgi` creates the socket and hands it over on fd 0; the responder starts without `--listen`.
        case spawnFCGI

        public var description: String {
            switch self {
            case .unixSocket: "unix socket"
            case .tcp: "TCP"
            case .spawnFCGI: "spawn-fcgi on fd 0"
            }
        }
    }

    /// The directory holding the socket, nginx's prefix and the logs.
    public let directory: String
    /// nginx's port on 127.0.0.1.
    public let port: Int
    /// The responder process.
    public private(set) var responder: ChildProcess
    /// The nginx process.
    public let nginx: ChildProcess
    /// The upstream address nginx uses.
    public let upstream: String
    private let responderArguments: [String]
    private let responderEnvironment: [String: String]
    private let listen: Listen
    private let socketPath: String

    /// Starts a responder and nginx.
    /// - Parameters:
    ///   - databaseURL: the responder's `DATABASE_URL`.
    ///   - listen: how the responder listens. Defaults to a unix socket.
    ///   - workers: `MENU_API_WORKERS`. Defaults to 4.
    ///   - keepalive: nginx's kept upstream connections. Defaults to 4.
    ///   - environment: more variables for the responder (they win over the defaults here).
    ///   - nginxEnvironment: variables for `scripts/render-nginx.sh`. Defaults to ``generousUploadLimits``; `[:]`
    ///     renders the production site's abuse limits.
    public init(
        databaseURL: String, listen: Listen = .unixSocket, workers: Int = 4, keepalive: Int = 4,
        environment: [String: String] = [:], nginxEnvironment: [String: String] = LiveService.generousUploadLimits
    ) throws {
        directory = try TestEnvironment.makeTemporaryDirectory("live")
        port = try LoopbackPort.free()
        self.listen = listen
        socketPath = directory + "/menu-api.sock"
        var variables = Self.responderEnvironment(databaseURL: databaseURL, workers: workers)
        for (name, value) in environment { variables[name] = value }
        responderEnvironment = variables

        switch listen {
        case .unixSocket:
            upstream = "unix:" + socketPath
            responderArguments = ["serve", "--listen", upstream]
        case .tcp:
            upstream = "127.0.0.1:\(try LoopbackPort.free())"
            responderArguments = ["serve", "--listen", upstream]
        case .spawnFCGI:
            upstream = "unix:" + socketPath
            responderArguments = []
        }
        responder = try Self.startResponder(
            listen: listen, arguments: responderArguments, environment: variables, socketPath: socketPath,
            logPath: directory + "/responder.log")
        try responder.waitForLog("serving")

        nginx = try Self.startNginx(
            directory: directory, port: port, upstream: upstream, keepalive: keepalive,
            nginxEnvironment: nginxEnvironment)
    }

    /// Starts nginx from the checked-in template in front of `upstream`, and waits until it listens: for tests whose
    /// responder is started by something else (the deploy test's supervisor).
    /// - Parameters:
    ///   - directory: where nginx's prefix (`nginx/`) and log (`nginx.log`) go.
    ///   - port: nginx's port on 127.0.0.1.
    ///   - upstream: `unix:/path.sock` or `127.0.0.1:PORT`.
    ///   - keepalive: nginx's kept upstream connections. Defaults to 4.
    ///   - nginxEnvironment: variables for `scripts/render-nginx.sh`. Defaults to ``generousUploadLimits``.
    /// - Returns: the nginx process; stop it with `SIGQUIT`.
    public static func startNginx(
        directory: String, port: Int, upstream: String, keepalive: Int = 4,
        nginxEnvironment: [String: String] = LiveService.generousUploadLimits
    ) throws -> ChildProcess {
        let prefix = directory + "/nginx"
        let rendered = try ChildProcess.run(
            TestEnvironment.repositoryRoot + "/scripts/render-nginx.sh",
            [prefix, String(port), upstream, String(keepalive)], environment: nginxEnvironment)
        guard rendered == 0 else { throw TestEnvironmentError(description: "render-nginx.sh failed with \(rendered)") }
        let nginx = try ChildProcess(
            executable: try TestEnvironment.program("nginx"),
            arguments: [
                "-p", prefix, "-c", prefix + "/nginx.conf", "-e", prefix + "/logs/error.log", "-g", "daemon off;",
            ],
            logPath: directory + "/nginx.log")
        try LoopbackPort.waitUntilListening(port)
        return nginx
    }

    private static func startResponder(
        listen: Listen, arguments: [String], environment: [String: String], socketPath: String, logPath: String
    ) throws -> ChildProcess {
        let binary = try TestEnvironment.responderBinary()
        switch listen {
        case .unixSocket, .tcp:
            return try ChildProcess(
                executable: binary, arguments: arguments, environment: environment, logPath: logPath)
        case .spawnFCGI:
            // -n: stay in the foreground, so the test owns the responder's process; -M: the socket's mode.
            return try ChildProcess(
                executable: try TestEnvironment.program("spawn-fcgi"),
                arguments: ["-n", "-s", socketPath, "-M", "0666", "--", binary], environment: environment,
                logPath: logPath)
        }
    }

    /// The variables every test's responder starts with: for tests that start responders of their own.
    /// - Parameters:
    ///   - databaseURL: `DATABASE_URL`.
    ///   - workers: `MENU_API_WORKERS`.
    public static func responderEnvironment(databaseURL: String, workers: Int) -> [String: String] {
        [
            "DATABASE_URL": databaseURL, "MENU_API_WORKERS": String(workers), "MENU_API_SOCKET_MODE": "0666",
            "MENU_API_TEST_ROUTES": "1", "MENU_API_SHUTDOWN_GRACE_SECONDS": "20", "LOG_LEVEL": "debug",
            "DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
        ]
    }

    /// Upload limits no test's load reaches (parallel and repeated uploads from one loopback address are no abuse):
    /// the abuse-limit test alone runs with the production site's.
    public static let generousUploadLimits = [
        "MENU_API_UPLOAD_RATE_PER_ADDRESS": "1000r/s", "MENU_API_UPLOAD_BURST_PER_ADDRESS": "100000",
        "MENU_API_UPLOAD_RATE_PER_KEY": "1000r/s", "MENU_API_UPLOAD_BURST_PER_KEY": "100000",
        "MENU_API_UPLOAD_CONNECTIONS_PER_ADDRESS": "10000", "MENU_API_UPLOAD_CONNECTIONS_PER_KEY": "10000",
    ]

    /// Sends a request through nginx.
    public func request(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(30)
    ) throws -> TestHTTPResponse {
        try TestHTTPClient.request(method, path, port: port, headers: headers, body: body, timeout: timeout)
    }

    /// Stops nginx and the responder and removes the directory.
    public func stop() {
        _ = try? nginx.stop(signal: SIGQUIT, timeout: .seconds(10))
        _ = try? responder.stop(timeout: .seconds(25))
        try? FileManager.default.removeItem(atPath: directory)
    }
}
