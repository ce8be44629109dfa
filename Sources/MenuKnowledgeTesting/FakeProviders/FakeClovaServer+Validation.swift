import Foundation
import JSON

extension FakeClovaServer {
    /// What a request must look like (docs/providers.md), and what the reply echoes.
    struct Inspection {
        var problems: [String] = []
        /// False when `X-OCR-SECRET` is missing or wrong: the reply is then the real 401 `0002`.
        var isAuthorized = true
        var image: [UInt8]?
        var requestID = ""
        var imageName = ""
    }

    /// `images[].format` values the contract lists (§3.1).
    static let formats: Set<String> = ["jpg", "jpeg", "png", "pdf", "tiff"]
    /// How far `timestamp` may be from now: the field is "current Unix time in milliseconds" (docs/providers.md).
    static let timestampToleranceMilliseconds = 5 * 60 * 1000

    /// Checks `request` against the contract; every violation becomes one problem message.
    static func inspect(_ request: FakeHTTPRequest, path: String, secret: String) -> Inspection {
        var inspection = Inspection()
        func problem(_ text: String) { inspection.problems.append(text) }

        if request.method != "POST" { problem("method is \(request.method), expected POST") }
        if request.path != path { problem("path is \(request.path), expected \(path)") }
        switch request.header("x-ocr-secret") {
        case nil:
            problem("X-OCR-SECRET header is missing")
            inspection.isAuthorized = false
        case secret: break
        default: inspection.isAuthorized = false
        }
        if let contentType = request.header("content-type") {
            if !contentType.lowercased().hasPrefix("application/json") {
                problem("Content-Type is \(contentType), expected application/json")
            }
        } else {
            problem("Content-Type header is missing, expected application/json")
        }
        guard let body = JSONValue.parsed(request.body), body.object != nil else {
            problem("body is not a JSON object: \(request.text.prefix(120))")
            return inspection
        }

        if body["version"] != .string("V2") {
            problem("version is \(body["version"]?.summary ?? "missing"), expected \"V2\"")
        }
        if let requestID = body["requestId"]?.string, !requestID.isEmpty {
            inspection.requestID = requestID
        } else {
            problem("requestId is \(body["requestId"]?.summary ?? "missing"), expected a non-empty string")
        }
        if let timestamp = body["timestamp"]?.int {
            if abs(timestamp - FakeIdentifier.nowMilliseconds()) > timestampToleranceMilliseconds {
                problem("timestamp \(timestamp) is not within 5 minutes of now in milliseconds since 1970")
            }
        } else {
            problem("timestamp is \(body["timestamp"]?.summary ?? "missing"), expected an integer (milliseconds)")
        }
        if body["lang"] != .string("ko") {
            problem("lang is \(body["lang"]?.summary ?? "missing"), expected \"ko\"")
        }
        if let tables = body["enableTableDetection"], tables.bool == nil {
            problem("enableTableDetection is \(tables.summary), expected a JSON boolean")
        }
        guard let images = body["images"]?.array, images.count == 1 else {
            problem("images is \(body["images"]?.summary ?? "missing"), expected exactly one element")
            return inspection
        }
        let image = images[0]
        let format = image["format"]?.string ?? ""
        if !formats.contains(format) {
            problem("images[0].format is \(image["format"]?.summary ?? "missing"), expected one of \(formats.sorted())")
        }
        if let name = image["name"]?.string, !name.isEmpty {
            inspection.imageName = name
        } else {
            problem("images[0].name is \(image["name"]?.summary ?? "missing"), expected a non-empty string")
        }
        guard let data = image["data"]?.string else {
            problem("images[0].data is \(image["data"]?.summary ?? "missing"); the client must send the bytes inline")
            return inspection
        }
        if data.hasPrefix("data:") {
            problem("images[0].data starts with a data: prefix; CLOVA wants bare base64")
        } else if let decoded = Data(base64Encoded: data) {
            let bytes = [UInt8](decoded)
            inspection.image = bytes
            if formats.contains(format) && !FakeIdentifier.hasMagic(bytes, of: format) {
                problem("images[0].data does not start with the magic number of format \(format)")
            }
        } else {
            problem("images[0].data is not standard padded single-line base64")
        }
        return inspection
    }
}
