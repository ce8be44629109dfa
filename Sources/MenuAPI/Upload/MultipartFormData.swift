import Glibc
import JSON

/// A decoded `multipart/form-data` body (RFC 7578): the fields and files of an upload form, in order.
///
/// Each part's `body` is a slice of the request body, which is read once: slices share the body's storage, so
/// parsing copies no part (the upload route then copies each file's bytes once, into its `UploadedFile`).
///
/// ```
/// let boundary = try MultipartFormData.boundary(fromContentType: request.headers["content-type"] ?? "")
/// let form = try MultipartFormData(body: request.body, boundary: boundary)
/// for file in form.parts(named: ["files", "files[]", "file"]) {
///     print(file.filename ?? "-", file.contentType ?? "-", file.body.count)
/// }
/// ```
///
/// Scope: RFC 7578 as browsers and curl send it. A nested `multipart/mixed` part is returned as data, not
/// decoded; `Content-Transfer-Encoding` is ignored (RFC 7578 §4.7 deprecates it); the `_charset_` field is not
/// applied (names and filenames are read as UTF-8). Header lines must end in CRLF, as RFC 2046 §5.1.1 requires.
public struct MultipartFormData: Sendable {
    /// One field or file of the form.
    public struct Part: Sendable {
        /// The field name, from `Content-Disposition: form-data; name="..."`. May contain `[]` (`files[]`).
        public var name: String
        /// The file name the client sent, if any. `filename*=UTF-8''…` (RFC 5987) wins over `filename="…"`;
        /// a quoted `filename` may hold raw UTF-8, as browsers send it. Never use it as a path.
        public var filename: String?
        /// The part's `Content-Type`, if it has one (the first, if repeated).
        public var contentType: String?
        /// All the part's headers in order, names lower-cased, values trimmed.
        public var headers: [(name: String, value: String)]
        /// The part's data: a slice of the request body, with the body's indices.
        public var body: ArraySlice<UInt8>

