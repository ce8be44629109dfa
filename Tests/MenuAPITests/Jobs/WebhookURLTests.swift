import Foundation
import MenuAPI
import Testing

/// Which URLs webhooks may reach: https only, loopback http outside production, no internal address in production.
struct WebhookURLTests {
    static func resolver(_ addresses: [String]) -> (String) -> [IPAddress] {
        { _ in addresses.compactMap(IPAddress.init) }
    }

    @Test(arguments: [
        "https://hooks.example.com/menu", "http://127.0.0.1:8080/cb", "http://localhost/cb", "http://[::1]:9/x",
    ])
    func acceptedOutsideProduction(url: String) throws {
        #expect(try WebhookURL(url, isProduction: false).text == url)
    }

    @Test(arguments: [
        "http://hooks.example.com/menu", "ftp://example.com/x", "not a url", "https://user:pw@example.com/x",
        "/relative/path", "https://",
        // Spaces and control characters, which URLComponents let through: a NUL was a 500 (issue 15).
        "http://127.0.0.1/a\u{0}b", "https://hooks.example.com/a\u{1}b", "https://hooks.example.com/a b",
        "https://hooks.example.com/\u{7F}",
    ])
    func refusedEverywhere(url: String) {
        #expect(throws: WebhookURL.Refusal.self) { try WebhookURL(url, isProduction: false) }
    }

    /// A refusal quotes the URL (it reaches the 400 body and the log): never the password in it, parseable or not.
    @Test(arguments: [
        "http://user:hunter2-pw@[bad", "https://user:hunter2-pw@exa mple.com/x", "http://:hunter2-pw@",
        "https://u:hunter2/pw@host x/cb?q=1",
    ])
    func aRefusalNeverQuotesCredentials(url: String) {
        #expect {
            try WebhookURL(url, isProduction: false)
        } throws: { error in
            guard let refusal = error as? WebhookURL.Refusal else { return false }
            return !refusal.message.contains("hunter2")
        }
    }

    @Test func productionRefusesLoopbackHTTPAndHostsResolvingInside() throws {
        #expect(throws: WebhookURL.Refusal.self) { try WebhookURL("http://127.0.0.1/cb", isProduction: true) }
        for inside in [
            "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "127.0.0.1", "100.64.0.1", "::1",
            "fd00::1", "fe80::1", "::ffff:10.0.0.1", "0.0.0.0", "::127.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::1",
            "fec0::1", "::ffff:0:7f00:1",
        ] {
            #expect(throws: WebhookURL.Refusal.self, "\(inside)") {
                try WebhookURL("https://hooks.example.com/x", isProduction: true, resolve: Self.resolver([inside]))
            }
        }
        // One internal address among public ones is enough to refuse.
        #expect(throws: WebhookURL.Refusal.self) {
            try WebhookURL(
                "https://hooks.example.com/x", isProduction: true,
                resolve: Self.resolver(["93.184.216.34", "10.0.0.1"]))
        }
        #expect(throws: WebhookURL.Refusal.self) {
            try WebhookURL("https://nowhere.example/x", isProduction: true, resolve: Self.resolver([]))
        }
        #expect(throws: WebhookURL.Refusal.self) {
            try WebhookURL("https://169.254.169.254/latest", isProduction: true)
        }
        let accepted = try WebhookURL(
            "https://hooks.example.com/x", isProduction: true,
            resolve: Self.resolver(["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]))
        #expect(accepted.host == "hooks.example.com")
        #expect(accepted.port == 443)
        // What the delivery connects to: exactly the addresses checked (no second DNS answer).
        #expect(
            accepted.checkedAddresses.map(\.description) == ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
        #expect(try WebhookURL("https://hooks.example.com:8443/x", isProduction: false).port == 8443)
        #expect(try WebhookURL("https://hooks.example.com/x", isProduction: false).checkedAddresses.isEmpty)
    }

    @Test func addressClassesAreRecognised() throws {
        #expect(try #require(IPAddress("8.8.8.8")).isPublic)
        #expect(try #require(IPAddress("172.32.0.1")).isPublic)
        #expect(try #require(IPAddress("172.15.255.255")).isPublic)
        #expect(try #require(IPAddress("2001:4860:4860::8888")).isPublic)
        #expect(try #require(IPAddress("64:ff9b::808:808")).isPublic, "NAT64 of 8.8.8.8")
        #expect(try #require(IPAddress("2002:808:808::1")).isPublic, "6to4 of 8.8.8.8")
        #expect(try #require(IPAddress("224.0.0.1")).isPublic == false)
        #expect(try #require(IPAddress("127.8.9.10")).isLoopback)
        #expect(IPAddress("example.com") == nil)
    }
}

/// The delivery signature: `t=<seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
struct WebhookSignatureTests {
    @Test func aSignedBodyVerifiesAndAnythingChangedDoesNot() {
        let body = Array(#"{"task_id":"x","status":"completed"}"#.utf8)
        let now = Date()
        let header = WebhookSignature.header(
            secret: "whsec_test", timestamp: Int(now.timeIntervalSince1970), body: body)
        #expect(header.hasPrefix("t=\(Int(now.timeIntervalSince1970)),v1="))
        #expect(header.count == "t=\(Int(now.timeIntervalSince1970)),v1=".count + 64)
        #expect(WebhookSignature.verify(header, secret: "whsec_test", body: body, now: now))
        #expect(!WebhookSignature.verify(header, secret: "whsec_other", body: body, now: now))
        #expect(!WebhookSignature.verify(header, secret: "whsec_test", body: body + [0x20], now: now))
        #expect(!WebhookSignature.verify(header, secret: "whsec_test", body: body, now: now + 600), "too old")
        #expect(!WebhookSignature.verify("v1=abc", secret: "whsec_test", body: body, now: now))
    }

    @Test func aKnownVector() {
        // HMAC-SHA256("secret", "1700000000.{}") computed with `openssl dgst -sha256 -hmac secret`.
        let header = WebhookSignature.header(secret: "secret", timestamp: 1_700_000_000, body: Array("{}".utf8))
        #expect(header == "t=1700000000,v1=" + Self.expected)
    }

    static let expected = "b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
}
