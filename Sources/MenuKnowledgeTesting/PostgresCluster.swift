import Foundation

/// A PostgreSQL cluster of one test's own, for tests that stop and start the server (the shared one must stay
/// up for the other tests). Made with `scripts/pg.sh`; removed by ``destroy()``.
public final class PostgresCluster {
    /// The cluster's directory.
    public let directory: String
    /// Its port on 127.0.0.1.
    public let port: Int
    /// Its `DATABASE_URL`.
    public var url: String { "postgresql://menu_api@127.0.0.1:\(port)/menu_api" }

    /// Creates and starts the cluster (about a second).
    public init() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("pg")
        port = try LoopbackPort.free()
        try run("init", String(port), "--fast")
    }

    /// Stops the server (fast mode: sessions are cut, as in an outage).
    public func stop() throws { try run("stop") }
    /// Starts it again.
    public func start() throws { try run("start") }

    /// Stops the server and removes its files.
    public func destroy() {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func run(_ command: String, _ arguments: String...) throws {
        let status = try ChildProcess.run(
            TestEnvironment.repositoryRoot + "/scripts/pg.sh", [command, directory] + arguments,
            logPath: directory + "-pg.log")
        guard status == 0 else {
            throw TestEnvironmentError(
                description: "scripts/pg.sh \(command) failed with \(status); see \(directory)-pg.log")
        }
    }
}