        /// A part made by hand, for tests and in-process callers.
        /// - Parameters: the field name, then optionally the file name, content type, headers (default none) and
        ///   data (default empty).
        public init(
            name: String, filename: String? = nil, contentType: String? = nil,
            headers: [(name: String, value: String)] = [], body: ArraySlice<UInt8> = []
        ) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.headers = headers
            self.body = body
        }
    }

    /// The parts in the order they appear in the body.
    public var parts: [Part]

    /// The parts whose name is one of `names`, in order.
    ///
    /// - Parameter names: field names, matched exactly (`["files", "files[]", "file"]`).
    /// - Returns: the matching parts; empty when none match.
    public func parts(named names: Set<String>) -> [Part] {
        parts.filter { names.contains($0.name) }
    }

    /// The boundary from a Content-Type header value such as `multipart/form-data; boundary=----abc`.
    ///
    /// The type and parameter names are case-insensitive, parameters may come in any order, and the boundary may
    /// be quoted (`boundary="a b"`).
    ///
    /// - Parameter contentType: the request's Content-Type header value.
    /// - Returns: the boundary, unquoted, 1 to 70 characters from RFC 2046 §5.1.1's `bchars`.
    /// - Throws: ``MultipartError`` with code `invalid_content_type` when the type is not `multipart/form-data` or
    ///   the parameters cannot be parsed (or repeat), `missing_boundary` when there is no `boundary` parameter,
    ///   `invalid_boundary` when it is empty, longer than 70 characters, or has a character RFC 2046 does not allow.
    public static func boundary(fromContentType contentType: String) throws(MultipartError) -> String {
        // The media type is checked before the parameters, so that `application/json; charset="x` is reported as
        // the wrong type, which is what the client needs to fix.
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmedType = mediaType.trimmingSpacesAndTabs()
        guard trimmedType.lowercased() == "multipart/form-data" else {
            let shown = trimmedType.isEmpty ? "none" : trimmedType.count <= 64 ? "'\(trimmedType)'" : "another type"
            throw MultipartError(
                .invalidContentType,
                "The Content-Type must be multipart/form-data (got \(shown)); send the files with curl -F")
        }
        let header: ParameterizedHeaderValue
        do throws(ParameterizedHeaderValue.SyntaxError) {
            header = try ParameterizedHeaderValue(parsing: contentType)
        } catch {
            throw MultipartError(.invalidContentType, "The Content-Type header is malformed: \(error.reason)")
        }
        guard let boundary = header.parameter("boundary") else {
            throw MultipartError(
                .missingBoundary, "The Content-Type multipart/form-data has no boundary parameter")
        }
        try validate(boundary: boundary)
        return boundary
    }

    /// Decodes `body`.
    ///
    /// A preamble before the first delimiter and an epilogue after the closing one are ignored. Part data is
    /// binary-safe: it may hold CR, LF, `--` and anything that is not a whole delimiter line.
    ///
    /// - Parameters:
    ///   - body: the whole request body.
    ///   - boundary: the boundary from ``boundary(fromContentType:)``.
    ///   - maxParts: the most parts accepted, which bounds the work and memory an attacker can cause.
    ///     Defaults to 1,000.
    ///   - maxHeaderBytes: the most bytes of header lines accepted per part. Defaults to 16,384 (16 KB).
    /// - Throws: ``MultipartError`` with code `invalid_boundary` for a boundary RFC 2046 does not allow,
    ///   `too_many_parts` beyond `maxParts`, and `malformed_multipart` for anything else that breaks RFC 7578:
    ///   no delimiter, no closing delimiter, a bad header line, a part without `Content-Disposition: form-data`
    ///   and `name`, or a bad `filename*`.
    public init(
        body: [UInt8], boundary: String, maxParts: Int = 1000, maxHeaderBytes: Int = 16_384
    ) throws(MultipartError) {
        try Self.validate(boundary: boundary)
        // `withUnsafeBytes` rethrows untyped errors, so the typed error travels out in a `Result`.
        let decoded = body.withUnsafeBytes { bytes in
            Result { () throws(MultipartError) in
                try BodyScanner(bytes: bytes, boundary: boundary)
                    .parts(of: body, maxParts: maxParts, maxHeaderBytes: maxHeaderBytes)
            }
        }
        parts = try decoded.get()
    }

    /// The RFC 2046 §5.1.1 boundary rules: `0*69<bchars> bcharsnospace`.
    private static func validate(boundary: String) throws(MultipartError) {
        let length = boundary.utf8.count
        guard length > 0 else {
            throw MultipartError(.invalidBoundary, "The boundary is empty")
        }
        guard length <= maximumBoundaryLength else {
            throw MultipartError(
                .invalidBoundary,
                "The boundary is \(length) characters long; RFC 2046 allows at most \(maximumBoundaryLength)")
        }
        if let bad = boundary.unicodeScalars.first(where: { !isBoundaryCharacter($0) }) {
            let shown = bad.isASCII && bad.value > 0x20 && bad.value < 0x7F ? "'\(bad)'" : "U+\(hex(bad.value))"
            throw MultipartError(
                .invalidBoundary,
                "The boundary contains \(shown), which RFC 2046 does not allow; use letters, digits and '()+_,-./:=?")
        }
        guard boundary.utf8.last != .space else {
            throw MultipartError(.invalidBoundary, "The boundary ends with a space, which RFC 2046 does not allow")
        }
    }

    /// RFC 2046 §5.1.1: "Boundary delimiters must not appear within the encapsulated material, and must be no
    /// longer than 70 characters, not counting the two leading hyphens."
    private static let maximumBoundaryLength = 70

    /// RFC 2046 §5.1.1 `bchars`.
    private static func isBoundaryCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "a"..."z", "A"..."Z": true
        default: "'()+_,-./:=? ".unicodeScalars.contains(scalar)
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Walks one body. It only reads through `bytes`, which is valid for the duration of the `withUnsafeBytes` call.
private struct BodyScanner {
    let bytes: UnsafeRawBufferPointer
    let boundary: String
    /// `CRLF--boundary`: RFC 2046 §5.1.1 makes the CRLF before a boundary line part of the delimiter, not of the
    /// data before it.
    let delimiter: [UInt8]

    init(bytes: UnsafeRawBufferPointer, boundary: String) {
        self.bytes = bytes
        self.boundary = boundary
        self.delimiter = Array("\r\n--\(boundary)".utf8)
    }

