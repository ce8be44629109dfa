import Foundation
import Glibc
import MenuKnowledgeTesting
import Testing

/// A deploy target on loopback for `scripts/deploy`: a deploy root, a git repository with good and broken branches
/// (`Deploy/make-repository.sh`), the test's supervisor in systemd's place (`Deploy/supervisor.sh`), real nginx in
/// front of the socket it keeps, the service's env file, and a notification receiver.
///
/// Builds are `Deploy/fast-build.sh`: the debug `menu-api` of this test run with each revision's migrations, not a
/// release build of each revision.
final class DeployFixture {
    /// `/api/v1/health`'s body with the env file's `APP_ENV`.
    static let healthBody =
        #"{"status":"ok","service":"Menu Knowledge Engine","version":"0.1.0","environment":"test"}"#
    /// The service's database: a schema of the test cluster, dropped by ``stop()``.
    let schema: ScratchSchema
    /// Everything the fixture makes lives here.
    let directory: String
    /// `DEPLOY_ROOT`, also the supervisor's directory (its socket, pid files and the responder's log).
    let root: String
    /// The repository deployed from (`DEPLOY_REPOSITORY`).
    let repository: String
    /// The admin token in the env file; no deploy output or notification may show it.
    let adminToken: String
    /// The part of the notification URL a leak would show.
    let notifySecret = "B0DEPLOY/secret-webhook-part"
    let nginxPort: Int
    let receiver: FakeHTTPServer
    private let nginx: ChildProcess
    private let supervisor: ChildProcess
    private var deploys = 0

    static let deployScript = TestEnvironment.repositoryRoot + "/scripts/deploy"
    static let helpers = TestEnvironment.repositoryRoot + "/Tests/EndToEndTests/Deploy"

    init() throws {
        schema = try ScratchSchema()
        let databaseURL = schema.url
        directory = try TestEnvironment.makeTemporaryDirectory("deploy")
        root = directory + "/root"
        repository = directory + "/repository"
        try FileManager.default.createDirectory(
            atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        adminToken = (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()

        let made = try ChildProcess.run(
            Self.helpers + "/make-repository.sh", [TestEnvironment.repositoryRoot, repository],
            logPath: directory + "/make-repository.log")
        guard made == 0 else {
            throw TestEnvironmentError(
                description: "make-repository.sh failed: \(Self.read(directory + "/make-repository.log"))")
        }

        let service = [
            "DATABASE_URL": databaseURL, "ADMIN_TOKEN": adminToken, "APP_ENV": "test",
            "DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
        ]
        // The service's env file as an operator writes it: comments, a quoted value.
        let envFile =
            "# menu-api test service\n\n"
            + service.map { "\($0.key)=\($0.key == "APP_ENV" ? "\"\($0.value)\"" : $0.value)" }.sorted().joined(
                separator: "\n") + "\n"
        // In the deploy root, where conf/apache/menu-api.fcgi reads it (shared hosting keeps it in $HOME/menu-api).
        try envFile.write(toFile: root + "/menu-api.env", atomically: true, encoding: .utf8)

        var supervised = service
        supervised["MENU_API_SOCKET_MODE"] = "0666"
        supervised["MENU_API_WORKERS"] = "4"
        supervised["MENU_API_SHUTDOWN_GRACE_SECONDS"] = "5"
        // Under `make test-asan` the responders it starts are sanitized builds and need the same options.
        supervised["ASAN_OPTIONS"] = ProcessInfo.processInfo.environment["ASAN_OPTIONS"]
        supervisor = try ChildProcess(
            executable: Self.helpers + "/supervisor.sh", arguments: ["run", root], environment: supervised,
            logPath: directory + "/supervisor.log")
        nginxPort = try LoopbackPort.free()
        // The pages come from the live release's web/, through `current`, as the production site is told to.
        var nginxEnvironment = LiveService.generousUploadLimits
        nginxEnvironment["MENU_API_WEB_ROOT"] = root + "/current/web"
        nginx = try LiveService.startNginx(
            directory: directory, port: nginxPort, upstream: "unix:\(root)/menu-api.sock",
            nginxEnvironment: nginxEnvironment)
        receiver = try FakeHTTPServer { _ in .json(200, "ok") }
    }

    /// Runs `scripts/deploy` to its end.
    /// - Parameters:
    ///   - arguments: the revision, if any.
    ///   - verifySeconds: `DEPLOY_VERIFY_SECONDS`.
    ///   - url: `DEPLOY_URL`. Defaults to the fixture's nginx.
    ///   - restartCommand: `DEPLOY_RESTART_COMMAND`. Defaults to the supervisor's restart.
    /// - Returns: the exit status and everything the script printed.
    func deploy(
        _ arguments: [String] = [], verifySeconds: Int = 30, url: String? = nil, restartCommand: String? = nil
    ) throws -> (status: Int32, output: String) {
        deploys += 1
        let log = directory + "/deploy-\(deploys).log"
        let status = try ChildProcess.run(
            Self.deployScript, arguments,
            environment: [
                "DEPLOY_ROOT": root, "DEPLOY_REPOSITORY": repository, "DEPLOY_BRANCH": "deploy-test",
                "DEPLOY_ENV_FILE": root + "/menu-api.env", "DEPLOY_URL": url ?? "http://127.0.0.1:\(nginxPort)",
                "DEPLOY_VERIFY_SECONDS": String(verifySeconds), "DEPLOY_KEEP": "2",
                "DEPLOY_RESTART_COMMAND": restartCommand ?? "'\(Self.helpers)/supervisor.sh' restart '\(root)'",
                "DEPLOY_BUILD_COMMAND": "'\(Self.helpers)/fast-build.sh'",
                "DEPLOY_NOTIFY_URL": receiver.baseURL + "/services/T0DEPLOY/" + notifySecret,
                "MENU_API_BINARY": try TestEnvironment.responderBinary(),
            ],
            logPath: log, timeout: .seconds(240))
        return (status, Self.read(log))
    }

    /// The release `current` points at (`releases/NAME` → `NAME`).
    func currentRelease() throws -> String {
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: root + "/current")
        return String(target.dropFirst("releases/".count))
    }

