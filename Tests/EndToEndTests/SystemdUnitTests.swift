import Foundation
import MenuKnowledgeTesting
import Testing

/// The shipped units as systemd itself reads them (issue 15): `systemd-analyze verify` parses every directive and
/// checks the commands exist, without a running systemd. It exits 0 even on an unknown key, so its output must be
/// empty.
struct SystemdUnitTests {
    @Test func theSocketAndServiceUnitsPassSystemdAnalyzeVerify() throws {
        let directory = try TestEnvironment.makeTemporaryDirectory("units")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = try TestEnvironment.responderBinary()
        for unit in ["menu-api.socket", "menu-api.service"] {
            let text = try String(
                contentsOfFile: TestEnvironment.repositoryRoot + "/conf/" + unit, encoding: .utf8)
            // The installed path does not exist here; the commands are checked against the test's binary.
            try text.replacingOccurrences(of: "/usr/local/bin/menu-api", with: binary)
                .write(toFile: directory + "/" + unit, atomically: true, encoding: .utf8)
        }
        let logPath = directory + "/verify.log"
        let status = try ChildProcess.run(
            try TestEnvironment.program("systemd-analyze"),
            ["verify", "--man=no", directory + "/menu-api.socket", directory + "/menu-api.service"],
            logPath: logPath)
        let output = (FileManager.default.contents(atPath: logPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(status == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
    }
}