    var count: Int { bytes.count }

    func parts(of body: [UInt8], maxParts: Int, maxHeaderBytes: Int) throws(MultipartError) -> [MultipartFormData.Part]
    {
        // The first delimiter may open the body without a CRLF (RFC 2046 §5.1.1: the preamble, and its CRLF, are
        // optional). Otherwise it follows a preamble, which is skipped.
        var position: Int
        if delimiterMatches(at: 0, patternOffset: 2) {
            position = delimiter.count - 2
        } else if let start = nextDelimiter(from: 0) {
            position = start + delimiter.count
        } else {
            throw MultipartError(
                .malformedMultipart,
                "The body does not contain the boundary '--\(boundary)' from the Content-Type header")
        }

        var parts: [MultipartFormData.Part] = []
        while true {
            // `position` is just after `--boundary`. A closing delimiter ends the parts; the epilogue is ignored.
            if position + 1 < count, bytes[position] == .hyphen, bytes[position + 1] == .hyphen {
                return parts
            }
            let partNumber = parts.count + 1
            // RFC 2046 §5.1.1 allows transport padding (spaces and tabs) between the boundary and its CRLF.
            while position < count, bytes[position] == .space || bytes[position] == .tab { position += 1 }
            guard position + 1 < count, bytes[position] == .carriageReturn, bytes[position + 1] == .lineFeed else {
                throw MultipartError(
                    .malformedMultipart,
                    "The boundary line before part \(partNumber) does not end with CRLF (or '--' to close the body)")
            }
            position += 2
            guard parts.count < maxParts else {
                throw MultipartError(.tooManyParts, "The form has more than \(maxParts) parts; send fewer files")
            }

            let (headerRange, bodyStart) = try headerBlock(from: position, partNumber, maxHeaderBytes: maxHeaderBytes)
            guard let bodyEnd = nextDelimiter(from: bodyStart) else {
                throw MultipartError(
                    .malformedMultipart, "The multipart body has no closing boundary '--\(boundary)--'")
            }
            var part = try self.part(headers: headerLines(in: headerRange, partNumber), partNumber)
            part.body = body[bodyStart..<bodyEnd]
            parts.append(part)
            position = bodyEnd + delimiter.count
        }
    }

    // MARK: Finding delimiters

    /// The index of the CR of the first whole delimiter at or after `start`.
    ///
    /// Runs in linear time whatever the data: it jumps from CR to CR, and a comparison that gets `k` bytes into
    /// the delimiter has passed `k` bytes that hold no CR (a boundary cannot contain one), so no byte is compared
    /// more than twice. The boundary is chosen by the client, so a skip-table search (Boyer–Moore–Horspool) is
    /// avoided: a boundary like `aaaa…a` would make it quadratic.
    func nextDelimiter(from start: Int) -> Int? {
        var index = start
        while let carriageReturn = firstIndex(of: .carriageReturn, from: index) {
            if delimiterMatches(at: carriageReturn, patternOffset: 0) { return carriageReturn }
            index = carriageReturn + 1
        }
        return nil
    }

    /// Whether `delimiter[patternOffset...]` is at `index` and is followed by what may follow a boundary.
    ///
    /// Like Go's `mime/multipart` (`matchAfterPrefix`), `--boundary` followed by anything other than `--`,
    /// whitespace or a line break is data, not a delimiter: then a boundary that is a prefix of a longer
    /// boundary-like string in the data cannot cut a part short.
    func delimiterMatches(at index: Int, patternOffset: Int) -> Bool {
        let end = index + delimiter.count - patternOffset
        guard end < count else { return false }
        var patternIndex = patternOffset
        var byteIndex = index
        while patternIndex < delimiter.count {
            guard bytes[byteIndex] == delimiter[patternIndex] else { return false }
            patternIndex += 1
            byteIndex += 1
        }
        switch bytes[end] {
        case .space, .tab, .carriageReturn, .lineFeed: return true
        case .hyphen: return end + 1 < count && bytes[end + 1] == .hyphen
        default: return false
        }
    }

