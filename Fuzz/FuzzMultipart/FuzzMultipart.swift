import Foundation
import FuzzSupport

@testable import MenuAPI

// Input: the Content-Type header value, a LF, then the request body (no LF: the whole input is the body, with a
// fixed boundary, so that mutations of a body alone are not lost on a broken header).
// Invariants, beyond not crashing:
// - a boundary from the header is 1 to 70 characters and appears in the header;
// - at most maxParts parts; each part's data is a slice of the body, in order, not overlapping, and ends exactly
//   where the next delimiter (`CRLF--boundary` then whitespace or `--`) starts, with no delimiter inside it;
// - header names are lower case; a part's content type is its first Content-Type header;
// - the parts written out again (headers as decoded, data as is) decode to the same parts;
// - the header parameters parsed alone: names lower case and unique, and written out again (quoted, with `"` and
//   `\` escaped) they parse to the same parameters.
let maxParts = 8
let maxHeaderBytes = 512
let fixedBoundary = "fuzzboundary"

func check(_ bytes: [UInt8]) {
    let contentType: String
    let body: [UInt8]
    if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
        contentType = String(decoding: bytes[..<newline], as: UTF8.self)
        body = Array(bytes[(newline + 1)...])
    } else {
        contentType = "multipart/form-data; boundary=\(fixedBoundary)"
        body = bytes
    }
    checkParameters(contentType, .rfc9110)
    checkParameters(contentType, .formData)
    guard let boundary = try? MultipartFormData.boundary(fromContentType: contentType) else { return }
    require((1...70).contains(boundary.utf8.count), "boundary of \(boundary.utf8.count) bytes")
    require(contentType.contains(boundary), "boundary \(boundary) is not in \(contentType)")
    guard
        let form = try? MultipartFormData(
            body: body, boundary: boundary, maxParts: maxParts, maxHeaderBytes: maxHeaderBytes)
    else { return }
    checkParts(form.parts, of: body, boundary: boundary)
    checkRewritten(form.parts, boundary: boundary)
}

func checkParts(_ parts: [MultipartFormData.Part], of body: [UInt8], boundary: String) {
    require(parts.count <= maxParts, "\(parts.count) parts past the limit of \(maxParts)")
    let delimiter = Array("\r\n--\(boundary)".utf8)
    var previousEnd = 0
    for part in parts {
        let range = part.body.startIndex..<part.body.endIndex
        require(range.lowerBound >= previousEnd, "part data \(range) overlaps or precedes the one before")
        require(range.upperBound <= body.count, "part data \(range) ends past the body's \(body.count) bytes")
        previousEnd = range.upperBound
        require(part.body.elementsEqual(body[range]), "part data differs from the body's bytes at \(range)")
        require(
            firstDelimiter(delimiter, in: body, from: range.lowerBound) == range.upperBound,
            "part data \(range) does not end at the first delimiter after its start")
        for header in part.headers {
            require(header.name == header.name.lowercased(), "header name \(header.name) not lower-cased")
        }
        require(
            part.contentType == part.headers.first(where: { $0.name == "content-type" })?.value,
            "content type \(part.contentType ?? "nil") is not the first Content-Type header")
    }
}

/// Where the first whole delimiter at or after `start` begins: `CRLF--boundary` followed by whitespace, a line
/// break or `--` (what `MultipartFormData` treats as a delimiter), found by plain comparison at every offset.
func firstDelimiter(_ delimiter: [UInt8], in body: [UInt8], from start: Int) -> Int? {
    let whitespace: [UInt8] = [UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0D, 0x0A]
    let hyphen = UInt8(ascii: "-")
    var index = start
    while index + delimiter.count < body.count {
        let end = index + delimiter.count
        if body[index..<end].elementsEqual(delimiter),
            whitespace.contains(body[end]) || (body[end] == hyphen && end + 1 < body.count && body[end + 1] == hyphen)
        {
            return index
        }
        index += 1
    }
    return nil
}

func checkRewritten(_ parts: [MultipartFormData.Part], boundary: String) {
    var body: [UInt8] = []
    for part in parts {
        body += Array("--\(boundary)\r\n".utf8)
        for header in part.headers { body += Array("\(header.name):\(header.value)\r\n".utf8) }
        body += Array("\r\n".utf8)
        body += part.body
        body += Array("\r\n".utf8)
    }
    body += Array("--\(boundary)--\r\n".utf8)
    guard let again = try? MultipartFormData(body: body, boundary: boundary) else {
        require(parts.isEmpty, "the parts written out again do not decode")
        return
    }
    require(again.parts.count == parts.count, "\(parts.count) parts written out decode to \(again.parts.count)")
    for (first, second) in zip(parts, again.parts) {
        require(first.name == second.name, "name \(first.name) became \(second.name)")
        require(first.filename == second.filename, "filename \(first.filename ?? "nil") changed")
        require(first.contentType == second.contentType, "content type changed")
        require(first.headers.map(\.name) == second.headers.map(\.name), "header names changed")
        require(first.headers.map(\.value) == second.headers.map(\.value), "header values changed")
        require(first.body.elementsEqual(second.body), "data of part \(first.name) changed")
    }
}

func checkParameters(_ text: String, _ quotedStrings: ParameterizedHeaderValue.QuotedStrings) {
    guard let parsed = try? ParameterizedHeaderValue(parsing: text, quotedStrings: quotedStrings) else { return }
    let names = parsed.parameters.map(\.name)
    require(names.allSatisfy { $0 == $0.lowercased() }, "parameter names not lower-cased: \(names)")
    require(Set(names).count == names.count, "repeated parameter names: \(names)")
    var rewritten = parsed.value
    for (name, value) in parsed.parameters {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        rewritten += "; \(name)=\"\(escaped)\""
    }
    guard let again = try? ParameterizedHeaderValue(parsing: rewritten, quotedStrings: .rfc9110) else {
        require(false, "parameters written out again do not parse: \(rewritten)")
        return
    }
    require(again.value == parsed.value, "value \(parsed.value) became \(again.value)")
    require(again.parameters.map(\.name) == names, "parameter names changed: \(rewritten)")
    require(again.parameters.map(\.value) == parsed.parameters.map(\.value), "parameter values changed: \(rewritten)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    check(FuzzInput.bytes(data, size))
    return 0
}
