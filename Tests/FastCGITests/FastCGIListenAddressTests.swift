import FastCGI
import Testing

struct FastCGIListenAddressTests {
    @Test(arguments: [
        ("unix:/run/menu-api/menu-api.sock", "unix:/run/menu-api/menu-api.sock"), ("127.0.0.1:9000", "127.0.0.1:9000"),
        ("stdin", "stdin"), ("fd:0", "stdin"), ("localhost:65535", "localhost:65535"),
        ("systemd", "systemd"),
    ])
    func parsesValidAddresses(text: String, expected: String) throws {
        #expect(try FastCGIListenAddress(parsing: text).description == expected)
    }

    @Test(arguments: [
        "unix:relative.sock", "127.0.0.1:0", "127.0.0.1:70000", ":9000", "9000", "host:port",
        "unix:/" + String(repeating: "x", count: 120),
    ])
    func refusesInvalidAddresses(text: String) {
        #expect(throws: FastCGIListenAddress.ParseError.self) { try FastCGIListenAddress(parsing: text) }
    }
}