    /// The index of the first `byte` in `start..<end` (`end` defaults to the end of the body), or nil.
    ///
    /// libc's `memchr` scans with the widest vector instructions the CPU has: on a 1 MB photo it is the
    /// difference between a tenth of a cache hit's own time and almost none (a CR comes every 256 bytes or so).
    func firstIndex(of byte: UInt8, from start: Int, to end: Int? = nil) -> Int? {
        let end = min(end ?? count, count)
        guard start < end, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), end - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    // MARK: Headers

    /// The range of a part's header lines (without the final CRLF) and the index where its data starts.
    func headerBlock(
        from start: Int, _ partNumber: Int, maxHeaderBytes: Int
    ) throws(MultipartError) -> (headers: Range<Int>, bodyStart: Int) {
        // A part with no headers at all starts with the empty line; it fails later for lack of a name.
        if start + 1 < count, bytes[start] == .carriageReturn, bytes[start + 1] == .lineFeed {
            return (start..<start, start + 2)
        }
        let limit = min(count, start + maxHeaderBytes + 4)
        var index = start
        while let carriageReturn = firstIndex(of: .carriageReturn, from: index, to: limit - 3) {
            if bytes[carriageReturn + 1] == .lineFeed, bytes[carriageReturn + 2] == .carriageReturn,
                bytes[carriageReturn + 3] == .lineFeed
            {
                return (start..<carriageReturn, carriageReturn + 4)
            }
            index = carriageReturn + 1
        }
        if limit < count {
            throw MultipartError(
                .malformedMultipart, "The headers of part \(partNumber) are longer than \(maxHeaderBytes) bytes")
        }
        throw MultipartError(
            .malformedMultipart, "The headers of part \(partNumber) do not end with an empty line (CRLF CRLF)")
    }

