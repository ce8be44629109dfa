import Foundation
import Glibc
import MenuKnowledgeTesting
import Testing

/// The TLS server of the production site (nginx/menu-api.conf) with a self-signed certificate made here, on
/// private loopback ports, in front of a real responder (issue 15): the protocols it accepts and refuses, HSTS on
/// its answers, and the plain-HTTP server's redirect.
@Suite(.serialized) struct TLSEndToEndTests {
    static let serverName = "menu-api.example.com"

    /// What one `openssl s_client` or `curl` run printed, and its exit status.
    struct Run {
        var status: Int32
        var output: String
    }

    static func run(_ program: String, _ arguments: [String], in directory: String) throws -> Run {
        let logPath = directory + "/\(program)-\(UUID().uuidString.prefix(8)).log"
        let status = try ChildProcess.run(
            try TestEnvironment.program(program), arguments, logPath: logPath, timeout: .seconds(30))
        // Decoded leniently: s_client's session dump may hold bytes that are not UTF-8.
        let bytes = FileManager.default.contents(atPath: logPath) ?? Data()
        return Run(status: status, output: String(decoding: bytes, as: UTF8.self))
    }

    /// A handshake with only `version` enabled in the client. `@SECLEVEL=0` lets OpenSSL 3's client offer TLS 1.0
    /// and 1.1 at all, so a refusal is the server's (its "protocol version" alert), not the client's.
    static func handshake(_ version: String, port: Int, certificate: String, in directory: String) throws -> Run {
        try run(
            "openssl",
            [
                "s_client", "-connect", "127.0.0.1:\(port)", "-servername", serverName, "-\(version)",
                "-cipher", "DEFAULT:@SECLEVEL=0", "-CAfile", certificate, "-verify_hostname", serverName,
                "-verify_return_error", "-alpn", "h2,http/1.1",
            ], in: directory)
    }

    @Test func productionTLSServerAcceptsOnlyTLS12And13AndSendsHSTS() throws {
        let schema = try ScratchSchema()
        defer { schema.drop() }
        let service = try LiveService(databaseURL: schema.url)
        defer { service.stop() }
        let directory = try TestEnvironment.makeTemporaryDirectory("tls")
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let certificate = directory + "/fullchain.pem"
        let key = directory + "/privkey.pem"
        let made = try Self.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=\(Self.serverName)",
                "-addext", "subjectAltName=DNS:\(Self.serverName)",
            ], in: directory)
        try #require(made.status == 0, "\(made.output)")

        let site = ProductionSite(
            httpPort: try LoopbackPort.free(), httpsPort: try LoopbackPort.free(),
            redirectPort: try LoopbackPort.free(), upstream: service.upstream, certificatePath: certificate,
            keyPath: key)
        let nginx = try ChildProcess(
            executable: try TestEnvironment.program("nginx"), arguments: try site.render(into: directory + "/nginx"),
            logPath: directory + "/nginx.log")
        defer { _ = try? nginx.stop(signal: SIGQUIT, timeout: .seconds(10)) }
        try LoopbackPort.waitUntilListening(site.httpsPort)
        try LoopbackPort.waitUntilListening(site.redirectPort)

        for version in ["tls1_2", "tls1_3"] {
            let accepted = try Self.handshake(
                version, port: site.httpsPort, certificate: certificate, in: directory)
            #expect(accepted.status == 0, "\(version): \(accepted.output)")
            let protocolName = version == "tls1_2" ? "TLSv1.2" : "TLSv1.3"
            // The connection summary names the protocol; the session block (`Protocol  :`) comes only with a
            // TLS 1.3 session ticket, which s_client may close before it arrives.
            #expect(accepted.output.contains("New, \(protocolName), Cipher is"), "\(accepted.output)")
            #expect(accepted.output.contains("Verify return code: 0 (ok)"), "\(accepted.output)")
            #expect(accepted.output.contains("ALPN protocol: h2"), "HTTP/2 offered: \(accepted.output)")
        }
        for version in ["tls1_1", "tls1"] {
            let refused = try Self.handshake(version, port: site.httpsPort, certificate: certificate, in: directory)
            #expect(refused.status != 0, "\(version): \(refused.output)")
            #expect(refused.output.contains("alert protocol version"), "\(version): \(refused.output)")
        }

        // The API's answer and the pages' (whose location sets its own headers) both carry HSTS.
        for path in ["/api/v1/health", "/"] {
            let https = try Self.run(
                "curl",
                [
                    "-sS", "-i", "--http1.1", "--cacert", certificate, "--resolve",
                    "\(Self.serverName):\(site.httpsPort):127.0.0.1",
                    "https://\(Self.serverName):\(site.httpsPort)\(path)",
                ], in: directory)
            #expect(https.status == 0, "\(https.output)")
            #expect(https.output.hasPrefix("HTTP/1.1 200"), "\(path): \(https.output.prefix(300))")
            let hsts = https.output.split(separator: "\r\n").filter {
                $0.lowercased().hasPrefix("strict-transport-security:")
            }
            #expect(
                hsts == ["Strict-Transport-Security: max-age=63072000; includeSubDomains"], "\(path): \(https.output)")
        }

        // The control: the same client does complete TLS 1.1 and 1.0 with a server that allows them, so the refusals
        // above are the site's ssl_protocols and ciphers, not OpenSSL 3's client defaults.
        var permissive = site
        (permissive.httpPort, permissive.httpsPort, permissive.redirectPort) = (
            try LoopbackPort.free(), try LoopbackPort.free(), try LoopbackPort.free()
        )
        permissive.changes = [
            ("ssl_protocols TLSv1.2 TLSv1.3;", "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;"),
            (
                "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:",
                "ssl_ciphers DEFAULT:@SECLEVEL=0:ECDHE-ECDSA-AES128-GCM-SHA256:"
            ),
        ]
        let control = try ChildProcess(
            executable: try TestEnvironment.program("nginx"),
            arguments: try permissive.render(into: directory + "/nginx-control"), logPath: directory + "/control.log")
        defer { _ = try? control.stop(signal: SIGQUIT, timeout: .seconds(10)) }
        try LoopbackPort.waitUntilListening(permissive.httpsPort)
        for version in ["tls1_1", "tls1"] {
            let accepted = try Self.handshake(
                version, port: permissive.httpsPort, certificate: certificate, in: directory)
            #expect(accepted.status == 0, "control \(version): \(accepted.output)")
        }

        let plain = try TestHTTPClient.request("GET", "/api/v1/health?probe=1", port: site.redirectPort)
        #expect([301, 308].contains(plain.status), "\(plain.status) \(plain.text)")
        let location = try #require(plain.headers["location"])
        #expect(location.hasPrefix("https://"), "\(location)")
        #expect(location.hasSuffix("/api/v1/health?probe=1"), "\(location)")
        // The plain-HTTP service port answers without TLS and without HSTS (nothing for a browser to pin there).
        let servicePort = try TestHTTPClient.request("GET", "/api/v1/health", port: site.httpPort)
        #expect(servicePort.status == 200)
        #expect(servicePort.headers["strict-transport-security"] == nil)
    }
}