    /// The release directories, sorted.
    func releases() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/releases").sorted()
    }

    /// The supervised responder's pid.
    func responderPID() throws -> Int32 {
        let text = Self.read(root + "/responder.pid").trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(Int32(text))
    }

    /// The executable the responder runs, as the kernel resolved it at exec (the release's, not `current`).
    func responderExecutable() throws -> String {
        try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(try responderPID())/exe")
    }

    /// The release each process running a release's `menu-api` of this deploy root runs, one entry per process.
    func releasesRunning() -> [String] {
        let prefix = root + "/releases/"
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe"),
                executable.hasPrefix(prefix), executable.hasSuffix("/menu-api")
            else { return nil }
            return String(executable.dropFirst(prefix.count).dropLast("/menu-api".count))
        }
    }

    /// Starts Apache with mod_fcgid on 127.0.0.1 from the shipped `conf/apache/` files, serving this deploy root's
    /// `current` (`Deploy/render-apache.sh`).
    /// - Returns: the Apache process (stop it with SIGTERM; mod_fcgid stops its responders) and its port.
    func startApache() throws -> (process: ChildProcess, port: Int) {
        let port = try LoopbackPort.free()
        let prefix = directory + "/apache"
        let rendered = try ChildProcess.run(
            Self.helpers + "/render-apache.sh", [prefix, String(port), root], logPath: directory + "/render-apache.log")
        guard rendered == 0 else {
            throw TestEnvironmentError(
                description: "render-apache.sh failed: \(Self.read(directory + "/render-apache.log"))")
        }
        let apache = try ChildProcess(
            executable: try TestEnvironment.program("apache2"),
            arguments: ["-f", prefix + "/apache2.conf", "-D", "FOREGROUND"], logPath: directory + "/apache.log")
        try LoopbackPort.waitUntilListening(port)
        return (apache, port)
    }

    /// A commit of the test repository, abbreviated as the release names abbreviate it.
    func shortRevision(_ revision: String) throws -> String {
        let log = directory + "/rev-parse.log"
        let status = try ChildProcess.run(
            try TestEnvironment.program("git"), ["-C", repository, "rev-parse", "--short=8", revision], logPath: log)
        guard status == 0 else { throw TestEnvironmentError(description: "git rev-parse \(revision) failed") }
        return Self.read(log).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The `text` of each notification received, in order; nil for a body that is not `{"text": "..."}`.
    func notifications() -> [String?] {
        receiver.requests.map { request in
            guard request.method == "POST",
                let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                object.count == 1
            else { return nil }
            return object["text"] as? String
        }
    }

    /// A request through nginx.
    func request(_ path: String, headers: [(String, String)] = []) throws -> TestHTTPResponse {
        try TestHTTPClient.request("GET", path, port: nginxPort, headers: headers)
    }

    func stop() {
        _ = try? nginx.stop(signal: SIGQUIT, timeout: .seconds(10))
        _ = try? supervisor.stop(timeout: .seconds(20))
        receiver.stop()
        schema.drop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