    /// The header lines in `range`, names lower-cased, values trimmed and read as UTF-8.
    func headerLines(in range: Range<Int>, _ partNumber: Int) throws(MultipartError) -> [(name: String, value: String)]
    {
        var headers: [(name: String, value: String)] = []
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            var lineEnd = lineStart
            while lineEnd < range.upperBound, bytes[lineEnd] != .carriageReturn, bytes[lineEnd] != .lineFeed {
                lineEnd += 1
            }
            // The block ends before its final CRLF, so a CR inside it must start a CRLF; a lone CR or LF would let
            // two readers split the lines differently.
            if lineEnd < range.upperBound,
                bytes[lineEnd] == .lineFeed || lineEnd + 1 >= range.upperBound || bytes[lineEnd + 1] != .lineFeed
            {
                throw MultipartError(
                    .malformedMultipart, "Part \(partNumber) has a header line that does not end with CRLF")
            }
            headers.append(try header(in: lineStart..<lineEnd, partNumber))
            lineStart = lineEnd + 2
        }
        return headers
    }

    func header(in line: Range<Int>, _ partNumber: Int) throws(MultipartError) -> (name: String, value: String) {
        // A delimiter line among the headers means the empty line that ends them is missing.
        if delimiterMatches(at: line.lowerBound - 2, patternOffset: 0) {
            throw MultipartError(
                .malformedMultipart, "The headers of part \(partNumber) do not end with an empty line (CRLF CRLF)")
        }
        guard let colon = line.first(where: { bytes[$0] == .colon }) else {
            throw MultipartError(.malformedMultipart, "Part \(partNumber) has a header line without a colon")
        }
        if let first = line.first, bytes[first] == .space || bytes[first] == .tab {
            // A continuation line (obs-fold) starts with whitespace. RFC 9112 §5.2 forbids senders to fold, no
            // browser or curl does, and reading one as a header of its own would be wrong, so it is refused.
            throw MultipartError(
                .malformedMultipart, "Part \(partNumber) has a folded header line; header lines must not wrap")
        }
        guard colon > line.lowerBound,
            (line.lowerBound..<colon).allSatisfy({ ParameterizedHeaderValue.isTokenCharacter(bytes[$0]) })
        else {
            throw MultipartError(.malformedMultipart, "Part \(partNumber) has a header with an invalid name")
        }
        var valueStart = colon + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd, bytes[valueStart] == .space || bytes[valueStart] == .tab { valueStart += 1 }
        while valueEnd > valueStart, bytes[valueEnd - 1] == .space || bytes[valueEnd - 1] == .tab { valueEnd -= 1 }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[line.lowerBound..<colon]), as: UTF8.self)
        // Read leniently: a filename in a legacy encoding (EUC-KR from old Windows clients) should not fail the
        // upload; its invalid bytes become U+FFFD.
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self)
        return (name.lowercased(), value)
    }

    /// A part from its headers (the data is filled in by the caller).
    func part(headers: [(name: String, value: String)], _ partNumber: Int) throws(MultipartError)
        -> MultipartFormData.Part
    {
        let dispositions = headers.filter { $0.name == "content-disposition" }
        guard let disposition = dispositions.first else {
            throw MultipartError(
                .malformedMultipart,
                "Part \(partNumber) has no Content-Disposition header; each part needs "
                    + "'Content-Disposition: form-data; name=\"...\"'")
        }
        guard dispositions.count == 1 else {
            throw MultipartError(.malformedMultipart, "Part \(partNumber) has more than one Content-Disposition header")
        }
        let parsed: ParameterizedHeaderValue
        do throws(ParameterizedHeaderValue.SyntaxError) {
            parsed = try ParameterizedHeaderValue(parsing: disposition.value, quotedStrings: .formData)
        } catch {
            throw MultipartError(
                .malformedMultipart, "The Content-Disposition of part \(partNumber) is malformed: \(error.reason)")
        }
        // RFC 7578 §4.2: each part has a Content-Disposition "where the disposition type is "form-data"";
        // the type is case-insensitive (RFC 6266 §4.1).
        guard parsed.value.lowercased() == "form-data" else {
            throw MultipartError(
                .malformedMultipart, "The Content-Disposition of part \(partNumber) must be form-data")
        }
        guard let name = parsed.parameter("name") else {
            throw MultipartError(
                .malformedMultipart, "The Content-Disposition of part \(partNumber) has no name parameter")
        }
        var filename = parsed.parameter("filename")
        if let extended = parsed.parameter("filename*") {
            filename = try Self.decodedExtendedValue(extended, partNumber)
        }
        return MultipartFormData.Part(
            name: name, filename: filename, contentType: headers.first { $0.name == "content-type" }?.value,
            headers: headers)
    }

    /// An RFC 5987 §3.2 `ext-value` (`UTF-8'ko'%EB%A9%94%EB%89%B4.jpg`) decoded.
    ///
    /// RFC 7578 §4.2 says senders must not use `filename*`, but some clients do, and the value it carries is the
    /// one they meant. Only UTF-8 is accepted: a legacy charset is refused rather than guessed.
    static func decodedExtendedValue(_ text: String, _ partNumber: Int) throws(MultipartError) -> String {
        let pieces = text.utf8.split(separator: .apostrophe, maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else {
            throw MultipartError(
                .malformedMultipart, "The filename* of part \(partNumber) is not in the form UTF-8''percent-encoded")
        }
        let charset = String(decoding: pieces[0], as: UTF8.self)
        guard charset.lowercased() == "utf-8" else {
            throw MultipartError(
                .malformedMultipart,
                "The filename* of part \(partNumber) uses charset '\(charset.prefix(32))'; only UTF-8 is supported")
        }
        let encoded = Array(pieces[2])
        var decoded: [UInt8] = []
        decoded.reserveCapacity(encoded.count)
        var index = 0
        while index < encoded.count {
            guard encoded[index] == .percent else {
                decoded.append(encoded[index])
                index += 1
                continue
            }
            guard index + 2 < encoded.count, let high = encoded[index + 1].hexDigitValue,
                let low = encoded[index + 2].hexDigitValue
            else {
                throw MultipartError(
                    .malformedMultipart,
                    "The filename* of part \(partNumber) has an invalid percent-escape; use %XX with two hex digits")
            }
            decoded.append(high << 4 | low)
            index += 3
        }
        guard let value = String(validating: decoded, as: UTF8.self) else {
            throw MultipartError(.malformedMultipart, "The filename* of part \(partNumber) is not valid UTF-8")
        }
        return value
    }
}

extension Substring {
    fileprivate func trimmingSpacesAndTabs() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
