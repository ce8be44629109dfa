import Foundation

/// Where the tests find the services and programs `make test` prepared. A missing one fails the test with the
/// variable's name: a test never skips silently because a service is absent.
public enum TestEnvironment {
    /// The repository root, found from this file's location.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A variable's value, or an error naming it.
    public static func require(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestEnvironmentError(
                description: "\(name) is not set: run the tests with `make test`, which starts PostgreSQL and sets it")
        }
        return value
    }

    /// The shared test cluster's URL (`MENU_API_TEST_DATABASE_URL`), for a superuser role.
    public static func databaseURL() throws -> String { try require("MENU_API_TEST_DATABASE_URL") }

    /// The built `menu-api` executable: `MENU_API_BINARY`, else the one beside the test bundle.
    public static func responderBinary() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["MENU_API_BINARY"], !configured.isEmpty {
            return configured
        }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "menu-api"
        ).path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let debug = repositoryRoot + "/.build/debug/menu-api"
        guard FileManager.default.isExecutableFile(atPath: debug) else {
            throw TestEnvironmentError(
                description: "menu-api is not built: set MENU_API_BINARY or run `swift build` first")
        }
        return debug
    }

    /// A program on PATH (`nginx`, `spawn-fcgi`), or an error naming it.
    public static func program(_ name: String) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin:/sbin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestEnvironmentError(description: "\(name) is not installed: `make test` installs it")
    }

    /// A new directory that nginx's unprivileged workers can traverse, removed by the caller.
    public static func makeTemporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "menu-api-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return path
    }
}

/// A test prerequisite is missing.
public struct TestEnvironmentError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}
