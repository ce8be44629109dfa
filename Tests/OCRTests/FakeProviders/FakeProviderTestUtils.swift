import Foundation
import Glibc
import JSON
import MenuKnowledgeTesting

/// Request bodies the fakes accept, built the way the real clients must build them, with knobs to break them.
enum FakeProviderRequests {
    static let fixtures = TestEnvironment.repositoryRoot + "/Tests/OCRTests/Fixtures"

    /// A small real JPEG.
    static func jpeg() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(fixtures)/small-menu-exif-rotated.jpg")))
    }

    /// A chat-completions body; each parameter breaks one rule of the contract when changed.
    static func openAI(
        image: [UInt8], model: String = "gpt-4o-mini", temperature: JSONValue = 0, detail: JSONValue? = "high",
        includesImage: Bool = true, logprobs: JSONValue = true
    ) -> [UInt8] {
        let schema: JSONValue = .object([
            ("type", "object"),
            ("properties", .object([("has_handwriting", .object([("type", "boolean")]))])),
            ("required", .array(["has_handwriting"])), ("additionalProperties", false),
        ])
        var imageURL: [(String, JSONValue)] = [
            ("url", .string("data:image/jpeg;base64," + Data(image).base64EncodedString()))
        ]
        if let detail { imageURL.append(("detail", detail)) }
        var parts: [JSONValue] = [.object([("type", "text"), ("text", "Extract the menu items from this photo.")])]
        if includesImage { parts.append(.object([("type", "image_url"), ("image_url", .object(imageURL))])) }
        let body: JSONValue = .object([
            ("model", .string(model)),
            (
                "messages",
                .array([
                    .object([("role", "system"), ("content", "You read photos of Korean restaurant menus.")]),
                    .object([("role", "user"), ("content", .array(parts))]),
                ])
            ),
            ("temperature", temperature), ("max_completion_tokens", 1500),
            (
                "response_format",
                .object([
                    ("type", "json_schema"),
                    ("json_schema", .object([("name", "menu_extraction"), ("strict", true), ("schema", schema)])),
                ])
            ),
            ("logprobs", logprobs),
        ])
        return body.encoded
    }

    /// The headers an OpenAI request needs.
    static func openAIHeaders(apiKey: String = "sk-test") -> [(String, String)] {
        [("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json")]
    }

    /// A CLOVA General V2 body; each parameter breaks one rule of the contract when changed.
    static func clova(
        image: [UInt8], version: String = "V2", format: String = "jpg", timestamp: Int? = nil, dataPrefix: String = ""
    ) -> [UInt8] {
        let now = Int(Date().timeIntervalSince1970 * 1000)
        let body: JSONValue = .object([
            ("version", .string(version)), ("requestId", "3f6c1f0e-9a7b-4c51-8a7e-2d1b6f4e9c10"),
            ("timestamp", .int(timestamp ?? now)), ("lang", "ko"),
            (
                "images",
                .array([
                    .object([
                        ("format", .string(format)), ("name", "menu-0001"),
                        ("data", .string(dataPrefix + Data(image).base64EncodedString())),
                    ])
                ])
            ),
            ("enableTableDetection", false),
        ])
        return body.encoded
    }

    /// The headers a CLOVA request needs.
    static func clovaHeaders(secret: String? = "clova-test-secret") -> [(String, String)] {
        [("Content-Type", "application/json; charset=UTF-8")] + (secret.map { [("X-OCR-SECRET", $0)] } ?? [])
    }
}

/// One kept-alive client connection with full control of the bytes, for keep-alive and `Expect: 100-continue`
/// (`TestHTTPClient` always sends `Connection: close`).
final class RawHTTPConnection {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        descriptor = try TestHTTPClient.connectLoopback(port: port, timeout: .seconds(10))
    }

    deinit { close(descriptor) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestEnvironmentError(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads one response head and its `Content-Length` body: (status line, lower-cased headers, body).
    func readResponse() throws -> (status: String, headers: [String: String], body: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        while buffer.firstRange(of: separator) == nil { try readMore() }
        guard let headEnd = buffer.firstRange(of: separator) else { throw TestEnvironmentError(description: "no head") }
        let lines = String(decoding: buffer[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeFirst(headEnd.upperBound)
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { try readMore() }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return (lines.first ?? "", headers, body)
    }

    private func readMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            throw TestEnvironmentError(description: "connection ended (recv \(count), errno \(errno))")
        }
        buffer.append(contentsOf: chunk[..<count])
    }
}
