import Foundation
import MenuKnowledgeTesting

/// Debian's `promtool` (package `prometheus`, which `make test` installs): a missing one fails the test with its
/// name, never skips it.
enum Promtool {
    /// Runs `promtool` with `arguments`, optionally feeding `input` on its stdin (`check metrics` reads only stdin).
    /// - Returns: the exit status and everything it printed, stdout and stderr together.
    static func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let promtool = try TestEnvironment.program("promtool")
        let directory = try TestEnvironment.makeTemporaryDirectory("promtool")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logPath = directory + "/output"
        let status: Int32
        if let input {
            // ChildProcess gives children /dev/null as stdin; a shell redirects the scrape in instead.
            let inputPath = directory + "/input"
            try Data(input.utf8).write(to: URL(fileURLWithPath: inputPath))
            status = try ChildProcess.run(
                "/bin/sh", ["-c", "exec \"$0\" \"$@\" < \"$INPUT\"", promtool] + arguments,
                environment: ["INPUT": inputPath], logPath: logPath)
        } else {
            status = try ChildProcess.run(promtool, arguments, logPath: logPath)
        }
        return (status, (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }
}
