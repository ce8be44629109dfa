import Dispatch
import Foundation
import Glibc
import MenuKnowledgeTesting
import Synchronization
import Testing

/// Socket activation (issue 15): the test plays systemd's part, holding the listening socket and passing it on
/// fd 3 to one responder after another, as `systemctl restart menu-api` does with conf/menu-api.socket. Requests
/// sent through nginx while the first responder stops and the second starts must all be answered.
@Suite(.serialized) struct SocketActivationEndToEndTests {
    /// Counts of what the load's clients got back.
    final class Tally: Sendable {
        let statuses = Mutex<[Int: Int]>([:])
        let failures = Mutex<[String]>([])

        func record(_ result: Result<TestHTTPResponse, any Error>) {
            switch result {
            case .success(let response): statuses.withLock { $0[response.status, default: 0] += 1 }
            case .failure(let error): failures.withLock { $0.append("\(error)") }
            }
        }
    }

    /// A scratch schema, a directory, and the socket the test holds in systemd's place.
    struct Fixture {
        let schema: ScratchSchema
        let directory: String
        let socket: ListeningSocket

        init() throws {
            schema = try ScratchSchema()
            do {
                directory = try TestEnvironment.makeTemporaryDirectory("socket-activation")
                socket = try ListeningSocket(path: directory + "/menu-api.sock")
            } catch {
                schema.drop()
                throw error
            }
        }

        func drop() {
            socket.close()
            try? FileManager.default.removeItem(atPath: directory)
            schema.drop()
        }
    }

    /// Starts `menu-api serve` with `socket` as fd 3 and the sd_listen_fds variables. LISTEN_PID must be the
    /// responder's own pid, known only after fork: the shell sets it to its `$$` and `exec` keeps that pid.
    static func startResponder(
        socket: ListeningSocket, arguments: [String], databaseURL: String, logPath: String
    ) throws -> ChildProcess {
        var environment = LiveService.responderEnvironment(databaseURL: databaseURL, workers: 4)
        environment["LOG_LEVEL"] = "info"
        environment["LISTEN_FDS"] = "1"
        environment["LISTEN_FDNAMES"] = "menu-api"
        return try ChildProcess(
            executable: "/bin/sh",
            arguments: ["-c", #"LISTEN_PID=$$ exec "$0" "$@""#, try TestEnvironment.responderBinary()] + arguments,
            environment: environment, passedDescriptors: [socket.descriptor], logPath: logPath)
    }

    /// Requests the responder answered, from its own request lines.
    static func answeredCount(_ responder: ChildProcess) -> Int {
        responder.log().split(separator: "\n").count { $0.contains("Request answered") }
    }

    @Test func restartOnTheInheritedSocketDropsNoRequest() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        let (schema, directory, socket) = (fixture.schema, fixture.directory, fixture.socket)

        // The unit's command line, then the same without --listen: the variables alone choose activation.
        let first = try Self.startResponder(
            socket: socket, arguments: ["serve", "--listen", "systemd"], databaseURL: schema.url,
            logPath: directory + "/first.log")
        try first.waitForLog("serving")
        #expect(first.log().contains("systemd (menu-api)"))
        let port = try LoopbackPort.free()
        let nginx = try LiveService.startNginx(directory: directory, port: port, upstream: "unix:" + socket.path)
        defer { _ = try? nginx.stop(signal: SIGQUIT, timeout: .seconds(10)) }

        let tally = Tally()
        let isLoading = Atomic<Bool>(true)
        let clients = DispatchGroup()
        for client in 0..<4 {
            DispatchQueue.global().async(group: clients) {
                var index = 0
                while isLoading.load(ordering: .relaxed) {
                    // The liveness route, and the readiness route, which also queries PostgreSQL.
                    let path = (client + index) % 2 == 0 ? "/api/v1/health" : "/api/v1/health/ready"
                    tally.record(Result { try TestHTTPClient.request("GET", path, port: port, timeout: .seconds(20)) })
                    index += 1
                }
            }
        }

        usleep(1_500_000)
        // systemctl restart: SIGTERM, wait for the exit, start again; the socket stays open throughout.
        #expect(try first.stop(signal: SIGTERM, timeout: .seconds(25)) == 0)
        let second = try Self.startResponder(
            socket: socket, arguments: ["serve"], databaseURL: schema.url, logPath: directory + "/second.log")
        defer { _ = try? second.stop(timeout: .seconds(25)) }
        try second.waitForLog("serving")
        usleep(2_500_000)
        isLoading.store(false, ordering: .relaxed)
        clients.wait()

        let statuses = tally.statuses.withLock { $0 }
        let failures = tally.failures.withLock { $0 }
        let total = statuses.values.reduce(0, +)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(statuses.keys.allSatisfy { (200..<300).contains($0) }, "\(statuses)")
        #expect(total > 100, "\(statuses)")
        #expect(Self.answeredCount(first) > 0, "the first responder served")
        #expect(Self.answeredCount(second) > 0, "the second responder served")
        #expect(second.log().contains("systemd (menu-api)"))
        #expect(try second.stop(signal: SIGTERM, timeout: .seconds(25)) == 0)
        #expect(first.log().contains("Stopped"))
    }

    @Test func variablesOfAnotherProcessAreRefusedOrIgnored() throws {
        let fixture = try Fixture()
        defer { fixture.drop() }
        var environment = LiveService.responderEnvironment(databaseURL: fixture.schema.url, workers: 1)
        environment["LISTEN_FDS"] = "1"
        environment["LISTEN_PID"] = "1"
        let binary = try TestEnvironment.responderBinary()
        // Asked for socket activation: variables naming another process are an error with the reason.
        let explicit = try ChildProcess(
            executable: binary, arguments: ["serve", "--listen", "systemd"], environment: environment,
            passedDescriptors: [fixture.socket.descriptor], logPath: fixture.directory + "/explicit.log")
        #expect(try explicit.waitForExit(timeout: .seconds(20)) == 78)
        #expect(explicit.log().contains("is not this process"))
        // Not asked: they are ignored (inherited from an activated parent) and the fd-0 mode is chosen, which here
        // finds /dev/null on fd 0 and says so (EX_OSERR).
        let inherited = try ChildProcess(
            executable: binary, arguments: ["serve"], environment: environment,
            passedDescriptors: [fixture.socket.descriptor], logPath: fixture.directory + "/inherited.log")
        #expect(try inherited.waitForExit(timeout: .seconds(20)) == 71)
        #expect(inherited.log().contains("standard input is not a socket"))
    }
}
